// "Remember on this device": the data key kept encrypted by the OS keychain, used at start-up instead of the
// passphrase, refused where the keychain offers no real protection.
import type { VaultRepo } from '../store/vault'
import { open } from './crypto'
import { VaultError } from './errors'
import { CHECK_AAD } from './passphrase'
import type { VaultSession } from './session'
import type { VaultOptions } from './types'

export class RememberedKey {
  constructor(
    private readonly opts: VaultOptions,
    private readonly repo: VaultRepo,
    private readonly session: VaultSession,
  ) {}

  /**
   * At start-up: unlocks with the key this device's keychain remembers. False when there is none, the
   * keychain cannot be used now (kept for next time), or the key is not this vault's (then forgotten).
   */
  async unlock(): Promise<boolean> {
    if (this.session.hasKey) return true
    const row = this.session.row()
    if (!row?.remembered_key || this.problem()) return false
    let dk: Buffer
    try {
      dk = this.opts.keychain!.decrypt(row.remembered_key)
    } catch {
      // A keyring not yet unlocked after login fails the same way: not a reason to forget the device.
      return false
    }
    try {
      open(dk, row.key_check, CHECK_AAD).fill(0)
    } catch {
      dk.fill(0)
      this.forget()
      return false
    }
    this.session.setKey(dk, null)
    this.session.notify('unlocked', 'unlock')
    return true
  }

  /** Keeps `dk` in the keychain; on failure zeroes it and says why. Call requireKeychain() first. */
  store(dk: Buffer): void {
    let blob: Buffer
    try {
      blob = this.opts.keychain!.encrypt(dk)
    } catch (err) {
      dk.fill(0)
      throw new VaultError(
        'keychain_unavailable',
        `Cannot remember the vault on this device: the system keychain refused (${errText(err)})`,
      )
    }
    this.repo.rememberKey(blob)
  }

  isRemembered(): boolean {
    return Boolean(this.session.row()?.remembered_key)
  }

  /** Empty when "remember on this device" can be offered; otherwise why it cannot, for the person. */
  unavailableReason(): string {
    return this.problem() ?? ''
  }

  forget(): void {
    if (this.repo.forgetKey()) this.session.notify(this.session.state(), 'settings')
  }

  requireKeychain(): void {
    const why = this.problem()
    if (why) throw new VaultError('keychain_unavailable', `Cannot remember the vault on this device: ${why}`)
  }

  private problem(): string | null {
    const k = this.opts.keychain
    if (!k) return 'only the desktop app can use the system keychain'
    if (!k.isEncryptionAvailable()) return 'this system offers no keychain'
    // Electron's basic_text backend encrypts with a hard-coded password: as good as storing the key in clear.
    if (k.backend() === 'basic_text') return 'the system keychain stores data unprotected (basic_text)'
    return null
  }
}

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err))

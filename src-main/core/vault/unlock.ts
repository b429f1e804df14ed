// Creating, unlocking and re-keying the vault: a random data key wrapped by a key derived from the master
// passphrase (scrypt, with the header's parameters), and a lock that lands during a derivation always wins.
import { randomBytes } from 'node:crypto'
import type { VaultRepo } from '../store/vault'
import type { VaultControl } from './control'
import { canonical, checksum, deriveKey, KDF_DEFAULT, newHeader, seal } from './crypto'
import { RESTORE, VaultError } from './errors'
import { CHECK_AAD, checkPassphrase, KEY_AAD, type PassphraseGate } from './passphrase'
import type { RememberedKey } from './remembered'
import { REASON_TEXT, type VaultSession } from './session'
import { DEFAULT_AUTO_LOCK_MINUTES, type VaultOptions } from './types'

export class Unlocker {
  constructor(
    private readonly opts: VaultOptions,
    private readonly repo: VaultRepo,
    private readonly control: VaultControl,
    private readonly session: VaultSession,
    private readonly gate: PassphraseGate,
    private readonly remembered: RememberedKey,
  ) {}

  /** Creates the vault and leaves it unlocked. */
  async init(passphrase: string): Promise<void> {
    if (this.session.row()) throw alreadyInitialised()
    checkPassphrase(passphrase)
    const orphans = this.repo.credentialCount()
    if (orphans > 0)
      // A new data key could never open them: creating a vault here would quietly lose them for good.
      throw new VaultError(
        'header_corrupt',
        `The vault record is missing but ${orphans} stored credential${orphans === 1 ? ' is' : 's are'} ` +
          `still here; ${RESTORE} rather than creating a new vault, which could not open them`,
      )
    const header = newHeader(this.opts.unsafeKdfForTests ?? KDF_DEFAULT)
    const text = canonical(header)
    const epoch = this.session.epoch
    const kek = await deriveKey(passphrase, header.kdf)
    const dk = randomBytes(32)
    try {
      // Another face may have created it while scrypt ran.
      if (this.session.row()) throw alreadyInitialised()
      const wrapped = seal(kek, dk, KEY_AAD + text)
      const now = this.session.now()
      this.repo.create({
        header: text,
        checksum: checksum(text, wrapped),
        wrappedKey: wrapped,
        keyCheck: seal(dk, Buffer.from('ok'), CHECK_AAD),
        autoLockMinutes: DEFAULT_AUTO_LOCK_MINUTES,
        at: now,
      })
    } catch (err) {
      dk.fill(0)
      throw err
    } finally {
      kek.fill(0)
    }
    if (epoch !== this.session.epoch) {
      dk.fill(0)
      this.session.notify('locked', this.session.lastLock)
      return
    }
    this.session.setKey(dk)
    this.session.notify('unlocked', 'init')
  }

  /** Checks the passphrase (even when unlocked), then unlocks; `remember` keeps the key on this device. */
  async unlock(passphrase: string, opts: { remember?: boolean } = {}): Promise<void> {
    const row = this.session.requireRow()
    const header = this.gate.header(row)
    if (opts.remember) this.remembered.requireKeychain()
    const epoch = this.session.epoch
    const generation = this.control.generation()
    const dk = await this.gate.unwrap(passphrase, row, header.kdf, 'Wrong passphrase', 'unlock')
    const lockedBy = this.session.lockedSince(epoch, generation)
    if (lockedBy) {
      dk.fill(0)
      throw new VaultError(
        'locked',
        `The vault was locked ${REASON_TEXT[lockedBy]} while the passphrase was being checked; ` +
          'unlock it again',
      )
    }
    if (opts.remember) this.remembered.store(dk)
    this.session.setKey(dk)
    this.session.notify('unlocked', 'unlock')
  }

  /** Re-wraps the data key under the new passphrase (and a fresh salt); no credential is re-encrypted. */
  async changePassphrase(current: string, next: string): Promise<void> {
    checkPassphrase(next)
    if (next.normalize('NFKC') === current.normalize('NFKC'))
      throw new VaultError('invalid', 'The new passphrase is the same as the current one')
    const row = this.session.requireRow()
    const header = this.gate.header(row)
    const epoch = this.session.epoch
    const dk = await this.gate.unwrap(
      current,
      row,
      header.kdf,
      'The current passphrase is wrong; the passphrase was not changed',
      'change-passphrase',
    )
    const fresh = newHeader(this.opts.unsafeKdfForTests ?? KDF_DEFAULT)
    const text = canonical(fresh)
    let kek: Buffer
    try {
      kek = await deriveKey(next, fresh.kdf)
    } catch (err) {
      dk.fill(0)
      throw err
    }
    try {
      const wrapped = seal(kek, dk, KEY_AAD + text)
      this.repo.rewrap(text, checksum(text, wrapped), wrapped, this.session.now())
    } catch (err) {
      dk.fill(0)
      throw err
    } finally {
      kek.fill(0)
    }
    // The new passphrase is in force either way; a lock that came meanwhile still wins.
    if (epoch !== this.session.epoch) {
      dk.fill(0)
      return
    }
    this.session.setKey(dk)
    this.session.notify('unlocked', 'passphrase')
  }
}

const alreadyInitialised = () =>
  new VaultError('already_initialised', 'The vault already exists; unlock it instead')

// Every passphrase attempt goes through here: the vault header read (refusing damage and downgrades) before
// any key is derived, the shared wrong-passphrase backoff, and the audit event; also the strength rule.
import type { VaultRow } from '../store/vault'
import type { VaultControl } from './control'
import {
  BlobError,
  deriveKey,
  FORMAT_VERSION,
  KDF_MINIMUM,
  open,
  type Header,
  type ScryptCost,
} from './crypto'
import { RESTORE, VaultError } from './errors'
import { readHeader } from './header'
import { MIN_PASSPHRASE, type PassphraseAttempt, type PassphraseEvent, type VaultOptions } from './types'

/** Binds the wrapped data key to its header, so neither can be swapped alone. */
export const KEY_AAD = 'driftwatch-vault-key|'
// A known value sealed under the data key: how a key from the keychain is checked before it is trusted.
export const CHECK_AAD = `driftwatch-vault-check|v${FORMAT_VERSION}`

export class PassphraseGate {
  constructor(
    private readonly opts: VaultOptions,
    private readonly control: VaultControl,
  ) {}

  /** The vault's header, checked before any key derivation; tests may lower the floor, never below it. */
  header(row: VaultRow): Header {
    return readHeader(row, this.floor())
  }

  floor(): ScryptCost {
    return this.opts.unsafeKdfForTests ?? KDF_MINIMUM
  }

  /**
   * Derives and opens the data key. Wrong passphrases are counted in the store, which every process shares,
   * so restarting does not reset the backoff; while it runs, attempts are refused before any derivation.
   */
  async unwrap(
    passphrase: string,
    row: VaultRow,
    kdf: Parameters<typeof deriveKey>[1],
    wrongMessage: string,
    attempt: PassphraseAttempt,
  ): Promise<Buffer> {
    const waitMs = this.control.waitMs()
    if (waitMs > 0) {
      this.tell({ type: 'refused', attempt, waitMs })
      throw new VaultError(
        'backoff',
        `Too many wrong passphrases: wait ${Math.ceil(waitMs / 1000)} s before trying again`,
      )
    }
    const kek = await deriveKey(passphrase, kdf)
    try {
      const dk = open(kek, row.wrapped_key, KEY_AAD + row.header)
      this.control.recordSuccess()
      return dk
    } catch (err) {
      // The checksum vouched for the record, so a failure here is the passphrase (or deliberate tampering,
      // which cannot be told from it without the passphrase).
      if (err instanceof BlobError && err.kind === 'truncated')
        throw new VaultError('truncated', `The vault's wrapped key is truncated; ${RESTORE}`)
      const failure = this.control.recordFailure()
      this.tell({ type: 'wrong', attempt, ...failure })
      throw new VaultError(
        'wrong_passphrase',
        failure.delayMs > 0
          ? `${wrongMessage} (${failure.failures} wrong in a row: the next try must wait ${Math.ceil(failure.delayMs / 1000)} s)`
          : wrongMessage,
      )
    } finally {
      kek.fill(0)
    }
  }

  private tell(event: PassphraseEvent): void {
    try {
      this.opts.onPassphrase?.(event)
    } catch {
      // Auditing must not turn a refused passphrase into another error.
    }
  }
}

export function checkPassphrase(p: string): void {
  const length = [...p.normalize('NFKC')].length
  if (length < MIN_PASSPHRASE)
    throw new VaultError(
      'weak_passphrase',
      `Use a passphrase of at least ${MIN_PASSPHRASE} characters (this one has ${length}); ` +
        'several words are easy to remember',
    )
}

// The vault's one error type: a code a face can act on and a sentence a person can, never holding a secret.
export type VaultErrorCode =
  | 'uninitialised'
  | 'already_initialised'
  | 'locked'
  | 'wrong_passphrase'
  | 'header_corrupt'
  | 'downgrade'
  | 'truncated'
  | 'tampered'
  | 'not_found'
  | 'duplicate_name'
  | 'invalid'
  | 'keychain_unavailable'
  | 'weak_passphrase'
  /** Too many wrong passphrases in a row: attempts wait (shared by every process on the data folder). */
  | 'backoff'

export class VaultError extends Error {
  constructor(
    readonly code: VaultErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'VaultError'
  }
}

/** What to do about damage to the vault's own record (not one credential): it cannot be rotated away. */
export const RESTORE = 'restore the data folder from a backup'

// How a vault error reads to the faces: its code mapped to the contract's error codes, its sentence kept.
import { AppError } from '../errors'
import { VaultError } from './errors'

/** Vault errors keep their specific sentence; the code tells a face how to react. */
export function fromVaultError(err: unknown): never {
  if (err instanceof VaultError) {
    const code =
      err.code === 'not_found'
        ? 'not_found'
        : err.code === 'duplicate_name' || err.code === 'already_initialised'
          ? 'conflict'
          : err.code === 'locked' || err.code === 'uninitialised' || err.code === 'keychain_unavailable'
            ? 'unavailable'
            : err.code === 'wrong_passphrase' || err.code === 'backoff'
              ? 'unauthorized'
              : err.code === 'invalid' || err.code === 'weak_passphrase'
                ? 'validation'
                : 'internal'
    const issues =
      err.code === 'duplicate_name'
        ? [{ path: 'credential.name', message: err.message }]
        : err.code === 'wrong_passphrase' || err.code === 'backoff'
          ? [{ path: 'passphrase', message: err.message }]
          : []
    throw new AppError(code, err.message, issues)
  }
  throw err
}

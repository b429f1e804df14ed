// Vault members: each person and each worker has their own wrap of the one data key, under a key-encryption key
// derived (scrypt, the vault's parameters, the member's own salt) from their own passphrase or key file, and
// bound to the member's id and name as associated data, so a wrap copied onto another member's row opens for
// no one. Adding a member wraps the key once more; removing one deletes that wrap; nothing else is rewrapped.
import { scrypt } from 'node:crypto'
import { deriveKey, scryptMemory, type KdfParams } from './crypto'
import { VaultError } from './errors'
import { checkPassphrase } from './passphrase'
import type { MemberRow, MemberSecretKind } from '../store/vault-members'

export { FIRST_MEMBER } from '../store/migrations/v20-vault-members'

/** What unlocks a member: a passphrase typed or read, or the bytes of a key file. */
export type MemberSecret = { passphrase: string } | { keyFile: Buffer }

/** What anyone may see of a member: never a wrap. */
export interface MemberInfo {
  id: string
  name: string
  kind: MemberSecretKind
  addedAt: string
  addedBy: string
}

export const KEY_FILE_MIN_BYTES = 32
export const KEY_FILE_MAX_BYTES = 64 * 1024
const MAX_NAME = 64

/** A member's wrap is bound to who it is for and to its own header. */
export const memberAad = (m: Pick<MemberRow, 'id' | 'name'>, header: string) =>
  `driftwatch-vault-member|${m.id}|${m.name}|${header}`

export const secretKind = (s: MemberSecret): MemberSecretKind =>
  'passphrase' in s ? 'passphrase' : 'key-file'

/** The key-encryption key for this secret under these parameters (the caller zero-fills it). */
export function deriveMemberKey(secret: MemberSecret, kdf: KdfParams): Promise<Buffer> {
  if ('passphrase' in secret) return deriveKey(secret.passphrase, kdf)
  // A key file is bytes, not text: no normalisation. It goes through the same scrypt, so every wrap costs a
  // guesser the same whatever unlocks it.
  const salt = Buffer.from(kdf.salt, 'base64')
  const maxmem = scryptMemory(kdf) + 1024 * 1024
  return new Promise((resolve, reject) =>
    scrypt(secret.keyFile, salt, 32, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  )
}

/** A new member's secret must be strong enough: the passphrase rule, or a key file of enough random bytes. */
export function checkMemberSecret(secret: MemberSecret): void {
  if ('passphrase' in secret) return checkPassphrase(secret.passphrase)
  const n = secret.keyFile.length
  if (n < KEY_FILE_MIN_BYTES)
    throw new VaultError(
      'weak_passphrase',
      `A key file needs at least ${KEY_FILE_MIN_BYTES} random bytes (this one has ${n}); make one with ` +
        '"head -c 64 /dev/urandom > FILE"',
    )
  if (n > KEY_FILE_MAX_BYTES)
    throw new VaultError(
      'invalid',
      `A key file is at most ${KEY_FILE_MAX_BYTES / 1024} KiB (this one has ${n} bytes): is it the right file?`,
    )
}

/** A member's name: what people type after --member and read in the audit log. */
export function checkMemberName(raw: string): string {
  const name = raw.trim()
  if (!name)
    throw new VaultError('invalid', 'Name the member (a person or a worker, e.g. "alice" or "watch-east")')
  if ([...name].length > MAX_NAME)
    throw new VaultError('invalid', `A member's name is at most ${MAX_NAME} characters`)
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f|]/.test(name))
    throw new VaultError('invalid', `A member's name cannot hold control characters or "|": "${name}"`)
  return name
}

export const toMemberInfo = (r: {
  id: string
  name: string
  secret_kind: MemberSecretKind
  added_at: string
  added_by: string
}): MemberInfo => ({
  id: r.id,
  name: r.name,
  kind: r.secret_kind,
  addedAt: r.added_at,
  addedBy: r.added_by,
})

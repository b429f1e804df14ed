// What a secret is, checked before it is sealed: each kind's fields (zod), keys and certificates that must
// parse with their passphrase, and a fingerprint so people can tell credentials apart without seeing them.
import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto'
import { z } from 'zod'
import { lazyRequire } from '../util/lazy-require'
import type * as Ssh2 from 'ssh2'
import type { CredentialKind } from '../../../src-preload/contract'
import { VaultError } from './errors'

// The SSH library reads private keys; loaded when a key is first added, not when Driftwatch starts.
const ssh2 = lazyRequire<typeof Ssh2>('ssh2')

const required = (field: string, max: number) =>
  z
    .string({ error: `${field} is required` })
    .min(1, `${field} is required`)
    .max(max, `${field} is longer than ${max} characters`)
// Faces send '' for "no passphrase"; it is dropped rather than sealed.
const optional = (field: string) =>
  z
    .string({ error: `${field} must be text` })
    .max(1024, `${field} is longer than 1024 characters`)
    .optional()
    .transform((v) => v || undefined)

const password = required('password', 1024)
// sudo reads its password from stdin up to the first newline, so a line break would silently cut it short.
const sudoPassword = password.refine((v) => !/[\r\n]/.test(v), {
  message: 'password contains a line break, which sudo would read as the end of the password',
})
const token = required('token', 1024)
  .transform((v) => v.trim())
  .refine((v) => v.length > 0 && !/\s/.test(v), {
    message: 'token contains spaces or line breaks: paste only the token',
  })

/** The secret fields of each kind; anything else is refused rather than sealed unseen. */
export const secretSchemas = {
  'ssh-key': z.strictObject({
    privateKey: required('privateKey', 64 * 1024),
    passphrase: optional('passphrase'),
  }),
  'ssh-password': z.strictObject({ password }),
  'sudo-password': z.strictObject({ password: sudoPassword }),
  'db-password': z.strictObject({ password }),
  'db-client-cert': z.strictObject({
    cert: required('cert', 64 * 1024),
    key: required('key', 64 * 1024),
    passphrase: optional('passphrase'),
  }),
  'github-token': z.strictObject({ token }),
  'alert-secret': z.strictObject({ secret: required('secret', 4096) }),
} as const satisfies Record<CredentialKind, z.ZodType>

/** Non-secret facts stored in plain text beside the ciphertext; `fingerprint` is computed, never taken. */
export const metaSchema = z.object({
  username: z
    .string({ error: 'username must be text' })
    .max(128, 'username is longer than 128 characters')
    .optional(),
  notes: z
    .string({ error: 'notes must be text' })
    .max(2000, 'notes are longer than 2000 characters')
    .optional(),
})
export type MetaInput = z.input<typeof metaSchema>

function firstIssue(err: z.ZodError): string {
  const issue = err.issues[0]
  if (!issue) return 'The secret is invalid'
  if (issue.code === 'unrecognized_keys') {
    const what = issue.keys.length > 1 ? 'unexpected fields' : 'an unexpected field'
    return `The secret has ${what}: ${issue.keys.join(', ')}`
  }
  return issue.message
}

export function checkMeta(meta: unknown): MetaInput {
  const parsed = metaSchema.safeParse(meta ?? {})
  if (!parsed.success) throw new VaultError('invalid', firstIssue(parsed.error))
  return parsed.data
}

/** Validates `secret` for `kind`, returning the fields to seal and the fingerprint to show. */
export function checkSecret(
  kind: CredentialKind,
  secret: unknown,
): { fields: Record<string, string>; fingerprint: string } {
  const schema = secretSchemas[kind] as z.ZodType<Record<string, string | undefined>> | undefined
  if (!schema) throw new VaultError('invalid', `Unknown credential kind "${String(kind)}"`)
  const parsed = schema.safeParse(secret)
  if (!parsed.success) throw new VaultError('invalid', firstIssue(parsed.error))
  const fields = Object.fromEntries(
    Object.entries(parsed.data).filter((e): e is [string, string] => typeof e[1] === 'string'),
  )
  return { fields, fingerprint: fingerprintOf(kind, fields) }
}

/** PKCS#8's encrypted form, or a traditional PEM key with OpenSSL's encryption headers. */
const ENCRYPTED_PEM = /-----BEGIN ENCRYPTED PRIVATE KEY-----|^Proc-Type:[ \t]*4,[ \t]*ENCRYPTED/m

const sha256b64 = (data: Buffer) => createHash('sha256').update(data).digest('base64').replace(/=+$/, '')

function fingerprintOf(kind: CredentialKind, s: Record<string, string>): string {
  switch (kind) {
    case 'ssh-key': {
      const parsed = ssh2().utils.parseKey(s.privateKey ?? '', s.passphrase)
      if (parsed instanceof Error) {
        const encrypted = /encrypted|passphrase|integrity|decrypt/i.test(parsed.message)
        throw new VaultError(
          'invalid',
          !encrypted
            ? 'privateKey is not an OpenSSH or PEM private key'
            : s.passphrase
              ? 'passphrase does not open this private key'
              : 'privateKey is encrypted: give its passphrase',
        )
      }
      const key = Array.isArray(parsed) ? parsed[0] : parsed
      if (!key?.isPrivateKey())
        throw new VaultError('invalid', 'privateKey holds a public key, not a private key')
      // The same form as `ssh-keygen -lf`, so a person can match it against authorized_keys on the host.
      return `${key.type} SHA256:${sha256b64(key.getPublicSSH())}`
    }
    case 'db-client-cert': {
      let cert: X509Certificate
      try {
        cert = new X509Certificate(s.cert ?? '')
      } catch {
        throw new VaultError('invalid', 'cert is not a PEM or DER X.509 certificate')
      }
      let key: KeyObject
      try {
        key = createPrivateKey({ key: s.key ?? '', passphrase: s.passphrase })
      } catch (err) {
        // The PEM says whether it is encrypted; OpenSSL's error does not always: about one wrong passphrase in
        // 270 decrypts to padding that checks out, and the error is then the decoder's ("unsupported").
        const encrypted =
          ENCRYPTED_PEM.test(s.key ?? '') || /passphrase|decrypt|bad ?decrypt|interrupted/i.test(String(err))
        throw new VaultError(
          'invalid',
          !encrypted
            ? 'key is not a PEM private key'
            : s.passphrase
              ? 'passphrase does not open this private key'
              : 'key is encrypted: give its passphrase',
        )
      }
      // A key that does not belong to the certificate would fail every TLS handshake; say so now.
      if (!cert.checkPrivateKey(key)) throw new VaultError('invalid', 'key does not belong to cert')
      return `${cert.subject.split('\n').join(', ')} SHA256:${cert.fingerprint256}`
    }
    case 'github-token': {
      const m = /^(ghp|gho|ghu|ghs|ghr|github_pat)_/.exec(s.token ?? '')
      const what: Record<string, string> = {
        ghp: 'personal access token (classic)',
        github_pat: 'fine-grained personal access token',
        gho: 'OAuth token',
        ghu: 'GitHub App user token',
        ghs: 'GitHub App installation token',
        ghr: 'refresh token',
      }
      return m?.[1] ? `${what[m[1]]} (${m[1]}_…)` : 'token'
    }
    default:
      return ''
  }
}

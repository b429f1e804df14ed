// The vault and its credentials on the wire: secrets go in (typed by the person), only names and metadata come out.
import { z } from 'zod'
import { channel, Empty, Id } from './common'

export const CREDENTIAL_KINDS = [
  'ssh-key',
  'ssh-password',
  'sudo-password',
  'db-password',
  'db-client-cert',
  'github-token',
  'alert-secret',
] as const
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number]

const secretText = (what: string, max = 64 * 1024) =>
  z
    .string({ error: `${what} is required` })
    .min(1, `${what} is required`)
    .max(max, `${what} is too long`)
const optionalSecret = (max = 1024) => z.string().max(max).default('')

export const SecretFields = {
  'ssh-key': z.object({ privateKey: secretText('Private key'), passphrase: optionalSecret() }),
  'ssh-password': z.object({ password: secretText('Password', 1024) }),
  'sudo-password': z.object({ password: secretText('Password', 1024) }),
  'db-password': z.object({ password: secretText('Password', 1024) }),
  'db-client-cert': z.object({
    cert: secretText('Certificate'),
    key: secretText('Private key'),
    passphrase: optionalSecret(),
  }),
  'github-token': z.object({ token: secretText('Token', 1024) }),
  /** A webhook's HMAC key, a Slack incoming-webhook URL or an SMTP password (see the Watch page's alert channels). */
  'alert-secret': z.object({ secret: secretText('Secret', 4096) }),
} as const

const credentialCommon = {
  name: z
    .string({ error: 'Name is required' })
    .trim()
    .min(1, 'Name is required')
    .max(100, 'Name is longer than 100 characters'),
  username: z.string().trim().max(128, 'User name is longer than 128 characters').default(''),
  notes: z.string().trim().max(2000, 'Notes are longer than 2000 characters').default(''),
}

const credentialOf = <K extends CredentialKind>(kind: K) =>
  z.object({ kind: z.literal(kind), ...credentialCommon, secret: SecretFields[kind] })

export const CredentialInput = z.discriminatedUnion(
  'kind',
  [
    credentialOf('ssh-key'),
    credentialOf('ssh-password'),
    credentialOf('sudo-password'),
    credentialOf('db-password'),
    credentialOf('db-client-cert'),
    credentialOf('github-token'),
    credentialOf('alert-secret'),
  ],
  {
    error: (iss) =>
      iss.code === 'invalid_union'
        ? `Unknown credential kind: expected one of ${CREDENTIAL_KINDS.join(', ')}`
        : undefined,
  },
)
export type CredentialInput = {
  [K in CredentialKind]: {
    kind: K
    name: string
    username?: string
    notes?: string
    secret: z.input<(typeof SecretFields)[K]>
  }
}[CredentialKind]

export const CredentialMeta = z.object({
  id: z.string(),
  kind: z.enum(CREDENTIAL_KINDS),
  name: z.string(),
  username: z.string(),
  notes: z.string(),
  /** e.g. "SHA256:..." of an SSH key's public half, so a person can tell keys apart without seeing them. */
  fingerprint: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  rotatedAt: z.string().nullable(),
  /** Targets that sign in with it. */
  usedBy: z.array(z.object({ id: z.string(), name: z.string() })),
})
export type CredentialMeta = z.output<typeof CredentialMeta>

export const VaultStatus = z.object({
  state: z.enum(['uninitialised', 'locked', 'unlocked']),
  autoLockMinutes: z.number().int(),
  remembered: z.boolean(),
  /** Empty when "remember on this device" can be offered; otherwise why not. */
  rememberUnavailable: z.string(),
  credentials: z.number().int(),
  /** The vault member who unlocked this process (null while locked, or when this device's keychain did). */
  member: z.string().nullable(),
  /** How many members (people and workers, each with their own passphrase or key file) the vault has. */
  members: z.number().int(),
})
export type VaultStatus = z.output<typeof VaultStatus>

const passphrase = z
  .string({ error: 'Passphrase is required' })
  .min(1, 'Passphrase is required')
  .max(1024, 'Passphrase is longer than 1024 characters')

/** A vault member: a person or a worker with their own passphrase or key file. */
const memberName = z
  .string({ error: 'Member name is required' })
  .trim()
  .min(1, 'Member name is required')
  .max(64, 'Member name is longer than 64 characters')

export const VaultMember = z.object({
  name: z.string(),
  kind: z.enum(['passphrase', 'key-file']),
  addedAt: z.string(),
  /** Who added it, as the audit log names people. */
  addedBy: z.string(),
})
export type VaultMember = z.output<typeof VaultMember>

export const credentialChannels = {
  'vault.status': channel(Empty, VaultStatus),
  'vault.init': channel(
    z.object({ passphrase: passphrase.min(12, 'Use at least 12 characters'), member: memberName.optional() }),
    VaultStatus,
  ),
  /** Unlocks as a member: the one named, else the process's default, else the only one. */
  'vault.unlock': channel(
    z.object({ passphrase, member: memberName.optional(), remember: z.boolean().default(false) }),
    VaultStatus,
  ),
  'vault.lock': channel(Empty, VaultStatus),
  'vault.changePassphrase': channel(
    z.object({
      current: passphrase,
      next: passphrase.min(12, 'Use at least 12 characters'),
      member: memberName.optional(),
    }),
    VaultStatus,
  ),
  'vault.members': channel(Empty, z.object({ members: z.array(VaultMember) })),
  /** Wraps the vault key for one more member (needs the vault unlocked); nothing else is rewrapped. */
  'vault.addMember': channel(
    z.object({ name: memberName, passphrase: passphrase.min(12, 'Use at least 12 characters') }),
    VaultMember,
  ),
  /** Deletes the member's wrap of the key (needs the vault unlocked); the last member cannot be removed. */
  'vault.removeMember': channel(z.object({ name: memberName }), VaultMember),
  'vault.setAutoLock': channel(
    z.object({
      minutes: z.number().int('Whole minutes').min(0, 'At least 0 (never)').max(1440, 'At most 1440 (a day)'),
    }),
    VaultStatus,
  ),
  'vault.forgetDevice': channel(Empty, VaultStatus),
  'credentials.list': channel(Empty, z.object({ credentials: z.array(CredentialMeta) })),
  'credentials.create': channel(z.object({ credential: CredentialInput }), CredentialMeta),
  'credentials.update': channel(
    z.object({
      id: z.string().min(1, 'id is required'),
      name: credentialCommon.name.optional(),
      username: credentialCommon.username.optional(),
      notes: credentialCommon.notes.optional(),
      /** Present = rotate: the new secret replaces the old one. Checked against the credential's kind. */
      secret: z.record(z.string(), z.string().max(64 * 1024)).optional(),
    }),
    CredentialMeta,
  ),
  'credentials.remove': channel(Id, z.object({ removed: z.literal(true) })),
  /** Confirms, with the passphrase, that the target's credentials may be used at its current address. */
  'credentials.rebind': channel(
    z.object({ targetId: z.string().min(1, 'targetId is required'), passphrase }),
    z.object({
      address: z.string(),
      credentials: z.array(z.object({ id: z.string(), name: z.string(), from: z.array(z.string()) })),
    }),
  ),
} as const

// `driftwatch vault init|unlock|lock|add|list|remove`: the encrypted credential vault from a terminal.
// A CLI process unlocks the vault only for its own lifetime; secrets come from prompts, files or stdin.
import { CREDENTIAL_KINDS, type CredentialInput, type CredentialKind } from '../../src-preload/contract'
import { CREDENTIAL_LABELS } from '../../src-preload/labels'
import { call, CliError, EXIT, type Command, type RunContext } from './common'
import { safeText } from './terminal-text'
import {
  askHidden,
  PASSPHRASE_ENV,
  passphrase,
  processSource,
  readAllStdin,
  readSecretFile,
  type SecretSource,
} from './prompt'

const HELP = `Usage:
  driftwatch vault init                 create the vault (asks for a passphrase twice)
  driftwatch vault unlock               check the passphrase (each command unlocks only for itself)
  driftwatch vault lock                 lock the vault in every Driftwatch process on this data folder
                                        (serve, watch, the desktop app) and forget "remember on this device"
  driftwatch vault list [--json]        names and metadata, never secrets
  driftwatch vault add --kind KIND --name NAME [--username U] [--notes TEXT] [secret options]
  driftwatch vault remove <name|id>

Kinds: ${CREDENTIAL_KINDS.map((k) => `${k} (${CREDENTIAL_LABELS[k]})`).join(', ')}

Secrets are never taken as arguments:
  ssh-key          --file PRIVATE_KEY_FILE (its passphrase is asked for on a terminal)
  db-client-cert   --cert-file CERT.pem --key-file KEY.pem
  other kinds      asked for on a terminal, or read from stdin with --secret-stdin

The vault passphrase is asked for on a terminal, or read from $${PASSPHRASE_ENV}. That variable is
for automation only: anyone who can read this process's environment (or your shell history, if you type
it inline) can read it.`

export const vaultCommand: Command = {
  name: 'vault',
  usage: 'vault init|unlock|lock|add|list|remove',
  summary: 'keep SSH keys, passwords and tokens encrypted',
  help: HELP,
  options: {
    kind: { type: 'string' },
    name: { type: 'string' },
    username: { type: 'string' },
    notes: { type: 'string' },
    file: { type: 'string' },
    'cert-file': { type: 'string' },
    'key-file': { type: 'string' },
    'secret-stdin': { type: 'boolean' },
  },
  async run(ctx) {
    const [action, ref] = ctx.positionals
    const src = processSource()
    switch (action) {
      case 'init': {
        const status = await call(ctx.core, 'vault.init', {
          passphrase: await passphrase(src, { confirm: true }),
        })
        return done(ctx, status, 'Vault created. Add credentials with "driftwatch vault add".')
      }
      case 'unlock': {
        const status = await unlock(ctx, src)
        return done(ctx, status, `Passphrase accepted: ${status.credentials} credentials.`)
      }
      case 'lock':
        return lockEverywhere(ctx)
      case 'list':
      case 'ls':
        return list(ctx)
      case 'add':
        return add(ctx, src)
      case 'remove':
      case 'rm':
        return remove(ctx, ref, src)
      default:
        throw CliError.usage(
          action ? `unknown action "${action}"` : 'say what to do: init, unlock, lock, add, list or remove',
        )
    }
  },
}

const done = ({ json, out }: RunContext, data: unknown, text: string) => {
  out.stdout(json ? JSON.stringify(data, null, 2) + '\n' : text + '\n')
  return EXIT.ok
}

/** How long `vault lock` waits for running processes to say they forgot their key. */
const LOCK_ACK_MS = 3000

/**
 * Bumps the shared lock generation, then waits for each running process that held the key to record that it
 * saw it; says exactly which did, which were locked already, and which did not answer in time.
 */
async function lockEverywhere(ctx: RunContext) {
  const { generation, others } = ctx.core.vault.lockEverywhere()
  const status = await call(ctx.core, 'vault.forgetDevice', {})
  const holding = others.filter((p) => p.unlocked)
  const deadline = Date.now() + LOCK_ACK_MS
  let pending = holding
  while (pending.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100))
    const now = ctx.core.vault.otherProcesses()
    pending = pending.filter((p) => {
      const seen = now.find((n) => n.id === p.id)
      return seen !== undefined && seen.unlocked && seen.seenGeneration < generation
    })
  }
  const name = (p: { face: string; pid: number }) => `${p.face} pid ${p.pid}`
  const processes = others.map((p) => ({
    pid: p.pid,
    face: p.face,
    result: !p.unlocked ? 'was already locked' : pending.includes(p) ? 'did not answer' : 'locked',
  }))
  const parts = [
    'this process',
    ...processes.map((p) =>
      p.result === 'did not answer'
        ? `${name(p)} did not confirm within ${LOCK_ACK_MS / 1000} s (it checks before every use of a secret ` +
          'and will refuse it)'
        : `${name(p)} ${p.result}`,
    ),
  ]
  const text =
    `Locked: ${parts.join('; ')}.` +
    (others.length === 0 ? ' No other Driftwatch process holds this data folder.' : '') +
    ' This data folder no longer remembers the vault key on this device.'
  return done(ctx, { ...status, generation, processes }, text)
}

async function unlock(ctx: RunContext, src: SecretSource) {
  return call(ctx.core, 'vault.unlock', { passphrase: await passphrase(src) })
}

async function list(ctx: RunContext) {
  const { credentials } = await call(ctx.core, 'credentials.list', {})
  if (ctx.json) return done(ctx, credentials, '')
  if (credentials.length === 0)
    return done(ctx, null, 'No credentials yet. Add one with "driftwatch vault add --help".')
  const rows = credentials.map((c) =>
    [c.name, c.kind, c.username, c.usedBy.map((t) => t.name).join(','), c.fingerprint].map(safeText),
  )
  const head = ['NAME', 'KIND', 'USER', 'USED BY', 'FINGERPRINT']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd() + '\n'
  ctx.out.stdout(line(head) + rows.map(line).join(''))
  return EXIT.ok
}

async function add(ctx: RunContext, src: SecretSource) {
  const v = ctx.values
  const kind = v.kind as CredentialKind | undefined
  if (!kind || !(CREDENTIAL_KINDS as readonly string[]).includes(kind))
    throw CliError.usage(`--kind is required: one of ${CREDENTIAL_KINDS.join(', ')}`)
  if (!v.name) throw CliError.usage('--name is required')
  const secret = await secretFor(kind, v, src)
  await unlock(ctx, src)
  const input = {
    kind,
    name: v.name,
    username: v.username ?? '',
    notes: v.notes ?? '',
    secret,
  } as CredentialInput
  const c = await call(
    ctx.core,
    'credentials.create',
    { credential: input },
    (p) => `--${p.split('.').pop()}`,
  )
  return done(
    ctx,
    c,
    `Added ${CREDENTIAL_LABELS[c.kind].toLowerCase()} "${c.name}" (${c.id})${c.fingerprint ? ` ${c.fingerprint}` : ''}`,
  )
}

async function secretFor(
  kind: CredentialKind,
  v: Record<string, unknown>,
  src: SecretSource,
): Promise<Record<string, string>> {
  const viaStdin = v['secret-stdin'] === true
  switch (kind) {
    case 'ssh-key': {
      if (typeof v.file !== 'string') throw CliError.usage('an ssh-key needs --file PRIVATE_KEY_FILE')
      const privateKey = await readSecretFile(v.file)
      const keyPass = src.stdin.isTTY ? await askHidden(src, 'Key passphrase (empty if none): ') : ''
      return { privateKey, passphrase: keyPass }
    }
    case 'db-client-cert': {
      if (typeof v['cert-file'] !== 'string' || typeof v['key-file'] !== 'string')
        throw CliError.usage('a db-client-cert needs --cert-file and --key-file')
      return { cert: await readSecretFile(v['cert-file']), key: await readSecretFile(v['key-file']) }
    }
    case 'github-token': {
      const token = viaStdin ? await readAllStdin(src.stdin) : await askHidden(src, 'Token: ')
      return { token }
    }
    default: {
      const password = viaStdin ? await readAllStdin(src.stdin) : await askHidden(src, 'Password: ')
      return { password }
    }
  }
}

async function remove(ctx: RunContext, ref: string | undefined, src: SecretSource) {
  if (!ref) throw CliError.usage('name the credential (its name or id)')
  const { credentials } = await call(ctx.core, 'credentials.list', {})
  const c =
    credentials.find((x) => x.id === ref) ??
    credentials.find((x) => x.name.toLowerCase() === ref.toLowerCase())
  if (!c) {
    const message = `no credential named "${ref}"`
    throw new CliError(message, { code: 'not_found', message, issues: [] })
  }
  await unlock(ctx, src)
  await call(ctx.core, 'credentials.remove', { id: c.id })
  return done(ctx, { removed: c.id, name: c.name }, `Removed "${c.name}"`)
}

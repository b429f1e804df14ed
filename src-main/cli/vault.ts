// `driftwatch vault init|unlock|lock|add|list|remove`: the encrypted credential vault from a terminal.
// A CLI process unlocks the vault only for its own lifetime; secrets come from prompts, files or stdin.
import { CREDENTIAL_KINDS, type CredentialInput, type CredentialKind } from '../../src-preload/contract'
import { CREDENTIAL_LABELS } from '../../src-preload/labels'
import { call, CliError, EXIT, type Command, type RunContext } from './common'
import { safeText, table } from './terminal-text'
import { readUserFile } from '../core/files/read-user-file'
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
  driftwatch vault init [--member NAME] create the vault (asks for a passphrase twice); its first member
                                        is NAME (default "owner")
  driftwatch vault unlock [--key-file FILE]
                                        check the passphrase (or the member's key file); each command
                                        unlocks only for itself
  driftwatch vault members list         the people and workers who can unlock the vault
  driftwatch vault members add NAME [--key-file FILE | --secret-stdin]
                                        let NAME unlock with their own passphrase (asked twice, or read
                                        from stdin) or key file; asks your passphrase first (the vault
                                        must be unlocked)
  driftwatch vault members remove NAME  NAME can no longer unlock (never the last member); audited
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
it inline) can read it.

Members: each person and each worker unlocks the same vault with their own passphrase or key file
(--member NAME, or $DRIFTWATCH_VAULT_MEMBER; not needed while the vault has one member). A key file holds
at least 32 random bytes: head -c 64 /dev/urandom > worker.key && chmod 600 worker.key. Removing a member
stops their passphrase unlocking the vault; it cannot make them forget secrets they already saw: rotate
those credentials.`

export const vaultCommand: Command = {
  name: 'vault',
  usage: 'vault init|unlock|lock|add|list|remove|members',
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
        const member = typeof ctx.values.member === 'string' ? ctx.values.member : undefined
        const status = await call(ctx.core, 'vault.init', {
          passphrase: await passphrase(src, { confirm: true }),
          ...(member && { member }),
        })
        return done(
          ctx,
          status,
          `Vault created, unlocked by its member "${status.member}". Add credentials with "driftwatch vault add".`,
        )
      }
      case 'unlock': {
        const keyFile = typeof ctx.values['key-file'] === 'string' ? ctx.values['key-file'] : undefined
        const status = keyFile ? await unlockWithKeyFile(ctx, keyFile) : await unlock(ctx, src)
        return done(
          ctx,
          status,
          `${keyFile ? 'Key file' : 'Passphrase'} accepted for member "${status.member}": ${status.credentials} credentials.`,
        )
      }
      case 'members':
        return members(ctx, ref, ctx.positionals[2], src)
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
          action
            ? `unknown action "${action}"`
            : 'say what to do: init, unlock, lock, add, list, remove or members',
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

/** Unlocks as the member (--member, or the only one) whose key file this is; the bytes are wiped after. */
async function unlockWithKeyFile(ctx: RunContext, file: string) {
  const keyFile = await readKeyFile(file)
  try {
    await ctx.core.vault.unlock({ keyFile })
  } catch (err) {
    const message = (err as Error).message
    throw new CliError(message, { code: 'unauthorized', message, issues: [] })
  } finally {
    keyFile.fill(0)
  }
  return call(ctx.core, 'vault.status', {})
}

async function readKeyFile(path: string): Promise<Buffer> {
  try {
    return (await readUserFile(path, { maxBytes: 64 * 1024 })).bytes
  } catch (err) {
    throw CliError.usage((err as Error).message)
  }
}

async function members(
  ctx: RunContext,
  action: string | undefined,
  name: string | undefined,
  src: SecretSource,
) {
  switch (action) {
    case undefined:
    case 'list':
    case 'ls': {
      const { members: list } = await call(ctx.core, 'vault.members', {})
      if (ctx.json) return done(ctx, list, '')
      if (list.length === 0) return done(ctx, null, 'No vault yet: create one with "driftwatch vault init".')
      const rows = list.map((m) => [m.name, m.kind, m.addedAt, m.addedBy].map(safeText))
      ctx.out.stdout(table(['NAME', 'UNLOCKS WITH', 'ADDED', 'ADDED BY'], rows))
      return EXIT.ok
    }
    case 'add': {
      if (!name) throw CliError.usage('name the new member: driftwatch vault members add NAME')
      const keyFile = typeof ctx.values['key-file'] === 'string' ? ctx.values['key-file'] : undefined
      // The vault must be unlocked (by you) before anyone is added; the new member's secret comes after.
      await unlock(ctx, src)
      let added
      if (keyFile) {
        const bytes = await readKeyFile(keyFile)
        try {
          added = await ctx.core.vault.addMember(name, { keyFile: bytes })
        } catch (err) {
          const message = (err as Error).message
          throw new CliError(message, { code: 'validation', message, issues: [] })
        } finally {
          bytes.fill(0)
        }
      } else {
        const first = ctx.values['secret-stdin']
          ? await readAllStdin(src.stdin)
          : await askHidden(src, `Passphrase for the new member "${name}": `)
        if (!ctx.values['secret-stdin'] && (await askHidden(src, 'Repeat it: ')) !== first)
          throw CliError.usage('the two passphrases differ')
        added = await call(ctx.core, 'vault.addMember', { name, passphrase: first })
      }
      return done(
        ctx,
        added,
        `Added vault member "${added.name}" (unlocks with ${added.kind === 'key-file' ? 'the key file' : 'their own passphrase'}).`,
      )
    }
    case 'remove':
    case 'rm': {
      if (!name) throw CliError.usage('name the member to remove: driftwatch vault members remove NAME')
      await unlock(ctx, src)
      const removed = await call(ctx.core, 'vault.removeMember', { name })
      return done(
        ctx,
        removed,
        `Removed vault member "${removed.name}": their passphrase no longer unlocks the vault. Rotate the ` +
          'credentials they could read if they should not know them any more.',
      )
    }
    default:
      throw CliError.usage(`unknown members action "${action}": list, add NAME or remove NAME`)
  }
}

async function list(ctx: RunContext) {
  const { credentials } = await call(ctx.core, 'credentials.list', {})
  if (ctx.json) return done(ctx, credentials, '')
  if (credentials.length === 0)
    return done(ctx, null, 'No credentials yet. Add one with "driftwatch vault add --help".')
  const rows = credentials.map((c) =>
    [c.name, c.kind, c.username, c.usedBy.map((t) => t.name).join(','), c.fingerprint].map(safeText),
  )
  ctx.out.stdout(table(['NAME', 'KIND', 'USER', 'USED BY', 'FINGERPRINT'], rows))
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

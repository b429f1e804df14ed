// The vault and credential channels: secrets come in from a face, are sealed by the vault, and only
// names and metadata ever go back out. Also "Test connection", the first work that needs a secret.
import type { CredentialMeta as WireCredential, Target, VaultStatus } from '../../../src-preload/contract'
import { SecretFields } from '../../../src-preload/contract'
import { AppError, notFound } from '../errors'
import type { Handlers } from '../dispatch'
import type { CoreContext } from '../context'
import { VaultError, type Vault } from '../vault/vault'
import { openSql, type SqlSecret, type SqlTarget, ConnectError } from '../scanners/sql/connect'
import { githubTestReport } from '../scanners/github/test-connection'
import { leastPrivilegeSql, privilegeWarning } from '../scanners/sql/privileges'

type VaultHandlers = Pick<
  Handlers,
  | 'vault.status'
  | 'vault.init'
  | 'vault.unlock'
  | 'vault.lock'
  | 'vault.changePassphrase'
  | 'vault.setAutoLock'
  | 'vault.forgetDevice'
  | 'credentials.list'
  | 'credentials.create'
  | 'credentials.update'
  | 'credentials.remove'
  | 'credentials.rebind'
  | 'targets.testConnection'
>

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

const guard =
  <A extends unknown[], R>(fn: (...a: A) => R | Promise<R>) =>
  async (...a: A): Promise<R> => {
    try {
      return await fn(...a)
    } catch (err) {
      return fromVaultError(err)
    }
  }

export function vaultHandlers(ctx: CoreContext & { vault: Vault }): VaultHandlers {
  const { vault, repos, emit } = ctx

  const status = (): VaultStatus => ({
    state: vault.state(),
    autoLockMinutes: vault.autoLockMinutes(),
    remembered: vault.isRemembered(),
    rememberUnavailable: vault.rememberUnavailableReason(),
    credentials: vault.list().length,
  })

  const usedBy = () => {
    const map = new Map<string, { id: string; name: string }[]>()
    for (const t of repos.targets.list()) {
      const refs = [t.kind !== 'local' ? t.credentialId : null, t.kind === 'ssh' ? t.sudoCredentialId : null]
      for (const ref of refs) if (ref) map.set(ref, [...(map.get(ref) ?? []), { id: t.id, name: t.name }])
    }
    return map
  }
  const toWire = (c: ReturnType<Vault['list']>[number], users = usedBy()): WireCredential => ({
    id: c.id,
    kind: c.kind,
    name: c.name,
    username: c.meta.username ?? '',
    notes: c.meta.notes ?? '',
    fingerprint: c.meta.fingerprint ?? '',
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    rotatedAt: c.rotatedAt,
    usedBy: users.get(c.id) ?? [],
  })

  return {
    'vault.status': () => status(),
    'vault.init': guard(async ({ passphrase }) => {
      await vault.init(passphrase)
      return status()
    }),
    'vault.unlock': guard(async ({ passphrase, remember }) => {
      await vault.unlock(passphrase, { remember })
      return status()
    }),
    'vault.lock': guard(() => {
      vault.lock('manual')
      return status()
    }),
    'vault.changePassphrase': guard(async ({ current, next }) => {
      await vault.changePassphrase(current, next)
      return status()
    }),
    'vault.setAutoLock': guard(({ minutes }) => {
      vault.setAutoLock(minutes)
      return status()
    }),
    'vault.forgetDevice': guard(() => {
      vault.forgetDevice()
      return status()
    }),
    'credentials.list': () => {
      const users = usedBy()
      return { credentials: vault.list().map((c) => toWire(c, users)) }
    },
    'credentials.create': guard(async ({ credential }) => {
      const { kind, name, username, notes, secret } = credential
      const c = await vault.add(kind, name, { username, notes }, secret as Record<string, string>)
      emit('credentials.changed', { ids: [c.id] })
      return toWire(c)
    }),
    'credentials.update': guard(async ({ id, name, username, notes, secret }) => {
      const current = vault.list().find((c) => c.id === id)
      if (!current) throw notFound('Credential')
      let checked: Record<string, string> | undefined
      if (secret) {
        const parsed = SecretFields[current.kind].safeParse(secret)
        if (!parsed.success)
          throw new AppError(
            'validation',
            parsed.error.issues[0]?.message ?? 'Invalid secret',
            parsed.error.issues.map((i) => ({ path: ['secret', ...i.path].join('.'), message: i.message })),
          )
        checked = parsed.data as Record<string, string>
      }
      const meta =
        username === undefined && notes === undefined
          ? undefined
          : {
              ...current.meta,
              ...(username !== undefined && { username }),
              ...(notes !== undefined && { notes }),
            }
      const c = await vault.update(id, { name, meta, secret: checked })
      emit('credentials.changed', { ids: [id] })
      return toWire(c)
    }),
    'credentials.remove': guard(({ id }) => {
      vault.remove(id)
      emit('credentials.changed', { ids: [id] })
      return { removed: true as const }
    }),
    'credentials.rebind': guard(async ({ targetId, passphrase }) => {
      const target = repos.targets.get(targetId)
      if (!target) throw notFound('Target')
      const ids = credentialRefs(target)
      if (ids.length === 0)
        throw new AppError('validation', `${target.name} uses no credential from the vault`, [
          { path: 'targetId', message: 'No credential to confirm' },
        ])
      const { address, bound } = await vault.confirmAddress(passphrase, ids, target)
      if (address === null)
        throw new AppError(
          'validation',
          `${target.name} runs on this computer: its credentials are not bound`,
        )
      if (bound.length) emit('credentials.changed', { ids: bound.map((c) => c.id) })
      return { address, credentials: bound }
    }),
    'targets.testConnection': async ({ id }) => {
      const target = repos.targets.get(id)
      if (!target) throw notFound('Target')
      return testConnection(target, vault)
    },
  }
}

/** The vault credentials a target uses for its current settings (the login, and sudo for SSH). */
export function credentialRefs(t: Target): string[] {
  const refs: (string | null | undefined)[] =
    t.kind === 'ssh'
      ? [t.auth !== 'agent' ? t.credentialId : null, t.sudo === 'password' ? t.sudoCredentialId : null]
      : t.kind === 'local'
        ? []
        : [t.credentialId]
  return [...new Set(refs.filter((r): r is string => Boolean(r)))]
}

type TestReport = Awaited<ReturnType<VaultHandlers['targets.testConnection']>>

async function testConnection(target: Target, vault: Vault): Promise<TestReport> {
  if (target.kind === 'github') return githubTestReport(target, vault)
  if (target.kind !== 'postgres' && target.kind !== 'mysql')
    return {
      status: 'unsupported',
      message: `Test connection for ${target.kind} targets arrives with their scanner`,
      steps: [],
    }
  const steps: TestReport['steps'] = []
  const ref = target.credentialId
  const cred = ref ? vault.list().find((c) => c.id === ref) : undefined
  if (ref && !cred)
    return { status: 'failed', message: 'The credential this target uses was deleted; pick another', steps }
  if (cred && vault.state() !== 'unlocked')
    return { status: 'vault_locked', message: `The vault is locked: unlock it to use ${cred.name}`, steps }
  const run = async (secret: SqlSecret): Promise<TestReport> => {
    try {
      const session = await openSql(target as SqlTarget, secret)
      steps.push({ step: 'connect', ok: true, detail: `${target.host}:${target.port}` })
      steps.push({ step: 'auth', ok: true, detail: `signed in as ${target.user}` })
      steps.push({ step: 'version', ok: true, detail: session.version })
      const privileges = await privilegeStep(target as SqlTarget, (q) => session.query(q, { single: true }))
      steps.push(privileges)
      await session.close()
      const warn = privileges.ok ? '' : `. Warning: ${privileges.detail}`
      return { status: 'ok', message: `Connected: ${session.version}${warn}`, steps }
    } catch (err) {
      const e = err instanceof ConnectError ? err : new ConnectError('connect', String(err))
      steps.push({ step: e.step, ok: false, detail: e.message })
      return { status: 'failed', message: e.message, steps }
    }
  }
  if (!cred) return run({})
  return vault.withSecret(cred.id, target, (s) =>
    run({
      password: s.password?.toString('utf8'),
      cert: s.cert?.toString('utf8'),
      key: s.key?.toString('utf8'),
      passphrase: s.passphrase?.toString('utf8'),
    }),
  )
}

/** The scan account's privileges: a warning with the least-privilege role as copyable SQL when it holds too much. */
async function privilegeStep(
  t: SqlTarget,
  query: (sql: string) => Promise<Record<string, unknown>[]>,
): Promise<TestReport['steps'][number]> {
  try {
    const warning = await privilegeWarning(t.kind, t.user, query)
    if (!warning)
      return { step: 'privileges', ok: true, detail: `${t.user} holds no file, program or superuser rights` }
    return { step: 'privileges', ok: false, detail: warning, fix: leastPrivilegeSql(t.kind) }
  } catch (err) {
    return {
      step: 'privileges',
      ok: false,
      detail: `Could not read the account's privileges: ${(err as Error).message}`,
      fix: leastPrivilegeSql(t.kind),
    }
  }
}

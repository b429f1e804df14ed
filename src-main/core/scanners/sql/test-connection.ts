// "Test connection" for a PostgreSQL or MySQL/MariaDB target: the credential from the vault (or why it cannot be
// had), then connect (cleartext passwords refused without TLS unless the target allows them), sign in, read the
// server's version, and check the scan account holds no more than it needs, each step reported.
import type { Res } from '../../../../src-preload/contract'
import type { Vault } from '../../vault/vault'
import { ConnectError, openSql, type SqlSecret, type SqlTarget } from './connect'
import { leastPrivilegeSql, privilegeWarning } from './privileges'

type TestReport = Res<'targets.testConnection'>

export async function testSqlTarget(target: SqlTarget, vault: Vault): Promise<TestReport> {
  const steps: TestReport['steps'] = []
  const ref = target.credentialId
  const cred = ref ? vault.list().find((c) => c.id === ref) : undefined
  if (ref && !cred)
    return { status: 'failed', message: 'The credential this target uses was deleted; pick another', steps }
  if (cred && vault.state() !== 'unlocked')
    return { status: 'vault_locked', message: `The vault is locked: unlock it to use ${cred.name}`, steps }
  const run = async (secret: SqlSecret): Promise<TestReport> => {
    try {
      const session = await openSql(target, secret)
      steps.push({ step: 'connect', ok: true, detail: `${target.host}:${target.port}` })
      steps.push({ step: 'auth', ok: true, detail: `signed in as ${target.user}` })
      steps.push({ step: 'version', ok: true, detail: session.version })
      const privileges = await privilegeStep(target, (q) => session.query(q, { single: true }))
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
  // The vault hands the secret out only at an address the credential is bound to (the kind's binding address).
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

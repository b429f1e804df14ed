// "Test connection" for a PostgreSQL or MySQL/MariaDB target: the credential from the vault (or why it cannot be
// had), then connect, sign in and read the server's version, each step reported.
import type { Res } from '../../../../src-preload/contract'
import type { Vault } from '../../vault/vault'
import { ConnectError, openSql, type SqlSecret, type SqlTarget } from './connect'

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
      await session.close()
      return { status: 'ok', message: `Connected: ${session.version}`, steps }
    } catch (err) {
      const e = err instanceof ConnectError ? err : new ConnectError('connect', String(err))
      steps.push({ step: e.step, ok: false, detail: e.message })
      return { status: 'failed', message: e.message, steps }
    }
  }
  if (!cred) return run({})
  return vault.withSecret(cred.id, (s) =>
    run({
      password: s.password?.toString('utf8'),
      cert: s.cert?.toString('utf8'),
      key: s.key?.toString('utf8'),
      passphrase: s.passphrase?.toString('utf8'),
    }),
  )
}

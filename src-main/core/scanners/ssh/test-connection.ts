// "Test connection" for an SSH target: the credentials from the vault (bound to this address), then
// reachability, host key, login, OS, oscap, sudo and temp space, each failure with its fix.
import type { Res } from '../../../../src-preload/contract'
import type { Vault } from '../../vault/vault'
import { fromVaultError } from '../../vault/app-errors'
import type { HostKeyStore } from '../ssh-oscap/host-key-store'
import { SshError } from '../ssh-oscap/ssh-common'
import type { SshAuth } from '../ssh-oscap/ssh-connect'
import { testSshConnection } from '../ssh-oscap/ssh-test-connection'
import type { SshTarget } from './index'

type TestReport = Res<'targets.testConnection'>

/** "Test connection" for an SSH target: reachability, host key, login, OS, oscap, sudo, temp space. */
export async function testSshTarget(
  deps: { vault: Vault; hostKeys: HostKeyStore },
  t: SshTarget,
): Promise<TestReport> {
  const refs = [t.auth !== 'agent' ? t.credentialId : '', t.sudo === 'password' ? t.sudoCredentialId : '']
  const known = new Set(deps.vault.list().map((c) => c.id))
  if (refs.some((r) => r && !known.has(r)))
    return { status: 'failed', message: 'A credential this target uses was deleted; pick another', steps: [] }
  if (refs.some(Boolean) && deps.vault.state() !== 'unlocked')
    return {
      status: 'vault_locked',
      message: 'The vault is locked: unlock it to test this target',
      steps: [],
    }
  const copy = (b: Buffer | undefined) => (b ? Buffer.from(b) : undefined)
  const auth: SshAuth = {}
  let sudoPassword: Buffer | undefined
  try {
    if (t.auth === 'agent') auth.agent = process.env.SSH_AUTH_SOCK
    else if (t.credentialId)
      await deps.vault.withSecret(t.credentialId, t, (s) => {
        auth.privateKey = copy(s.privateKey)
        auth.passphrase = copy(s.passphrase)
        auth.password = copy(s.password)
      })
    if (t.sudo === 'password' && t.sudoCredentialId)
      await deps.vault.withSecret(t.sudoCredentialId, t, (s) => (sudoPassword = copy(s.password)))
  } catch (err) {
    fromVaultError(err)
  }
  try {
    const report = await testSshConnection({
      host: t.host,
      port: t.port,
      user: t.user,
      auth,
      hostKeys: deps.hostKeys,
      sudo: t.sudo,
      sudoPassword,
    })
    return { status: report.ok ? 'ok' : 'failed', message: report.message, steps: report.steps }
  } catch (err) {
    if (err instanceof SshError) return { status: 'failed', message: err.message, steps: [] }
    throw err
  } finally {
    for (const b of [auth.privateKey, auth.passphrase, auth.password, sudoPassword]) b?.fill(0)
  }
}

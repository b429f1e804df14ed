// SSH host keys and SSH "Test connection": probe a target's key so a person can compare its fingerprint before
// trusting it, list / import / forget pins, and check every step an SSH scan depends on.
import type { Handlers } from '../dispatch'
import type { CoreContext } from '../context'
import { AppError, notFound } from '../errors'
import type { Vault } from '../vault/vault'
import { fromVaultError } from '../credentials/handlers'
import type { HostKeyStore } from '../scanners/ssh-oscap/host-key-store'
import { SshError } from '../scanners/ssh-oscap/ssh-common'
import { probeHostKey, type SshAuth } from '../scanners/ssh-oscap/ssh-connect'
import { testSshConnection } from '../scanners/ssh-oscap/ssh-test-connection'
import type { Res } from '../../../src-preload/contract'
import type { SshTarget } from '../scanners/ssh'

type HostHandlers = Pick<
  Handlers,
  'targets.hostKey' | 'knownHosts.list' | 'knownHosts.import' | 'knownHosts.forget'
>

export interface HostDeps extends CoreContext {
  hostKeys: HostKeyStore
  vault: Vault
}

const sshTarget = (ctx: HostDeps, id: string): SshTarget => {
  const t = ctx.repos.targets.get(id)
  if (!t) throw notFound('Target')
  // Host keys belong to the kinds whose policy says so (SSH); the kind's fields carry host and port.
  if (!ctx.kinds.get(t.kind)?.policy.hostKey)
    throw new AppError('validation', `${t.name} is not reached over SSH`)
  return t as SshTarget
}

export function hostHandlers(deps: HostDeps): HostHandlers {
  const { hostKeys } = deps
  return {
    'targets.hostKey': async ({ id }) => {
      const t = sshTarget(deps, id)
      try {
        const probe = await probeHostKey({ host: t.host, port: t.port, hostKeys, connectTimeoutMs: 15_000 })
        return {
          state: probe.state,
          host: t.host,
          port: t.port,
          keyType: probe.presented.keyType,
          fingerprint: probe.presented.fingerprint,
          pinnedFingerprint: probe.pinned?.fingerprint ?? null,
          pinnedKeyType: probe.pinned?.keyType ?? null,
        }
      } catch (err) {
        throw new AppError('unavailable', err instanceof Error ? err.message : String(err))
      }
    },
    'knownHosts.list': () => ({
      hosts: hostKeys.list().map(({ host, port, keyType, fingerprint, trustedAt }) => ({
        host,
        port,
        keyType,
        fingerprint,
        trustedAt,
      })),
    }),
    'knownHosts.import': ({ text }) => {
      // Hashed names can only be recognised, not read: try every target whose kind pins host keys (the kinds
      // whose policy says so carry host and port, as sshTarget above relies on).
      const targets = deps.repos.targets
        .list()
        .filter((t) => deps.kinds.get(t.kind)?.policy.hostKey)
        .map((t) => ({ host: (t as SshTarget).host, port: (t as SshTarget).port }))
      const report = hostKeys.importKnownHosts(text, targets)
      deps.logger.log('info', 'known_hosts imported', {
        added: report.added,
        conflicts: report.conflicts.length,
        hashedUnmatched: report.hashed,
        skipped: report.skipped,
      })
      return report
    },
    'knownHosts.forget': ({ host, port }) => {
      const removed = hostKeys.forget(host, port)
      if (removed) deps.logger.log('warn', 'host key pin removed', { host, port })
      return { removed }
    },
  }
}

type TestReport = Res<'targets.testConnection'>

/** "Test connection" for an SSH target: reachability, host key, login, OS, oscap, sudo, temp space. */
export async function testSshTarget(
  deps: Pick<HostDeps, 'vault' | 'hostKeys'>,
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

// SSH host keys: probe a target's key so a person can compare its fingerprint before trusting it, and
// list / import / forget pins. (Test connection for SSH lives with its kind, in scanners/ssh/.)
import type { Handlers } from '../dispatch'
import type { CoreContext } from '../context'
import { AppError, notFound } from '../errors'
import type { Vault } from '../vault/vault'
import type { HostKeyStore } from '../scanners/ssh-oscap/host-key-store'
import { probeHostKey } from '../scanners/ssh-oscap/ssh-connect'
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
      hosts: hostKeys.list().map(({ host, port, keyType, fingerprint, publicKey, trustedAt }) => ({
        host,
        port,
        keyType,
        fingerprint,
        publicKey,
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

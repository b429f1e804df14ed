// The vault and credential channels: secrets come in from a face, are sealed by the vault, and only
// names and metadata ever go back out.
import type { CredentialMeta as WireCredential, VaultStatus } from '../../../src-preload/contract'
import { SecretFields } from '../../../src-preload/contract'
import { AppError, notFound } from '../errors'
import type { Handlers } from '../dispatch'
import type { CoreContext } from '../context'
import type { MemberInfo, Vault } from '../vault/vault'
import { fromVaultError } from '../vault/app-errors'

type VaultHandlers = Pick<
  Handlers,
  | 'vault.status'
  | 'vault.init'
  | 'vault.unlock'
  | 'vault.lock'
  | 'vault.changePassphrase'
  | 'vault.setAutoLock'
  | 'vault.forgetDevice'
  | 'vault.members'
  | 'vault.addMember'
  | 'vault.removeMember'
  | 'credentials.list'
  | 'credentials.create'
  | 'credentials.update'
  | 'credentials.remove'
  | 'credentials.rebind'
>

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
  const { vault, repos, emit, kinds } = ctx

  const status = (): VaultStatus => ({
    state: vault.state(),
    autoLockMinutes: vault.autoLockMinutes(),
    remembered: vault.isRemembered(),
    rememberUnavailable: vault.rememberUnavailableReason(),
    credentials: vault.list().length,
    member: vault.member(),
    members: vault.members().length,
  })
  const memberToWire = (m: MemberInfo) => ({
    name: m.name,
    kind: m.kind,
    addedAt: m.addedAt,
    addedBy: m.addedBy,
  })

  const usedBy = () => {
    const map = new Map<string, { id: string; name: string }[]>()
    for (const t of repos.targets.list()) {
      for (const ref of kinds.credentialRefs(t))
        map.set(ref, [...(map.get(ref) ?? []), { id: t.id, name: t.name }])
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
    'vault.init': guard(async ({ passphrase, member }) => {
      await vault.init(passphrase, { member })
      return status()
    }),
    'vault.unlock': guard(async ({ passphrase, member, remember }) => {
      await vault.unlock(passphrase, { member, remember })
      return status()
    }),
    'vault.lock': guard(() => {
      vault.lock('manual')
      return status()
    }),
    'vault.changePassphrase': guard(async ({ current, next, member }) => {
      await vault.changePassphrase(current, next, { member })
      return status()
    }),
    'vault.members': () => ({ members: vault.members().map(memberToWire) }),
    'vault.addMember': guard(async ({ name, passphrase }) =>
      memberToWire(await vault.addMember(name, { passphrase })),
    ),
    'vault.removeMember': guard(({ name }) => memberToWire(vault.removeMember(name))),
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
      const ids = kinds.credentialRefs(target)
      if (ids.length === 0)
        throw new AppError('validation', `${target.name} uses no credential from the vault`, [
          { path: 'targetId', message: 'No credential to confirm' },
        ])
      const { address, bound } = await vault.confirmAddress(passphrase, ids, target)
      if (address === null)
        throw new AppError(
          'validation',
          `${target.name} keeps its credentials on this computer: they are not bound to an address`,
        )
      if (bound.length) emit('credentials.changed', { ids: bound.map((c) => c.id) })
      return { address, credentials: bound }
    }),
  }
}

// Type-level guard of the contract, checked by `npm run typecheck` (tsc): per-channel request and response
// types, handlers that must cover every channel, and a renderer client that refuses unknown channels and
// wrong request shapes. Each @ts-expect-error below is a mistake the compiler must keep catching.
import { describe, expectTypeOf, it } from 'vitest'
import type {
  ApiError,
  Channel,
  Envelope,
  EventPayload,
  Req,
  Res,
  Target,
  TargetInput,
  KindView,
} from '../../src-preload/contract'
import type { SshTarget } from '../../src-main/core/scanners/ssh'
import type { Handlers } from '../../src-main/core/dispatch'
// Types only: the module's top level picks a transport from `window`, which plain Node does not have.
import type { Api } from '../../src-renderer/api/client'

describe('per-channel request and response types', () => {
  it('types responses from the contract', () => {
    expectTypeOf<Res<'targets.list'>>().toEqualTypeOf<{ targets: Target[]; total: number }>()
    expectTypeOf<Res<'targets.get'>>().toEqualTypeOf<Target>()
    expectTypeOf<Res<'targets.create'>>().toEqualTypeOf<Target>()
    expectTypeOf<Res<'targets.remove'>>().toEqualTypeOf<{ removed: true }>()
    expectTypeOf<Res<'targets.labels'>>().toEqualTypeOf<{ tags: string[]; groups: string[] }>()
    expectTypeOf<Res<'app.info'>['face']>().toEqualTypeOf<'desktop' | 'serve' | 'cli'>()
  })

  it('types requests from the contract, with defaults optional on input', () => {
    expectTypeOf<Req<'targets.get'>>().toEqualTypeOf<{ id: string }>()
    expectTypeOf<Req<'targets.create'>>().toEqualTypeOf<{ target: TargetInput }>()
    expectTypeOf<Req<'targets.list'>>().toExtend<{ query?: string; kind?: string } | undefined>()
    expectTypeOf<{ kind: 'ssh'; name: string; host: string; user: string }>().toExtend<TargetInput>()
    // Kinds are data from the registry: the wire names their fields, forms and policy.
    expectTypeOf<Res<'kinds.list'>>().toEqualTypeOf<{ kinds: KindView[]; defaultKind: string }>()
    expectTypeOf<Target['address']>().toEqualTypeOf<string>()
    // A stored SSH target always has its port, even though the input may leave it out (its kind's schema).
    expectTypeOf<SshTarget['port']>().toEqualTypeOf<number>()
  })

  it('types events and envelopes', () => {
    expectTypeOf<EventPayload<'targets.changed'>>().toEqualTypeOf<{
      ids: string[]
      reason: 'created' | 'updated' | 'removed'
    }>()
    expectTypeOf<Extract<Envelope<Target>, { ok: false }>['error']>().toEqualTypeOf<ApiError>()
    expectTypeOf<Channel>().toEqualTypeOf<
      | 'app.info'
      | 'kinds.list'
      | 'targets.list'
      | 'targets.get'
      | 'targets.create'
      | 'targets.update'
      | 'targets.duplicate'
      | 'targets.remove'
      | 'targets.labels'
      | 'targets.testConnection'
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
      | 'content.discover'
      | 'content.import'
      | 'content.list'
      | 'content.profiles'
      | 'content.profile'
      | 'content.rule'
      | 'tailorings.list'
      | 'tailorings.save'
      | 'tailorings.remove'
      | 'tailorings.export'
      | 'tailorings.import'
      | 'scan.download'
      | 'scan.remediation'
      | 'policy.get'
      | 'policy.assign'
      | 'scan.startGroup'
      | 'targets.hostKey'
      | 'knownHosts.list'
      | 'knownHosts.import'
      | 'knownHosts.forget'
      | 'scan.start'
      | 'scan.cancel'
      | 'scan.cancelGroup'
      | 'scans.list'
      | 'scans.latest'
      | 'scan.results'
      | 'rules.list'
      | 'rules.rule'
      | 'rules.import'
      | 'rules.export'
      | 'rules.remove'
      | 'rules.schema'
      | 'watch.status'
      | 'watch.schedules.save'
      | 'watch.schedules.remove'
      | 'watch.pause'
      | 'watch.resume'
      | 'watch.runNow'
      | 'watch.settings'
      | 'drift.events'
      | 'drift.event'
      | 'drift.timeline'
      | 'drift.kpis'
      | 'reports.schedules.list'
      | 'reports.schedules.save'
      | 'reports.schedules.remove'
      | 'reports.schedules.run'
      | 'alerts.channels.list'
      | 'alerts.channels.save'
      | 'alerts.channels.remove'
      | 'alerts.channels.test'
      | 'alerts.deliveries'
      | 'alerts.list'
      | 'alerts.acknowledge'
      | 'reports.preview'
      | 'reports.export'
      | 'reports.verify'
      | 'audit.list'
      | 'exceptions.list'
      | 'exceptions.save'
      | 'exceptions.saveMany'
      | 'exceptions.revoke'
      | 'exceptions.export'
      | 'exceptions.import'
      | 'attestations.list'
      | 'attestations.save'
      | 'attestations.revoke'
      | 'attestations.import'
      | 'attestations.export'
      | 'scan.judgement'
      | 'scans.compare'
      | 'scans.compareCsv'
      | 'controls.frameworks'
      | 'controls.status'
      | 'controls.control'
      | 'controls.csv'
    >()
    // What leaves the core about a credential is metadata: there is no field that could hold a secret.
    expectTypeOf<keyof Res<'credentials.list'>['credentials'][number]>().toEqualTypeOf<
      | 'id'
      | 'kind'
      | 'name'
      | 'username'
      | 'notes'
      | 'fingerprint'
      | 'createdAt'
      | 'updatedAt'
      | 'rotatedAt'
      | 'usedBy'
    >()
  })
})

describe('Handlers', () => {
  it('requires a handler for every channel, returning what the contract says', () => {
    expectTypeOf<keyof Handlers>().toEqualTypeOf<Channel>()
    const compileOnly = (all: Handlers) => {
      const { 'targets.labels': _dropped, ...rest } = all
      // @ts-expect-error: 'targets.labels' is missing
      const missing: Handlers = rest
      const wrongResult: Handlers = {
        ...all,
        // @ts-expect-error: the contract says removed is the literal true
        'targets.remove': () => ({ removed: false }),
      }
      return [missing, wrongResult]
    }
    expectTypeOf(compileOnly).toBeFunction()
  })
})

describe('the renderer client', () => {
  it('returns the channel response and refuses unknown channels and wrong request shapes', () => {
    // Compiled by tsc, never run: each line is something a page could write.
    const pageCode = (api: Api) => {
      expectTypeOf(api.invoke('targets.list', { query: 'web' })).resolves.toEqualTypeOf<Res<'targets.list'>>()
      expectTypeOf(api.invoke('targets.get', { id: 'a' })).resolves.toEqualTypeOf<Target>()
      api.on('targets.changed', (p) =>
        expectTypeOf(p.reason).toEqualTypeOf<'created' | 'updated' | 'removed'>(),
      )

      // @ts-expect-error: not a channel of the contract
      void api.invoke('targets.explode', {})
      // @ts-expect-error: targets.get takes { id }, not a bare string
      void api.invoke('targets.get', 'web-1')
      // @ts-expect-error: id must be a string
      void api.invoke('targets.remove', { id: 42 })
      // @ts-expect-error: every target has a name (which kinds exist, and their fields, the core checks at run time)
      void api.invoke('targets.create', { target: { kind: 'ssh' } })
      // @ts-expect-error: not an event of the contract
      api.on('targets.exploded', () => undefined)
    }
    expectTypeOf(pageCode).toBeFunction()
  })
})

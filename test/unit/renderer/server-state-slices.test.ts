// The store's slices for a target read by address, the audit log, rule packs and a pack rule's text: each says
// loading, then the answer or the reason it failed (never "not found" for a failure, never nothing), and a
// second try after a failure gets the answer. The store talks to a real core through the preload bridge.
import { beforeAll, describe, expect, it } from 'vitest'
import type { Core } from '../../../src-main/core/app'
import { BRIDGE_KEY, type PreloadBridge } from '../../../src-preload/contract'
import { FILES_KEY } from '../../../src-preload/files'
import { call, useCores } from '../../helpers/core'
// Only the type: the module itself is imported once the bridge is installed.
import type { useStore } from '../../../src-renderer/stores'

const cores = useCores()
let core: Core
const bridge: PreloadBridge = {
  invoke: (channel, req) => core.invoke(channel, req),
  on: () => () => undefined,
}
const g = globalThis as Record<string, unknown>
g[BRIDGE_KEY] = bridge
g[FILES_KEY] = {}
let store: typeof useStore

beforeAll(async () => {
  // The api client picks its transport when first imported: the bridge must be in place by then.
  store = (await import('../../../src-renderer/stores')).useStore
})

/** A core whose database is gone: every call fails the way a broken store does. */
function brokenCore(): Core {
  const c = cores.open()
  c.close()
  return c
}

describe('a target read by id', () => {
  it('is loading, then the target; an unknown id reads as no target, not as an error', async () => {
    core = cores.open()
    const t = await call(core, 'targets.create', { target: { kind: 'local', name: 'my laptop' } })
    const pending = store.getState().loadTarget(t.id)
    expect(store.getState().targetById[t.id]?.state).toBe('loading')
    await pending
    expect(store.getState().targetById[t.id]).toMatchObject({ state: 'ready', data: { name: 'my laptop' } })
    await store.getState().loadTarget('no-such-target')
    expect(store.getState().targetById['no-such-target']).toEqual({ state: 'ready', data: null, error: '' })
  })

  it('that fails says why instead of "not found", and Try again reads it', async () => {
    const good = cores.open()
    const t = await call(good, 'targets.create', { target: { kind: 'local', name: 'db host' } })
    core = brokenCore()
    await store.getState().loadTarget(t.id)
    const failed = store.getState().targetById[t.id]!
    expect(failed.state).toBe('error')
    expect(failed.data).toBeNull()
    expect(failed.error).toBe('Driftwatch could not complete targets.get; the log has details')
    core = good
    await store.getState().loadTarget(t.id)
    expect(store.getState().targetById[t.id]).toMatchObject({ state: 'ready', data: { name: 'db host' } })
  })
})

describe('the audit log', () => {
  it('reads the entries and the chain, keeps them and says why when a reload fails', async () => {
    core = cores.open()
    await call(core, 'targets.create', { target: { kind: 'local', name: 'audited' } })
    await store.getState().loadAuditLog(12)
    const log = store.getState().auditLog
    expect(log.state).toBe('ready')
    expect(log.data?.intact).toBe(true)
    core = brokenCore()
    await store.getState().loadAuditLog(12)
    expect(store.getState().auditLog).toMatchObject({ state: 'error', data: log.data })
    expect(store.getState().auditLog.error).toMatch(/could not complete audit\.list/)
  })
})

describe('rule packs and a pack rule', () => {
  it('lists the packs of a kind and reads a rule, or says why it could not', async () => {
    core = cores.open()
    await store.getState().loadRulePacks('postgres')
    const packs = store.getState().rulePacks.postgres
    expect(packs?.state).toBe('ready')
    expect(packs?.data?.map((p) => p.id)).toContain('postgres-cis')

    await store.getState().loadPackRule('postgres-cis', 'pg-logging-collector')
    const rule = store.getState().packRules['postgres-cis/pg-logging-collector']
    expect(rule?.state).toBe('ready')
    expect(rule?.data?.description).not.toBe('')

    await store.getState().loadPackRule('postgres-cis', 'no-such-rule')
    const missing = store.getState().packRules['postgres-cis/no-such-rule']
    expect(missing?.state).toBe('error')
    expect(missing?.error).toMatch(/not found/i)

    core = brokenCore()
    await store.getState().loadRulePacks('mysql')
    expect(store.getState().rulePacks.mysql).toMatchObject({ state: 'error', data: null })
  })
})

// The store's slices for a target read by address, the audit log, rule packs and a pack rule's text: each says
// loading, then the answer or the reason it failed (never "not found" for a failure, never nothing), and a
// second try after a failure gets the answer. The store talks to a real core through the preload bridge.
import { describe, expect, it } from 'vitest'
import type { Core } from '../../../src-main/core/app'
import { call, useCores } from '../../helpers/core'
import { useRendererBridge } from '../../helpers/renderer-bridge'

const cores = useCores()
const renderer = useRendererBridge()
const state = () => renderer.store.getState()

/** A core whose database is gone: every call fails the way a broken store does. */
async function brokenCore(): Promise<Core> {
  const c = cores.open()
  await c.close()
  return c
}

describe('a target read by id', () => {
  it('is loading, then the target; an unknown id reads as no target, not as an error', async () => {
    const core = renderer.connect(cores.open())
    const t = await call(core, 'targets.create', { target: { kind: 'local', name: 'my laptop' } })
    const pending = state().loadTarget(t.id)
    expect(state().targetById[t.id]?.state).toBe('loading')
    await pending
    expect(state().targetById[t.id]).toMatchObject({ state: 'ready', data: { name: 'my laptop' } })
    await state().loadTarget('no-such-target')
    expect(state().targetById['no-such-target']).toEqual({ state: 'ready', data: null, error: '' })
  })

  it('that fails says why instead of "not found", and Try again reads it', async () => {
    const good = cores.open()
    const t = await call(good, 'targets.create', { target: { kind: 'local', name: 'db host' } })
    renderer.connect(await brokenCore())
    await state().loadTarget(t.id)
    const failed = state().targetById[t.id]!
    expect(failed.state).toBe('error')
    expect(failed.data).toBeNull()
    expect(failed.error).toBe('Driftwatch could not complete targets.get; the log has details')
    renderer.connect(good)
    await state().loadTarget(t.id)
    expect(state().targetById[t.id]).toMatchObject({ state: 'ready', data: { name: 'db host' } })
  })
})

describe('the audit log', () => {
  it('reads the entries and the chain, keeps them and says why when a reload fails', async () => {
    const core = renderer.connect(cores.open())
    await call(core, 'targets.create', { target: { kind: 'local', name: 'audited' } })
    await state().loadAuditLog(12)
    const log = state().auditLog
    expect(log.state).toBe('ready')
    expect(log.data?.intact).toBe(true)
    renderer.connect(await brokenCore())
    await state().loadAuditLog(12)
    expect(state().auditLog).toMatchObject({ state: 'error', data: log.data })
    expect(state().auditLog.error).toMatch(/could not complete audit\.list/)
  })
})

describe('rule packs and a pack rule', () => {
  it('lists the packs of a kind and reads a rule, or says why it could not', async () => {
    renderer.connect(cores.open())
    await state().loadRulePacks('postgres')
    const packs = state().rulePacks.postgres
    expect(packs?.state).toBe('ready')
    expect(packs?.data?.map((p) => p.id)).toContain('postgres-cis')

    await state().loadPackRule('postgres-cis', 'pg-logging-collector')
    const rule = state().packRules['postgres-cis/pg-logging-collector']
    expect(rule?.state).toBe('ready')
    expect(rule?.data?.description).not.toBe('')

    await state().loadPackRule('postgres-cis', 'no-such-rule')
    const missing = state().packRules['postgres-cis/no-such-rule']
    expect(missing?.state).toBe('error')
    expect(missing?.error).toMatch(/not found/i)

    renderer.connect(await brokenCore())
    await state().loadRulePacks('mysql')
    expect(state().rulePacks.mysql).toMatchObject({ state: 'error', data: null })
  })
})

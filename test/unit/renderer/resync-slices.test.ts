// What the store does when events were missed or a group scan ends: after the event stream comes back, a
// progress bar whose scan ended meanwhile goes (one still running stays); a group scan stays on show until its
// last queued target ends. The store talks to a real core through the preload bridge.
import { beforeAll, describe, expect, it } from 'vitest'
import type { Core } from '../../../src-main/core/app'
import { BRIDGE_KEY, type PreloadBridge } from '../../../src-preload/contract'
import { FILES_KEY } from '../../../src-preload/files'
import { call, useCores } from '../../helpers/core'
import { seedSyntheticStore } from '../../helpers/report-store'
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
  store = (await import('../../../src-renderer/stores')).useStore
})

const progress = (targetId: string, scanId: string) =>
  ({ targetId, scanId, phase: 'connect', message: 'Connecting' }) as const

describe('live progress after missed events', () => {
  it('drops the bar of a scan that ended meanwhile and keeps the one still running', async () => {
    core = cores.open()
    const { targetIds } = await seedSyntheticStore(core, { targets: 2, rules: 3, scans: 1 })
    const [ended, other] = targetIds as [string, string]
    const { scans } = await call(core, 'scans.list', { targetId: ended })
    store.getState().onProgress(progress(ended, scans[0]!.id))
    store.getState().onProgress(progress(other, 'a-scan-this-window-has-not-seen-end'))
    expect(Object.keys(store.getState().live).sort()).toEqual([ended, other].sort())
    await store.getState().settleMissedEnds()
    expect(Object.keys(store.getState().live)).toEqual([other])
  })
})

describe('a group scan on show', () => {
  it('counts its targets as they end and goes after the last', () => {
    store.setState({
      groupScan: {
        id: 'g1',
        group: 'lab',
        startedAt: new Date().toISOString(),
        queued: ['a', 'b'],
        pending: ['a', 'b'],
      },
    })
    const finished = (targetId: string) =>
      store.getState().onFinished({ scanId: `s-${targetId}`, targetId, state: 'done', score: 90, error: '' })
    finished('not-in-the-group')
    expect(store.getState().groupScan?.pending).toEqual(['a', 'b'])
    finished('a')
    expect(store.getState().groupScan).toMatchObject({ queued: ['a', 'b'], pending: ['b'] })
    finished('b')
    expect(store.getState().groupScan).toBeNull()
  })
})

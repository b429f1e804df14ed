// What the store does when events were missed or a group scan ends: after the event stream comes back, a
// progress bar whose scan ended meanwhile goes (one still running stays); a group scan stays on show until its
// last queued target ends. The store talks to a real core through the preload bridge.
import { describe, expect, it } from 'vitest'
import { call, useCores } from '../../helpers/core'
import { useRendererBridge } from '../../helpers/renderer-bridge'
import { seedSyntheticStore } from '../../helpers/report-store'

const cores = useCores()
const renderer = useRendererBridge()
const state = () => renderer.store.getState()

const progress = (targetId: string, scanId: string) =>
  ({ targetId, scanId, phase: 'connect', message: 'Connecting' }) as const

describe('live progress after missed events', () => {
  it('drops the bar of a scan that ended meanwhile and keeps the one still running', async () => {
    const core = renderer.connect(cores.open())
    const { targetIds } = await seedSyntheticStore(core, { targets: 2, rules: 3, scans: 1 })
    const [ended, other] = targetIds as [string, string]
    const { scans } = await call(core, 'scans.list', { targetId: ended })
    state().onProgress(progress(ended, scans[0]!.id))
    state().onProgress(progress(other, 'a-scan-this-window-has-not-seen-end'))
    expect(Object.keys(state().live).sort()).toEqual([ended, other].sort())
    await state().settleMissedEnds()
    expect(Object.keys(state().live)).toEqual([other])
  })
})

describe('a group scan on show', () => {
  it('counts its targets as they end and goes after the last', () => {
    renderer.store.setState({
      groupScan: {
        id: 'g1',
        group: 'lab',
        startedAt: new Date().toISOString(),
        queued: ['a', 'b'],
        pending: ['a', 'b'],
      },
    })
    const finished = (targetId: string) =>
      state().onFinished({ scanId: `s-${targetId}`, targetId, state: 'done', score: 90, error: '' })
    finished('not-in-the-group')
    expect(state().groupScan?.pending).toEqual(['a', 'b'])
    finished('a')
    expect(state().groupScan).toMatchObject({ queued: ['a', 'b'], pending: ['b'] })
    finished('b')
    expect(state().groupScan).toBeNull()
  })
})

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

describe('a scan that left its temp folder on the host', () => {
  it('says so at once, naming the target, as an error that stays a while', () => {
    renderer.store.setState({ targets: [{ id: 't-web', name: 'web-1' } as never], toasts: [] })
    const message =
      'Could not remove /tmp/driftwatch.AbCd1234 on root@web-1.example:22 after the scan (Nothing answers on web-1.example:22): it holds a copy of the benchmark and what oscap wrote there; remove it by hand'
    state().onLeftover({ scanId: 's1', targetId: 't-web', message })
    expect(state().toasts.map((t) => [t.kind, t.text])).toEqual([['error', `web-1: ${message}`]])
    state().onLeftover({ scanId: 's2', targetId: 'gone', message })
    expect(state().toasts.at(-1)?.text).toBe(message)
  })
})

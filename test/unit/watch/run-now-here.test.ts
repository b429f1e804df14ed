// "Run now" and "Scan all now" in a process that does not watch (serve, or the CLI beside no watch): they scan
// here, now, through the same scan path as Scan now, a few at a time, and say what could not run and why;
// nothing claims a schedule is due when no process would start it. Where a process watches, it starts them.
import { describe, expect, it } from 'vitest'
import { call, useCores } from '../../helpers/core'
import { deferred, fakeTime, scriptedScanner, type FakeTime } from '../../helpers/watch'
import type { Core } from '../../../src-main/core/app'
import { laneStore } from '../../helpers/store-lane'

const cores = useCores()

function open(time: FakeTime) {
  const scanner = scriptedScanner(time)
  const core = cores.open({ clock: time, timers: time, scanners: [scanner], random: () => 0.5 })
  return { core, script: scanner.script }
}
const pg = async (core: Core, name: string, groups: string[] = []) =>
  (
    await call(core, 'targets.create', {
      target: { kind: 'postgres', name, host: '127.0.0.1', user: 'u', tls: 'disable', groups },
    })
  ).id

describe('run now without a watch', () => {
  it('scans every scheduled target here, a few at a time, and updates their runs', async () => {
    const time = fakeTime()
    const { core, script } = open(time)
    await call(core, 'watch.settings', {
      ...(await call(core, 'watch.status', {})).settings,
      concurrency: 2,
    })
    for (const n of ['db-a', 'db-b', 'db-c']) await pg(core, n, ['prod'])
    const gate = deferred()
    script.gates.set('db-a', gate.promise)
    const { id: scheduleId } = await call(core, 'watch.schedules.save', {
      group: 'prod',
      intervalMinutes: 60,
    })
    // Nobody watches: saving a schedule scans nothing.
    await time.advance(0)
    expect(script.started).toHaveLength(0)

    const res = await call(core, 'watch.runNow', {})
    expect(res.active).toBe(false)
    expect(res.ranBy).toBe('here')
    expect(res.started.map((s) => s.name).sort()).toEqual(['db-a', 'db-b', 'db-c'])
    expect(res.skipped).toEqual([])
    await time.advance(0)
    // Two lanes: db-a (held) and db-b run; db-c starts when db-b ends.
    expect(script.started.map((s) => s.target).sort()).toEqual(['db-a', 'db-b', 'db-c'])
    script.gates.delete('db-a')
    gate.resolve()
    await core.idle()
    const { scans } = await call(core, 'scans.list', {})
    expect(scans.map((s) => `${s.trigger}:${s.state}`)).toEqual([
      'schedule:done',
      'schedule:done',
      'schedule:done',
    ])
    const status = await call(core, 'watch.status', {})
    expect(status.runs.filter((r) => r.scheduleId === scheduleId).every((r) => r.lastScanId)).toBe(true)
  })

  it('names what it could not scan and why (paused, already scanning)', async () => {
    const time = fakeTime()
    const { core, script } = open(time)
    const a = await pg(core, 'db-a')
    const b = await pg(core, 'db-b')
    const { id: sa } = await call(core, 'watch.schedules.save', { targetId: a, intervalMinutes: 60 })
    await call(core, 'watch.schedules.save', { targetId: b, intervalMinutes: 60 })
    await call(core, 'watch.pause', { targetId: b })
    const gate = deferred()
    script.gates.set('db-a', gate.promise)
    await call(core, 'scan.start', { targetId: a })
    const res = await call(core, 'watch.runNow', {})
    expect(res.started).toEqual([])
    expect(res.skipped.map((s) => `${s.name}: ${s.reason}`).sort()).toEqual([
      'db-a: Already being scanned',
      'db-b: The watch is paused for this target',
    ])
    // One schedule's "Run now" looks at that schedule only.
    const one = await call(core, 'watch.runNow', { scheduleId: sa })
    expect(one.skipped.map((s) => s.name)).toEqual(['db-a'])
    script.gates.delete('db-a')
    gate.resolve()
    await core.idle()
  })

  it('where this process watches, makes them due and the watch starts them', async () => {
    const time = fakeTime()
    const { core, script } = open(time)
    const a = await pg(core, 'db-a')
    core.watch.start()
    await call(core, 'watch.schedules.save', { targetId: a, intervalMinutes: 60 })
    await time.advance(0)
    await core.idle()
    expect(script.started).toHaveLength(1)
    const res = await call(core, 'watch.runNow', {})
    expect(res.ranBy).toBe('watch')
    // On a store watchers share (the PostgreSQL lane), each due time is scanned once, and the frozen clock still
    // reads the instant of the run that just finished: "Run now" makes the run due a millisecond after it.
    await time.advance(laneStore(core.dataDir) === undefined ? 0 : 1)
    await core.idle()
    expect(script.started).toHaveLength(2)
  })
})

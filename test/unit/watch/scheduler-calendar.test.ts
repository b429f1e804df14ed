// Weekly and monthly scan schedules in a time zone, run by the real scheduler on a fake clock through a real
// core: every Monday 02:00 in Paris across the spring change, a daily 02:30 in New York on the night clocks go
// forward and the night they go back (once each), monthly on day 31 in short months, and the channel's
// messages for an unknown zone, day 0/32 and a weekday out of range.
import { describe, expect, it } from 'vitest'
import { call, useCores } from '../../helpers/core'
import { fakeTime, scriptedScanner, type FakeTime } from '../../helpers/watch'
import { localText } from '../../../src-preload/calendar'
import type { Core } from '../../../src-main/core/app'

const cores = useCores()

function openWatch(time: FakeTime) {
  const scanner = scriptedScanner(time)
  const core = cores.open({ clock: time, timers: time, scanners: [scanner], random: () => 0.5 })
  return { core, script: scanner.script }
}
const pg = async (core: Core, name: string) =>
  (
    await call(core, 'targets.create', {
      target: { kind: 'postgres', name, host: '127.0.0.1', user: 'u', tls: 'disable' },
    })
  ).id

/**
 * Sleeps to a second before the next run (the scheduler wakes every minute otherwise: weeks of those are slow),
 * then lets two minutes pass so the run starts and ends.
 */
async function runNext(time: FakeTime, core: Core, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) {
    const { runs } = await call(core, 'watch.status', {})
    const next = Math.min(...runs.map((r) => Date.parse(r.nextRunAt)))
    time.jump(next - time.now().getTime() - 1000)
    await time.advance(2 * 60_000)
  }
}

/** The scans the watch started after the first (a new schedule runs once at once), as wall clock in `zone`. */
const wall = (started: { at: string }[], zone: string) =>
  started.slice(1).map((s) => localText(Date.parse(s.at), zone))

describe('weekly, monthly and daily in a time zone', () => {
  it('every Monday 02:00 Europe/Paris stays 02:00 in Paris across the spring change', async () => {
    const time = fakeTime('2026-03-18T12:00:00.000Z')
    const { core, script } = openWatch(time)
    const id = await pg(core, 'db-a')
    core.watch.start()
    const s = await call(core, 'watch.schedules.save', {
      targetId: id,
      kind: 'weekly',
      days: [1],
      dailyTimes: ['02:00'],
      timeZone: 'Europe/Paris',
    })
    expect(s).toMatchObject({ kind: 'weekly', days: [1], timeZone: 'Europe/Paris', zone: 'Europe/Paris' })
    await time.advance(0)
    await runNext(time, core, 3)
    expect(wall(script.started, 'Europe/Paris')).toEqual([
      '2026-03-23 02:00',
      '2026-03-30 02:00',
      '2026-04-06 02:00',
    ])
    // 02:00 Paris is 01:00 UTC in winter and 00:00 UTC in summer.
    expect(script.started.slice(1).map((x) => x.at.slice(11, 16))).toEqual(['01:00', '00:00', '00:00'])
    const { runs } = await call(core, 'watch.status', {})
    expect(localText(Date.parse(runs[0]!.nextRunAt), 'Europe/Paris')).toBe('2026-04-13 02:00')
  })

  it('daily 02:30 America/New_York runs once on the spring-forward night (03:00) and once on fall-back', async () => {
    const time = fakeTime('2026-03-07T12:00:00.000Z')
    const { core, script } = openWatch(time)
    const id = await pg(core, 'db-a')
    core.watch.start()
    await call(core, 'watch.schedules.save', {
      targetId: id,
      kind: 'daily',
      dailyTimes: ['01:30', '02:30'],
      timeZone: 'America/New_York',
    })
    await time.advance(0)
    await runNext(time, core, 4)
    expect(wall(script.started, 'America/New_York')).toEqual([
      '2026-03-08 01:30',
      '2026-03-08 03:00', // 02:30 does not exist that night: the first instant after the gap
      '2026-03-09 01:30',
      '2026-03-09 02:30',
    ])
    const fall = fakeTime('2026-10-31T12:00:00.000Z')
    const second = openWatch(fall)
    const id2 = await pg(second.core, 'db-b')
    second.core.watch.start()
    await call(second.core, 'watch.schedules.save', {
      targetId: id2,
      kind: 'daily',
      dailyTimes: ['01:30'],
      timeZone: 'America/New_York',
    })
    await fall.advance(0)
    await runNext(fall, second.core, 2)
    // 01:30 happens twice on 1 November (EDT, then EST): one scan, at the first.
    expect(second.script.started.slice(1).map((x) => x.at.slice(0, 16))).toEqual([
      '2026-11-01T05:30',
      '2026-11-02T06:30',
    ])
  })

  it('monthly on day 31 runs on the last day of February and April', async () => {
    const time = fakeTime('2027-01-30T00:00:00.000Z')
    const { core, script } = openWatch(time)
    const id = await pg(core, 'db-a')
    core.watch.start()
    await call(core, 'watch.schedules.save', {
      targetId: id,
      kind: 'monthly',
      days: [31],
      dailyTimes: ['06:00'],
      timeZone: 'UTC',
    })
    await time.advance(0)
    await runNext(time, core, 4)
    expect(wall(script.started, 'UTC')).toEqual([
      '2027-01-31 06:00',
      '2027-02-28 06:00',
      '2027-03-31 06:00',
      '2027-04-30 06:00',
    ])
  })

  it('refuses an unknown zone, day 0 and 32 of a month, day 7 of a week, and a weekly schedule without days', async () => {
    const time = fakeTime()
    const { core } = openWatch(time)
    const id = await pg(core, 'db-a')
    const base = { targetId: id, dailyTimes: ['02:00'] }
    const issues = async (req: object) => {
      const env = await core.invoke('watch.schedules.save', { ...base, ...req })
      return env.ok ? [] : env.error.issues
    }
    expect(await issues({ kind: 'daily', timeZone: 'Europe/Pariss' })).toEqual([
      {
        path: 'timeZone',
        message:
          'Unknown time zone "Europe/Pariss": use an IANA name such as Europe/Paris, America/New_York or UTC',
      },
    ])
    expect(await issues({ kind: 'monthly', days: [0] })).toEqual([
      { path: 'days', message: 'Days of the month are 1 to 31, not 0' },
    ])
    expect(await issues({ kind: 'monthly', days: [32] })).toEqual([
      { path: 'days', message: 'Days of the month are 1 to 31, not 32' },
    ])
    expect(await issues({ kind: 'weekly', days: [7] })).toEqual([
      { path: 'days', message: 'Days of the week are 0 (Sunday) to 6 (Saturday), not 7' },
    ])
    expect(await issues({ kind: 'weekly' })).toEqual([
      { path: 'days', message: 'Give at least one day of the week (mon to sun)' },
    ])
    expect(await issues({ kind: 'fortnightly' })).toEqual([
      { path: 'kind', message: 'Kind must be interval, daily, weekly or monthly' },
    ])
    expect((await call(core, 'watch.status', {})).schedules).toEqual([])
  })
})

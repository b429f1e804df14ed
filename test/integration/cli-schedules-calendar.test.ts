// `driftwatch schedules add|edit|list` with weekly and monthly calendars in a time zone, run in-process on a
// real data folder: the flags save what they say, the list reads the calendar and the next run in the
// schedule's own zone, and bad input (a weekday typo, day 32, an unknown zone, two cadences) is refused with its
// message and exit code, storing nothing.
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { main } from '../../src-main/cli/main'
import { createCore } from '../../src-main/core/app'
import { call } from '../helpers/core'
import { useTmpDirs } from '../helpers/tmp-dir'

const tmp = useTmpDirs()

async function dataDir(): Promise<string> {
  const dir = join(tmp.make('dw-cli-cal-'), 'data')
  const core = createCore({ face: 'cli', dataDir: dir })
  try {
    await call(core, 'targets.create', {
      target: { kind: 'postgres', name: 'billing-db', host: '127.0.0.1', user: 'u', tls: 'disable' },
    })
  } finally {
    await core.close()
  }
  return dir
}

async function cli(dir: string, ...args: string[]): Promise<{ code: number; out: string }> {
  const said: string[] = []
  const code = await main([...args, '--data-dir', dir], {
    stdout: (t) => said.push(t),
    stderr: (t) => said.push(t),
  })
  return { code, out: said.join('') }
}

describe('driftwatch schedules with weekly and monthly calendars', () => {
  it('adds a weekly Paris schedule and a monthly New York one, lists them with the next run in their zone', async () => {
    const dir = await dataDir()
    const weekly = await cli(
      dir,
      'schedules',
      'add',
      '--target',
      'billing-db',
      '--weekly',
      '02:00',
      '--days',
      'mon,Thursday',
      '--timezone',
      'Europe/Paris',
      '--json',
    )
    expect(weekly.code, weekly.out).toBe(0)
    const saved = JSON.parse(weekly.out) as { id: string }
    expect(saved).toMatchObject({
      kind: 'weekly',
      days: [1, 4],
      dailyTimes: ['02:00'],
      timeZone: 'Europe/Paris',
      zone: 'Europe/Paris',
    })
    const monthly = await cli(
      dir,
      'schedules',
      'add',
      '--target',
      'billing-db',
      '--monthly',
      '06:00',
      '--days',
      '31',
      '--timezone',
      'America/New_York',
    )
    expect(monthly.code, monthly.out).toBe(0)
    expect(monthly.out).toMatch(/^Added schedule \S+: monthly on day 31 at 06:00 \(America\/New_York\)\n$/)

    const list = await cli(dir, 'schedules', 'list')
    expect(list.code).toBe(0)
    // The next time on the calendar, read in the schedule's zone and naming it (CET/CEST, EST/EDT…).
    expect(list.out).toMatch(
      /every Monday, Thursday at 02:00 \(Europe\/Paris\)\s+first scan when the watch starts, then [^\n]*, 02:00 \S+ \(Europe\/Paris\)/,
    )
    expect(list.out).toMatch(
      /monthly on day 31 at 06:00 \(America\/New_York\)\s+first scan when the watch starts, then [^\n]*, 06:00 \S+ \(America\/New_York\)/,
    )

    // Edit: only the zone changes; the days and times stay.
    const edited = await cli(dir, 'schedules', 'edit', saved.id, '--timezone', 'Asia/Tokyo', '--json')
    expect(edited.code, edited.out).toBe(0)
    expect(JSON.parse(edited.out)).toMatchObject({ kind: 'weekly', days: [1, 4], timeZone: 'Asia/Tokyo' })
  })

  it('refuses a weekday typo, day 32, an unknown zone and two cadences, storing nothing', async () => {
    const dir = await dataDir()
    const add = (...args: string[]) => cli(dir, 'schedules', 'add', '--target', 'billing-db', ...args)
    expect(await add('--weekly', '02:00', '--days', 'mon,tuseday')).toEqual({
      code: 1,
      out: expect.stringContaining(
        '--days: Days of the week are mon, tue, wed, thu, fri, sat, sun (or 0 to 6, Sunday 0), not "tuseday"',
      ),
    })
    expect(await add('--monthly', '06:00', '--days', '32')).toEqual({
      code: 1,
      out: expect.stringContaining('--days: Days of the month are 1 to 31, not 32'),
    })
    expect(await add('--monthly', '06:00', '--days', '0')).toEqual({
      code: 1,
      out: expect.stringContaining('--days: Days of the month are 1 to 31, not 0'),
    })
    expect(await add('--daily', '02:30', '--timezone', 'Europe/Pariss')).toEqual({
      code: 1,
      out: expect.stringContaining(
        '--timezone: Unknown time zone "Europe/Pariss": use an IANA name such as Europe/Paris, America/New_York or UTC',
      ),
    })
    expect(await add('--daily', '02:30', '--weekly', '03:00')).toEqual({
      code: 64,
      out: expect.stringContaining(
        'give one of --every, --daily, --weekly or --monthly, not --daily and --weekly',
      ),
    })
    expect(await add('--weekly', '02:00')).toEqual({
      code: 1,
      out: expect.stringContaining('--days: Give at least one day of the week (mon to sun)'),
    })
    const report = await cli(
      dir,
      'schedules',
      'add',
      '--report',
      'monthly',
      '--name',
      'm',
      '--day',
      '31',
      '--timezone',
      'Mars/Base',
    )
    expect(report.code).toBe(1)
    expect(report.out).toContain('--timezone: Unknown time zone "Mars/Base"')
    expect((await cli(dir, 'schedules', 'list')).out).toBe('No schedules yet.\n')
  })
})

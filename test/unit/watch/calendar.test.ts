// The one calendar (src-preload/calendar.ts) that scan schedules and report exports share: daily, weekly and
// monthly times in an IANA zone, walked run after run across the 2026 DST changes of Paris and New York (two
// zones that change on different days), short months, and the messages bad input gets.
import { describe, expect, it } from 'vitest'
import {
  calendarProblems,
  describeCalendar,
  localText,
  nextOccurrence,
  parseWeekday,
  timeZoneProblem,
  type Calendar,
} from '../../../src-preload/calendar'

/** The next `n` runs after `from`, each as UTC instant and as the wall clock in the calendar's zone. */
function runs(c: Calendar, from: string, n: number): string[] {
  let t = Date.parse(from)
  const out: string[] = []
  for (let i = 0; i < n; i++) {
    t = nextOccurrence(c, t)
    out.push(`${new Date(t).toISOString().slice(0, 16)}Z = ${localText(t, c.timeZone)}`)
  }
  return out
}
const daily = (times: string[], timeZone: string): Calendar => ({ kind: 'daily', times, days: [], timeZone })

describe('daylight saving time', () => {
  it('Paris, spring forward (29 March 2026, 02:00 → 03:00): 02:30 runs once, at 03:00 new time', () => {
    expect(runs(daily(['02:30'], 'Europe/Paris'), '2026-03-27T12:00:00Z', 3)).toEqual([
      '2026-03-28T01:30Z = 2026-03-28 02:30',
      '2026-03-29T01:00Z = 2026-03-29 03:00',
      '2026-03-30T00:30Z = 2026-03-30 02:30',
    ])
  })

  it('Paris, fall back (25 October 2026, 03:00 → 02:00): 02:30 runs once, at the first of the two', () => {
    expect(runs(daily(['02:30'], 'Europe/Paris'), '2026-10-24T12:00:00Z', 3)).toEqual([
      '2026-10-25T00:30Z = 2026-10-25 02:30',
      '2026-10-26T01:30Z = 2026-10-26 02:30',
      '2026-10-27T01:30Z = 2026-10-27 02:30',
    ])
  })

  it('New York, spring forward (8 March 2026) and fall back (1 November 2026)', () => {
    expect(runs(daily(['02:30'], 'America/New_York'), '2026-03-07T12:00:00Z', 3)).toEqual([
      '2026-03-08T07:00Z = 2026-03-08 03:00',
      '2026-03-09T06:30Z = 2026-03-09 02:30',
      '2026-03-10T06:30Z = 2026-03-10 02:30',
    ])
    expect(runs(daily(['01:30'], 'America/New_York'), '2026-10-31T12:00:00Z', 3)).toEqual([
      '2026-11-01T05:30Z = 2026-11-01 01:30',
      '2026-11-02T06:30Z = 2026-11-02 01:30',
      '2026-11-03T06:30Z = 2026-11-03 01:30',
    ])
  })

  it('a run in the repeated hour is not repeated when counted from inside the overlap', () => {
    // Between the two 01:30s of New York's fall-back night: the next run is the next day's.
    expect(runs(daily(['01:30'], 'America/New_York'), '2026-11-01T05:45:00Z', 1)).toEqual([
      '2026-11-02T06:30Z = 2026-11-02 01:30',
    ])
  })

  it('two times that meet in the gap (02:30 and 03:00) run once', () => {
    expect(runs(daily(['02:30', '03:00'], 'Europe/Paris'), '2026-03-28T23:00:00Z', 2)).toEqual([
      '2026-03-29T01:00Z = 2026-03-29 03:00',
      '2026-03-30T00:30Z = 2026-03-30 02:30',
    ])
  })
})

describe('weekly and monthly', () => {
  it('every Monday 02:00 Europe/Paris keeps 02:00 local across the change (UTC moves by an hour)', () => {
    const c: Calendar = { kind: 'weekly', times: ['02:00'], days: [1], timeZone: 'Europe/Paris' }
    expect(runs(c, '2026-03-20T00:00:00Z', 3)).toEqual([
      '2026-03-23T01:00Z = 2026-03-23 02:00',
      '2026-03-30T00:00Z = 2026-03-30 02:00',
      '2026-04-06T00:00Z = 2026-04-06 02:00',
    ])
    expect(describeCalendar(c)).toBe('every Monday at 02:00 (Europe/Paris)')
  })

  it('several days of the week, in week order', () => {
    const c: Calendar = { kind: 'weekly', times: ['22:15'], days: [4, 1], timeZone: 'UTC' }
    expect(runs(c, '2026-12-01T00:00:00Z', 3)).toEqual([
      '2026-12-03T22:15Z = 2026-12-03 22:15',
      '2026-12-07T22:15Z = 2026-12-07 22:15',
      '2026-12-10T22:15Z = 2026-12-10 22:15',
    ])
  })

  it('monthly on day 1 at 06:00 America/New_York, in winter and summer time', () => {
    const c: Calendar = { kind: 'monthly', times: ['06:00'], days: [1], timeZone: 'America/New_York' }
    expect(runs(c, '2026-02-15T00:00:00Z', 3)).toEqual([
      '2026-03-01T11:00Z = 2026-03-01 06:00',
      '2026-04-01T10:00Z = 2026-04-01 06:00',
      '2026-05-01T10:00Z = 2026-05-01 06:00',
    ])
  })

  it('day 31 runs on the last day of shorter months; 30 and 31 together run once on it', () => {
    const c: Calendar = { kind: 'monthly', times: ['06:00'], days: [31], timeZone: 'UTC' }
    expect(runs(c, '2027-01-15T00:00:00Z', 4).map((r) => r.slice(-16))).toEqual([
      '2027-01-31 06:00',
      '2027-02-28 06:00',
      '2027-03-31 06:00',
      '2027-04-30 06:00',
    ])
    const both: Calendar = { kind: 'monthly', times: ['06:00'], days: [30, 31], timeZone: 'UTC' }
    expect(runs(both, '2028-02-01T00:00:00Z', 4).map((r) => r.slice(-16))).toEqual([
      '2028-02-29 06:00', // a leap year: 29 February is the last day
      '2028-03-30 06:00',
      '2028-03-31 06:00',
      '2028-04-30 06:00',
    ])
  })

  it("'' is the computer's zone", () => {
    const here = Intl.DateTimeFormat().resolvedOptions().timeZone
    const c = daily(['04:10'], '')
    const at = nextOccurrence(c, Date.parse('2026-06-01T00:00:00Z'))
    expect(localText(at, here)).toMatch(/ 04:10$/)
    expect(describeCalendar(c)).toBe('daily at 04:10')
    expect(describeCalendar(c, { zone: true })).toBe(`daily at 04:10 (${here})`)
  })
})

describe('bad input', () => {
  it('names an unknown zone', () => {
    expect(timeZoneProblem('Europe/Pariss')).toBe(
      'Unknown time zone "Europe/Pariss": use an IANA name such as Europe/Paris, America/New_York or UTC',
    )
    expect(timeZoneProblem('Europe/Paris')).toBe('')
    expect(nextOccurrence(daily(['02:00'], 'Mars/Olympus'), 0)).toBeNaN()
  })

  it('refuses day 0 and 32 of a month, day 7 of a week, and no days', () => {
    const m = (days: number[]): Calendar => ({ kind: 'monthly', times: ['06:00'], days, timeZone: '' })
    expect(calendarProblems(m([0]))).toEqual([['days', 'Days of the month are 1 to 31, not 0']])
    expect(calendarProblems(m([32]))).toEqual([['days', 'Days of the month are 1 to 31, not 32']])
    expect(calendarProblems(m([]))).toEqual([['days', 'Give at least one day of the month (1 to 31)']])
    expect(calendarProblems({ kind: 'weekly', times: ['06:00'], days: [7], timeZone: '' })).toEqual([
      ['days', 'Days of the week are 0 (Sunday) to 6 (Saturday), not 7'],
    ])
    expect(calendarProblems(daily(['25:00'], ''))).toEqual([
      ['times', 'Times are written HH:MM (00:00 to 23:59), not "25:00"'],
    ])
  })

  it('reads weekday names and numbers, and not a typo', () => {
    expect(['mon', 'Monday', 'TUE', '0', 7, 'sun'].map(parseWeekday)).toEqual([1, 1, 2, 0, 0, 0])
    expect(parseWeekday('mnday')).toBeUndefined()
    expect(parseWeekday('8')).toBeUndefined()
  })
})

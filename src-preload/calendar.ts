// The one calendar of Driftwatch: daily, weekly and monthly times of day in an IANA time zone, turned into the
// next instant they fall on. Scan schedules (the watch's scheduler) and scheduled report exports both ask it;
// the contract checks zones and days with it, so a schedule on the wire always has a next run. Only Intl, no
// time-zone library: Intl knows every zone's offsets, and the rules for gaps and overlaps are ours.
//
// Daylight saving time:
// - A time that does not exist that day (02:30 when clocks spring forward from 02:00 to 03:00) runs once, at
//   the first instant after the gap (03:00 new time).
// - A time that happens twice (01:30 when clocks fall back from 02:00 to 01:00) runs once, at the first of the
//   two (summer time).
// Months: a day a month does not have (29, 30, 31) runs on that month's last day instead; two such days falling
// on one last day (30 and 31 in April) run once.

export const CALENDAR_KINDS = ['daily', 'weekly', 'monthly'] as const
export type CalendarKind = (typeof CALENDAR_KINDS)[number]

export interface Calendar {
  kind: CalendarKind
  /** Times of day, "HH:MM" in `timeZone`. */
  times: string[]
  /** Weekly: 0 (Sunday) to 6 (Saturday). Monthly: 1 to 31. Daily: ignored. */
  days: number[]
  /** An IANA zone (Europe/Paris); '' is the computer's own zone. */
  timeZone: string
}

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

/** The zone of the computer Driftwatch runs on (TZ, else the system's). */
export function machineZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

/** '' → the computer's zone; otherwise the zone as given. */
export const zoneOf = (timeZone: string): string => timeZone || machineZone()

const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(zone, f)
  }
  return f
}

/** Whether Intl knows the zone (an IANA name such as Europe/Paris, or UTC). */
export function isTimeZone(zone: string): boolean {
  if (!zone || zone.length > 64) return false
  try {
    formatter(zone)
    return true
  } catch {
    return false
  }
}

/** The message for a zone Intl does not know ('' for one it does). */
export function timeZoneProblem(zone: string): string {
  if (zone === '' || isTimeZone(zone)) return ''
  return `Unknown time zone "${zone}": use an IANA name such as Europe/Paris, America/New_York or UTC`
}

/** The wall clock in `zone` at instant `t`, as if it were UTC (ms): so (wall - t) is the zone's offset. */
function wallOf(t: number, zone: string): number {
  const p: Record<string, number> = {}
  for (const part of formatter(zone).formatToParts(new Date(t)))
    if (part.type !== 'literal') p[part.type] = Number(part.value)
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!)
}
const offsetAt = (t: number, zone: string): number => wallOf(t, zone) - Math.floor(t / 1000) * 1000

/**
 * The instant the wall-clock time `wall` (a UTC-ms reading of a local date and time) happens in `zone`: the
 * first of two in an overlap, the end of the gap when it does not exist.
 */
export function instantOf(wall: number, zone: string): number {
  const DAY = 86_400_000
  const offsets = [...new Set([offsetAt(wall - DAY, zone), offsetAt(wall, zone), offsetAt(wall + DAY, zone)])]
  const hits = offsets.map((o) => wall - o).filter((t) => wallOf(t, zone) === wall)
  if (hits.length > 0) return Math.min(...hits)
  // In a gap: the transition lies between the instants the two offsets give; find it to the second.
  const ts = offsets.map((o) => wall - o)
  let lo = Math.min(...ts)
  let hi = Math.max(...ts)
  const before = offsetAt(lo, zone)
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000
    if (offsetAt(mid, zone) === before) lo = mid
    else hi = mid
  }
  return hi
}

const HHMM = /^([01]?\d|2[0-3]):([0-5]\d)$/

/** Every problem with a calendar, as [field, message]: none means it fires. */
export function calendarProblems(c: Calendar): [keyof Calendar, string][] {
  const out: [keyof Calendar, string][] = []
  if (c.times.length === 0) out.push(['times', 'Give at least one time of day'])
  for (const t of c.times)
    if (!HHMM.test(t)) out.push(['times', `Times are written HH:MM (00:00 to 23:59), not "${t}"`])
  const zone = timeZoneProblem(c.timeZone)
  if (zone) out.push(['timeZone', zone])
  if (c.kind === 'weekly') {
    if (c.days.length === 0) out.push(['days', 'Give at least one day of the week (mon to sun)'])
    for (const d of c.days)
      if (!Number.isInteger(d) || d < 0 || d > 6)
        out.push(['days', `Days of the week are 0 (Sunday) to 6 (Saturday), not ${d}`])
  }
  if (c.kind === 'monthly') {
    if (c.days.length === 0) out.push(['days', 'Give at least one day of the month (1 to 31)'])
    for (const d of c.days)
      if (!Number.isInteger(d) || d < 1 || d > 31)
        out.push(['days', `Days of the month are 1 to 31, not ${d}`])
  }
  return out
}

/**
 * A day of the week by name or number: "mon", "Monday", "1" → 1; "sun" and "7" → 0. Undefined for anything
 * else (the caller names the mistake: `weekdayProblem`).
 */
export function parseWeekday(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 && v <= 7 ? v % 7 : undefined
  if (typeof v !== 'string') return undefined
  const s = v.trim().toLowerCase()
  if (/^\d+$/.test(s)) return parseWeekday(Number(s))
  const i = WEEKDAYS.findIndex((d, n) => s === d || s === WEEKDAY_NAMES[n]!.toLowerCase())
  return i >= 0 ? i : undefined
}
export const weekdayProblem = (v: unknown): string =>
  `Days of the week are mon, tue, wed, thu, fri, sat, sun (or 0 to 6, Sunday 0), not ${JSON.stringify(v)}`

const pad = (n: number) => String(n).padStart(2, '0')
const daysIn = (y: number, m0: number) => new Date(Date.UTC(y, m0 + 1, 0)).getUTCDate()

/** Whether a local date (UTC-ms midnight reading) is one of the calendar's days. */
function isDay(c: Calendar, dayWall: number): boolean {
  const d = new Date(dayWall)
  if (c.kind === 'daily') return true
  if (c.kind === 'weekly') return c.days.includes(d.getUTCDay())
  const last = daysIn(d.getUTCFullYear(), d.getUTCMonth())
  const day = d.getUTCDate()
  return c.days.some((x) => x === day || (day === last && x > last))
}

/** The next instant (ms) the calendar falls on strictly after `from`; NaN if it never does (bad input). */
export function nextOccurrence(c: Calendar, from: number): number {
  if (calendarProblems(c).length > 0) return Number.NaN
  const zone = zoneOf(c.timeZone)
  const times = [...new Set(c.times)]
    .map((t) => HHMM.exec(t)!)
    .map((m) => (Number(m[1]) * 60 + Number(m[2])) * 60_000)
    .sort((a, b) => a - b)
  const DAY = 86_400_000
  // From the local day before `from` (an overlap can put a local time after `from` on the day before).
  const start = Math.floor(wallOf(from, zone) / DAY) * DAY - DAY
  // 62 days cover any monthly calendar (every month has its last day), and weekly/daily much sooner.
  for (let day = start; day <= start + 63 * DAY; day += DAY) {
    if (!isDay(c, day)) continue
    for (const t of times) {
      const at = instantOf(day + t, zone)
      if (at > from) return at
    }
  }
  return Number.NaN
}

/**
 * "every Monday, Thursday at 02:00 (Europe/Paris)", "monthly on day 1, 31 at 06:00 (America/New_York)"; a
 * calendar in the computer's zone ('') names none unless `zone` is asked for: "daily at 02:30".
 */
export function describeCalendar(c: Calendar, opts: { zone?: boolean } = {}): string {
  const at = `at ${c.times.map((t) => t.padStart(5, '0')).join(', ')}`
  const named = c.timeZone || opts.zone ? ` (${zoneOf(c.timeZone)})` : ''
  if (c.kind === 'weekly')
    return `every ${[...c.days]
      .sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7))
      .map((d) => WEEKDAY_NAMES[d] ?? d)
      .join(', ')} ${at}${named}`
  if (c.kind === 'monthly')
    return `monthly on day ${[...c.days].sort((a, b) => a - b).join(', ')} ${at}${named}`
  return `daily ${at}${named}`
}

/** "2026-03-29 03:00" as the wall clock reads in the zone: for tests and plain-text lists. */
export function localText(t: number, timeZone: string): string {
  const d = new Date(wallOf(t, zoneOf(timeZone)))
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
}

// How the Watch page words schedules: the time left until a run, and how often a schedule runs.
import type { ScheduleView } from '../../src-preload/contract'
import { describeCalendar } from '../../src-preload/calendar'
import { when } from '../../src-preload/dates'

/** "in 2 d 3 h", "in 5 min 10 s", … or "due now" once `to` has passed (times in ms since the epoch). */
export function countdown(to: string, now: number): string {
  const s = Math.round((Date.parse(to) - now) / 1000)
  if (s <= 0) return 'due now'
  const d = Math.floor(s / 86400)
  const h = Math.floor((s % 86400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  return d > 0
    ? `in ${d} d ${h} h`
    : h > 0
      ? `in ${h} h ${m} min`
      : m > 0
        ? `in ${m} min ${sec} s`
        : `in ${sec} s`
}

/**
 * "daily at 02:00, 14:00 (Europe/Paris)", "every Monday at 02:00 (Europe/Paris)", or the interval in the largest
 * whole unit: "every 2 d", "every 6 h", "every 90 min". A calendar names the zone its times are read in.
 */
export function scheduleEvery(
  s: Pick<ScheduleView, 'kind' | 'dailyTimes' | 'intervalMinutes' | 'days' | 'zone'>,
): string {
  return s.kind !== 'interval'
    ? describeCalendar({ kind: s.kind, times: s.dailyTimes, days: s.days, timeZone: s.zone })
    : s.intervalMinutes % 1440 === 0
      ? `every ${s.intervalMinutes / 1440} d`
      : s.intervalMinutes % 60 === 0
        ? `every ${s.intervalMinutes / 60} h`
        : `every ${s.intervalMinutes} min`
}

/** A run's time as the clock reads in the schedule's zone, naming it: "9 Mar 2026, 02:00 GMT+1 (Europe/Paris)". */
export const inZone = (iso: string, zone: string): string => `${when(iso, { timeZone: zone })} (${zone})`

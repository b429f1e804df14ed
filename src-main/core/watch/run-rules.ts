// What a schedule's run becomes when its scan ends: the one set of rules both watch modes follow (one lease
// holder planning everything, or many watchers each ending the runs they claimed). Pure: time, settings and
// randomness come in as arguments, and the caller writes the result where its mode keeps it.
import type { RunRow, RunStatus, ScheduleRow, WatchSettings } from '../store/watch'
import { backoffDelay } from '../util/backoff'
import { nextOccurrence } from '../../../src-preload/calendar'

const MINUTE = 60_000

export interface NextRun {
  status: RunStatus
  detail: string
  failures: number
  nextRunAt: string
}

/** The next time a schedule is due strictly after `from` (ms), before jitter. */
export function nextSlot(s: ScheduleRow, from: number, settings: WatchSettings): number {
  if (s.kind === 'interval') {
    const every = Math.max(1, s.intervalMinutes) / (s.priority ? Math.max(1, settings.priorityFactor) : 1)
    return from + every * MINUTE
  }
  // Daily, weekly, monthly: the one calendar (report exports use it too). A row that cannot fire (a zone this
  // computer's Intl no longer knows) is looked at again in a day rather than never.
  const next = nextOccurrence({ kind: s.kind, times: s.dailyTimes, days: s.days, timeZone: s.timeZone }, from)
  return Number.isNaN(next) ? from + 24 * 60 * MINUTE : next
}

/** A random delay within the schedule's jitter window (ms). */
export function jitterOf(s: ScheduleRow, random: () => number): number {
  return s.jitterSeconds > 0 ? Math.floor(random() * s.jitterSeconds * 1000) : 0
}

/**
 * A scan of the run succeeded at `now`. The next time counts from the start of this run, so a 1 h schedule stays
 * hourly; a slot already past (a long scan, or a window missed while Driftwatch was closed) is not made up: the
 * next one is counted from now.
 */
export function afterSuccess(
  s: ScheduleRow,
  r: Pick<RunRow, 'lastRunAt'>,
  now: number,
  settings: WatchSettings,
  random: () => number,
): NextRun {
  const startedAt = r.lastRunAt ? Date.parse(r.lastRunAt) : now
  let next = nextSlot(s, startedAt, settings)
  if (next <= now) next = nextSlot(s, now, settings)
  return {
    status: 'waiting',
    detail: '',
    failures: 0,
    nextRunAt: new Date(next + jitterOf(s, random)).toISOString(),
  }
}

/**
 * A scan of the run failed (or could not start: 'unavailable'). Targets that failed together do not retry
 * together (full jitter); at least a second, and never later than the schedule's own next slot.
 */
export function afterFailure(
  s: ScheduleRow,
  r: Pick<RunRow, 'failures'>,
  now: number,
  settings: WatchSettings,
  random: () => number,
  error: string,
  status: 'backoff' | 'unavailable' = 'backoff',
): NextRun {
  const failures = r.failures + 1
  const policy = { baseMs: settings.backoffBaseMinutes * MINUTE, capMs: settings.backoffCapMinutes * MINUTE }
  const wait = backoffDelay(failures - 1, policy, random, 1000)
  const next = Math.min(now + wait, nextSlot(s, now, settings))
  return { status, detail: error, failures, nextRunAt: new Date(next).toISOString() }
}

/** A scan of the run was cancelled (pause, shutdown): the run stays due and runs again when the watch does. */
export const afterCancel = (r: Pick<RunRow, 'failures' | 'nextRunAt'>): NextRun => ({
  status: 'waiting',
  detail: 'Cancelled; runs again',
  failures: r.failures,
  nextRunAt: r.nextRunAt,
})

/**
 * The target was just scanned: its other schedules that were due and waiting for it count as done too; each
 * moves to its next slot from now. Returns the runs to move and where.
 */
export function alsoDone(
  runs: readonly RunRow[],
  done: { scheduleId: string; targetId: string },
  now: number,
  settings: WatchSettings,
  schedule: (id: string) => ScheduleRow | undefined,
): { scheduleId: string; targetId: string; nextRunAt: string }[] {
  const nowIso = new Date(now).toISOString()
  const moves: { scheduleId: string; targetId: string; nextRunAt: string }[] = []
  for (const o of runs)
    if (
      o.targetId === done.targetId &&
      o.scheduleId !== done.scheduleId &&
      o.status !== 'running' &&
      o.nextRunAt <= nowIso
    ) {
      const os = schedule(o.scheduleId)
      if (os)
        moves.push({
          scheduleId: o.scheduleId,
          targetId: o.targetId,
          nextRunAt: new Date(nextSlot(os, now, settings)).toISOString(),
        })
    }
  return moves
}

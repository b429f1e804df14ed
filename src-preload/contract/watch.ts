// Watch on the wire: schedules, their runs, the scheduler's settings and status, pausing and running now.
import { z } from 'zod'
import { channel, Empty, Id } from './common'
import { calendarProblems, CALENDAR_KINDS } from '../calendar'

export const SCHEDULE_KINDS = ['interval', ...CALENDAR_KINDS] as const

const hhmm = z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'Times are written HH:MM, e.g. 02:30')

export const ScheduleInput = z
  .object({
    id: z.string().optional(),
    targetId: z.string().min(1).nullable().default(null),
    group: z.string().trim().min(1).max(64).nullable().default(null),
    kind: z
      .enum(SCHEDULE_KINDS, { error: 'Kind must be interval, daily, weekly or monthly' })
      .default('interval'),
    intervalMinutes: z.coerce
      .number({ error: 'Interval must be a number of minutes' })
      .int('Interval must be whole minutes')
      .min(1, 'Interval must be at least 1 minute')
      .max(44640, 'Interval must be at most 31 days')
      .default(60),
    /** Daily, weekly and monthly: times of day in timeZone. */
    dailyTimes: z.array(hhmm).max(24, 'At most 24 times a day').default([]),
    /** Weekly: 0 (Sunday) to 6; monthly: 1 to 31 (a shorter month runs on its last day). */
    days: z
      .array(z.number({ error: 'Days are numbers' }).int('Days are whole numbers'))
      .max(31, 'At most 31 days')
      .default([]),
    /** An IANA zone such as Europe/Paris; '' is the zone of the computer that watches. */
    timeZone: z.string().trim().max(64, 'A time zone name is at most 64 characters').default(''),
    priority: z.boolean().default(false),
    jitterSeconds: z.coerce.number().int().min(0).max(3600, 'Jitter must be at most 3600 seconds').default(0),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'Content is named by the SHA-256 of its file')
      .optional(),
    profileId: z.string().min(1).optional(),
    tailoringId: z.string().optional(),
    paused: z.boolean().default(false),
  })
  .superRefine((s, ctx) => {
    if ((s.targetId === null) === (s.group === null))
      ctx.addIssue({
        code: 'custom',
        path: ['targetId'],
        message: 'Choose a target or a group (one of them)',
      })
    if (s.kind !== 'interval')
      for (const [field, message] of calendarProblems({ ...s, kind: s.kind, times: s.dailyTimes }))
        ctx.addIssue({ code: 'custom', path: [field === 'times' ? 'dailyTimes' : field], message })
  })

export const ScheduleView = z.object({
  id: z.string(),
  targetId: z.string().nullable(),
  group: z.string().nullable(),
  kind: z.enum(SCHEDULE_KINDS),
  intervalMinutes: z.number(),
  dailyTimes: z.array(z.string()),
  days: z.array(z.number()),
  /** As saved ('' is the computer's zone)… */
  timeZone: z.string(),
  /** …and the zone its times are read in (the computer's when '' was saved; '' for intervals). */
  zone: z.string(),
  /** Daily, weekly, monthly: the next time on its calendar after now (its runs may be due sooner). */
  nextSlotAt: z.string().nullable(),
  priority: z.boolean(),
  jitterSeconds: z.number(),
  sha256: z.string().optional(),
  profileId: z.string().optional(),
  tailoringId: z.string().optional(),
  paused: z.boolean(),
})
export type ScheduleView = z.output<typeof ScheduleView>

export const RunView = z.object({
  scheduleId: z.string(),
  targetId: z.string(),
  nextRunAt: z.string(),
  lastRunAt: z.string().nullable(),
  lastScanId: z.string().nullable(),
  status: z.enum(['waiting', 'running', 'backoff', 'vault_locked', 'unavailable', 'paused']),
  detail: z.string(),
  failures: z.number(),
})
export type RunView = z.output<typeof RunView>

export const WatchSettingsView = z.object({
  concurrency: z.number().int().min(1, 'At least 1 scan at a time').max(32, 'At most 32 scans at a time'),
  perKind: z.record(z.string(), z.number().int().min(1).max(32)),
  thresholds: z
    .object({
      major: z.number().min(0.1, 'Thresholds are at least 0.1 points').max(100),
      minor: z.number().min(0.1, 'Thresholds are at least 0.1 points').max(100),
    })
    .refine((t) => t.minor <= t.major, {
      message: 'The minor threshold cannot be above the major one',
      path: ['minor'],
    }),
  priorityFactor: z.number().min(1).max(24),
  backoffBaseMinutes: z.number().min(0.1).max(1440),
  backoffCapMinutes: z.number().min(1).max(10080),
})

export const WatchStatus = z.object({
  /** This process is the one scheduling (the desktop app or `driftwatch watch`). */
  active: z.boolean(),
  /** Another process holds the schedule (pid), or '' . */
  elsewhere: z.string(),
  paused: z.boolean(),
  pausedTargets: z.array(z.string()),
  schedules: z.array(ScheduleView),
  runs: z.array(RunView),
  settings: WatchSettingsView,
  tray: z.enum(['ok', 'drift', 'scanning', 'vault_locked', 'paused']),
  openAlerts: z.number(),
})
export type WatchStatus = z.output<typeof WatchStatus>

const TargetScope = z.object({ targetId: z.string().min(1).optional() })

export const watchChannels = {
  'watch.status': channel(Empty, WatchStatus),
  'watch.schedules.save': channel(ScheduleInput, ScheduleView),
  'watch.schedules.remove': channel(Id, z.object({ removed: z.literal(true) })),
  'watch.pause': channel(TargetScope.extend({ scheduleId: z.string().min(1).optional() }), WatchStatus),
  'watch.resume': channel(TargetScope.extend({ scheduleId: z.string().min(1).optional() }), WatchStatus),
  'watch.runNow': channel(
    z.object({ scheduleId: z.string().min(1).optional() }),
    WatchStatus.extend({
      /**
       * Who runs them: 'watch' (this process watches), 'elsewhere' (the watching process, within a minute),
       * 'here' (no process watches: this one scans them now, as Scan now does).
       */
      ranBy: z.enum(['watch', 'elsewhere', 'here']),
      started: z.array(z.object({ targetId: z.string(), name: z.string() })),
      skipped: z.array(z.object({ targetId: z.string(), name: z.string(), reason: z.string() })),
    }),
  ),
  'watch.settings': channel(WatchSettingsView, WatchStatus),
} as const

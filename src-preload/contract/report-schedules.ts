// Scheduled report exports on the wire: a weekly or monthly PDF and/or signed bundle of a scope, written by the
// watch to a folder. The folder is never on the wire: it is the data folder's exports/ unless the person who
// runs Driftwatch set another from the command line or driftwatch.yml (SECURITY.md section 14).
import { z } from 'zod'
import { channel, Empty, Id } from './common'

export const REPORT_CADENCES = ['weekly', 'monthly'] as const
export const SCHEDULED_FORMATS = ['pdf', 'bundle'] as const

const hhmm = z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'Times are written HH:MM, e.g. 06:00')

export const ReportScheduleInput = z
  .object({
    id: z.string().optional(),
    name: z.string().trim().min(1, 'Name is required').max(100, 'Name is longer than 100 characters'),
    cadence: z.enum(REPORT_CADENCES, { error: 'Cadence must be weekly or monthly' }),
    /** Weekly: 0 (Sunday) to 6 (Saturday). Monthly: the day of the month, 1 to 28 (every month has it). */
    day: z.coerce.number({ error: 'Day must be a number' }).int('Day must be a whole number'),
    time: hhmm.default('06:00'),
    formats: z
      .array(z.enum(SCHEDULED_FORMATS, { error: 'Formats are pdf and bundle' }))
      .min(1, 'Choose at least one format')
      .default(['pdf', 'bundle']),
    /** The report's scope: these targets and groups' members (none named: every target). */
    targetIds: z.array(z.string().min(1)).default([]),
    groups: z.array(z.string().trim().min(1).max(64)).default([]),
    paused: z.boolean().default(false),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.cadence === 'weekly' && (s.day < 0 || s.day > 6))
      ctx.addIssue({ code: 'custom', path: ['day'], message: 'A weekly export runs on day 0 (Sunday) to 6' })
    if (s.cadence === 'monthly' && (s.day < 1 || s.day > 28))
      ctx.addIssue({ code: 'custom', path: ['day'], message: 'A monthly export runs on day 1 to 28' })
  })

export const ReportScheduleView = z.object({
  id: z.string(),
  name: z.string(),
  cadence: z.enum(REPORT_CADENCES),
  day: z.number(),
  time: z.string(),
  formats: z.array(z.enum(SCHEDULED_FORMATS)),
  targetIds: z.array(z.string()),
  groups: z.array(z.string()),
  paused: z.boolean(),
  /** Where the files go (shown, never set, from the app). */
  folder: z.string(),
  nextRunAt: z.string(),
  lastRunAt: z.string().nullable(),
  /** The files the last run wrote (names in the folder). */
  lastFiles: z.array(z.string()),
  lastError: z.string(),
})
export type ReportScheduleView = z.output<typeof ReportScheduleView>

export const reportScheduleChannels = {
  'reports.schedules.list': channel(Empty, z.object({ schedules: z.array(ReportScheduleView) })),
  'reports.schedules.save': channel(ReportScheduleInput, ReportScheduleView),
  'reports.schedules.remove': channel(Id.strict(), z.object({ removed: z.literal(true) })),
  /** Runs one export now, whatever its time, and answers once its files are written. */
  'reports.schedules.run': channel(Id.strict(), ReportScheduleView),
} as const

// Scheduled report exports on the wire: a weekly or monthly PDF and/or signed bundle of a scope, written by the
// watch to a folder. The folder is never on the wire: it is the data folder's exports/ unless the person who
// runs Driftwatch set another from the command line or driftwatch.yml (SECURITY.md section 14).
import { z } from 'zod'
import { channel, Empty, Id } from './common'
import { calendarProblems } from '../calendar'

export const REPORT_CADENCES = ['weekly', 'monthly'] as const
export const SCHEDULED_FORMATS = ['pdf', 'bundle'] as const

const hhmm = z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'Times are written HH:MM, e.g. 06:00')

export const ReportScheduleInput = z
  .object({
    id: z.string().optional(),
    name: z.string().trim().min(1, 'Name is required').max(100, 'Name is longer than 100 characters'),
    cadence: z.enum(REPORT_CADENCES, { error: 'Cadence must be weekly or monthly' }),
    /** Weekly: 0 (Sunday) to 6 (Saturday). Monthly: 1 to 31 (a shorter month runs on its last day). */
    day: z.coerce.number({ error: 'Day must be a number' }).int('Day must be a whole number'),
    time: hhmm.default('06:00'),
    /** An IANA zone such as Europe/Paris; '' is the zone of the computer that watches. */
    timeZone: z.string().trim().max(64, 'A time zone name is at most 64 characters').default(''),
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
    // The scan schedules' calendar: the same days, zones and messages.
    const c = { kind: s.cadence, times: [s.time], days: [s.day], timeZone: s.timeZone }
    for (const [field, message] of calendarProblems(c))
      if (field !== 'times')
        ctx.addIssue({ code: 'custom', path: [field === 'days' ? 'day' : field], message })
  })

export const ReportScheduleView = z.object({
  id: z.string(),
  name: z.string(),
  cadence: z.enum(REPORT_CADENCES),
  day: z.number(),
  time: z.string(),
  /** As saved ('' is the computer's zone)… */
  timeZone: z.string(),
  /** …and the zone its time is read in. */
  zone: z.string(),
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

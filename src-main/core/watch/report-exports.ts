// Scheduled report exports: weekly or monthly, the watch renders a report (the same reports.export as the
// Reports page and `driftwatch export`, so one frozen report gives both the PDF and the signed bundle) and
// writes the files to a folder. Time comes through the clock and timers ports, so tests move it. The folder is
// set only by the person running Driftwatch (command line, driftwatch.yml): no API caller names a path.
import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Envelope, ParsedReq, ReportScheduleView, Req, Res } from '../../../src-preload/contract'
import type { Handlers } from '../dispatch'
import type { Clock, Logger, Timers } from '../ports'
import type { ReportScheduleRow, ReportSchedulesRepo } from '../store/report-schedules'
import type { FileStaging } from '../files/staging'
import { saveStaged } from '../files/user-files'
import { AppError, notFound } from '../errors'
import { localText, nextOccurrence, zoneOf } from '../../../src-preload/calendar'

type ScheduleHandlers = Pick<
  Handlers,
  'reports.schedules.list' | 'reports.schedules.save' | 'reports.schedules.remove' | 'reports.schedules.run'
>

export interface ReportExportDeps {
  repo: ReportSchedulesRepo
  clock: Clock
  timers: Timers
  logger: Logger
  dataDir: string
  downloads: FileStaging
  /** The core's dispatcher: exports go through reports.export like any face's (checked and audited). */
  invoke(channel: 'reports.export', req: Req<'reports.export'>): Promise<Envelope<Res<'reports.export'>>>
  /** Whether this process holds the watch (two watching processes never both export). */
  mayRun(): boolean
}

/** Looks at least this often, so an export added by another process is seen. */
const MAX_WAIT_MS = 60 * 60_000

type Timing = Pick<ReportScheduleRow, 'cadence' | 'day' | 'time' | 'timeZone'>
const calendarOf = (s: Timing) => ({
  kind: s.cadence,
  days: [s.day],
  times: [s.time],
  timeZone: s.timeZone ?? '',
})

/** The next time an export is due strictly after `from` (ms): the scan schedules' calendar, in its zone. */
export function nextReportRun(s: Timing, from: number): number {
  return nextOccurrence(calendarOf(s), from)
}

/** YYYY-MM-DD in the export's zone (the day a person there would say the export ran). */
const localDay = (ms: number, s: Timing) => localText(ms, s.timeZone ?? '').slice(0, 10)

export class ReportExports {
  private timer: unknown = null
  private running = false
  private busy: Promise<void> = Promise.resolve()

  constructor(private readonly d: ReportExportDeps) {}

  private now(): number {
    return this.d.clock.now().getTime()
  }
  private folderOf(s: ReportScheduleRow): string {
    return s.folder || join(this.d.dataDir, 'exports')
  }
  view(s: ReportScheduleRow): ReportScheduleView {
    const { folder: _set, ...rest } = s
    const timeZone = s.timeZone ?? ''
    return { ...rest, timeZone, zone: zoneOf(timeZone), folder: this.folderOf(s) }
  }

  readonly handlers: ScheduleHandlers = {
    'reports.schedules.list': () => ({ schedules: this.d.repo.list().map((s) => this.view(s)) }),
    'reports.schedules.save': (req) => this.view(this.save(req)),
    'reports.schedules.remove': ({ id }) => {
      if (!this.d.repo.remove(id, new Date(this.now()).toISOString())) throw notFound('That report export')
      this.arm()
      return { removed: true as const }
    },
    'reports.schedules.run': async ({ id }) => {
      const s = this.d.repo.get(id)
      if (!s) throw notFound('That report export')
      return this.view(await this.exclusive(() => this.run(s, false)))
    },
  }

  /** Adds or changes one; `folder` only from the person running Driftwatch (CLI, config), never the wire. */
  save(req: ParsedReq<'reports.schedules.save'>, folder?: string): ReportScheduleRow {
    const existing = req.id ? this.d.repo.get(req.id) : undefined
    if (req.id && !existing) throw notFound('That report export')
    const clash = this.d.repo
      .list()
      .find((s) => s.name.toLowerCase() === req.name.toLowerCase() && s.id !== req.id)
    if (clash)
      throw new AppError('conflict', `A report export named "${req.name}" exists already`, [
        { path: 'name', message: 'Name already used' },
      ])
    const at = this.now()
    const timing = { cadence: req.cadence, day: req.day, time: req.time, timeZone: req.timeZone }
    const sameTiming =
      existing &&
      existing.cadence === req.cadence &&
      existing.day === req.day &&
      existing.time === req.time &&
      (existing.timeZone ?? '') === req.timeZone
    const row: ReportScheduleRow = {
      id: existing?.id ?? randomUUID(),
      name: req.name,
      ...timing,
      formats: [...new Set(req.formats)],
      targetIds: req.targetIds,
      groups: req.groups,
      paused: req.paused,
      // '' sets it back to the data folder's exports/.
      folder: folder === undefined ? (existing?.folder ?? '') : folder && resolve(folder),
      nextRunAt: sameTiming ? existing.nextRunAt : new Date(nextReportRun(timing, at)).toISOString(),
      lastRunAt: existing?.lastRunAt ?? null,
      lastFiles: existing?.lastFiles ?? [],
      lastError: existing?.lastError ?? '',
    }
    this.d.repo.save(row, new Date(at).toISOString())
    this.arm()
    return row
  }

  start(): void {
    if (this.running) return
    this.running = true
    void this.sweep()
  }
  stop(): void {
    this.running = false
    if (this.timer !== null) this.d.timers.clearTimeout(this.timer)
    this.timer = null
  }
  /** Resolves once no export is being written. */
  idle(): Promise<void> {
    return this.busy
  }

  /** Runs every export that is due (one after another), then sleeps until the next. */
  sweep(): Promise<void> {
    return this.exclusive(async () => {
      if (!this.running || !this.d.mayRun()) return
      const now = new Date(this.now()).toISOString()
      for (const s of this.d.repo.list())
        if (!s.paused && s.nextRunAt <= now) await this.run(s, true).catch(() => undefined)
    }).finally(() => this.arm())
  }

  /** One at a time: a sweep and a "run now" never write the same export twice at once. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.busy.then(fn)
    this.busy = result.then(
      () => undefined,
      () => undefined,
    )
    return result
  }

  private arm(): void {
    if (!this.running) return
    if (this.timer !== null) this.d.timers.clearTimeout(this.timer)
    const next = this.d.repo
      .list()
      .filter((s) => !s.paused)
      .map((s) => Date.parse(s.nextRunAt))
      .sort((a, b) => a - b)[0]
    const wait = next === undefined ? MAX_WAIT_MS : Math.min(MAX_WAIT_MS, Math.max(1000, next - this.now()))
    this.timer = this.d.timers.setTimeout(() => {
      this.timer = null
      void this.sweep()
    }, wait)
  }

  /** Writes one export's files; a format that fails (a locked vault for the bundle) is reported, not fatal. */
  private async run(s: ReportScheduleRow, scheduled: boolean): Promise<ReportScheduleRow> {
    const folder = this.folderOf(s)
    const files: string[] = []
    const errors: string[] = []
    let reportId: string | undefined
    const day = localDay(this.now(), s)
    try {
      mkdirSync(folder, { recursive: true, mode: 0o700 })
      for (const format of s.formats) {
        const env = await this.d.invoke('reports.export', {
          format,
          ...(reportId
            ? { reportId }
            : {
                scope: {
                  targetIds: s.targetIds,
                  groups: s.groups,
                  includeDrift: true,
                  engagement: { name: s.name, auditor: '', organisation: '', notes: '' },
                },
              }),
        })
        if (!env.ok) {
          errors.push(`${format}: ${env.error.message}`)
          continue
        }
        reportId = env.data.reportId
        // Prefixed with the day it ran: unchanged data gives the same report id, and last week's file stays.
        const name = `${day}-${env.data.fileName}`
        await saveStaged(this.d.downloads, env.data.download, join(folder, name))
        files.push(name)
      }
    } catch (err) {
      errors.push((err as Error).message ?? String(err))
    }
    const now = this.now()
    const row: ReportScheduleRow = {
      ...(this.d.repo.get(s.id) ?? s),
      lastRunAt: new Date(now).toISOString(),
      lastFiles: files,
      lastError: errors.join('; '),
      // A run by hand leaves the schedule's own next time alone.
      ...(scheduled && { nextRunAt: new Date(nextReportRun(s, now)).toISOString() }),
    }
    this.d.repo.save(row, row.lastRunAt!)
    this.d.logger.log(errors.length ? 'warn' : 'info', 'report exported', {
      export: s.name,
      folder,
      files,
      ...(errors.length && { error: row.lastError }),
    })
    return row
  }
}

// `driftwatch schedules list|add|edit|remove|run`: the Watch page's schedules from a terminal — scan schedules
// (every N minutes, or daily, weekly or monthly at times in a time zone, for a target or a group) and weekly/monthly report exports (PDF and
// signed bundle written to a folder). The same channels as the page; only the folder is set here alone.
import {
  ReportScheduleInput,
  type Req,
  type ReportScheduleView,
  type ScheduleView,
} from '../../src-preload/contract'
import { when } from '../../src-preload/dates'
import { describeCalendar, parseWeekday, weekdayProblem } from '../../src-preload/calendar'
import { call, CliError, EXIT, type Command, type RunContext } from './common'
import { listOf, notFoundError, print, targetId, targetNames } from './lookup'
import { AppError } from '../core/errors'
import { envVaultPassphrase, PASSPHRASE_ENV } from './prompt'

const HELP = `Usage:
  driftwatch schedules list [--json]
  driftwatch schedules add --target NAME|--group NAME (--every MINUTES | --daily HH:MM[,HH:MM...]
                           | --weekly HH:MM[,...] --days mon[,thu...] | --monthly HH:MM[,...] --days 1[,15...])
                           [--timezone ZONE] [--priority] [--jitter SECONDS]
                           [--content SHA256 --profile ID | --tailoring ID] [--paused] [--json]
  driftwatch schedules add --report weekly|monthly --name NAME --day DAY [--at HH:MM] [--timezone ZONE]
                           [--format pdf,bundle] [--folder DIR] [--target NAME ...] [--group NAME ...]
                           [--paused] [--json]
  driftwatch schedules edit ID [the same options: only those given change] [--json]
  driftwatch schedules remove ID [--json]
  driftwatch schedules run [ID] [--json]

Scan schedules scan a target, or every target of a group, with the policy named (content and profile, or a
tailoring) or, naming none, each target's assigned policy. --every: an interval in minutes; --daily, --weekly,
--monthly: times of day, on the --days given (weekly mon..sun or 0..6; monthly 1..31, a shorter month running
on its last day), in --timezone (an IANA name such as Europe/Paris; default this computer's zone, "" resets
it). Across a daylight saving change a time runs once: a skipped time at the end of the gap (02:30 → 03:00),
a repeated one at its first. --priority schedules run more often (settings: priorityFactor) and first.

Report exports (--report) render the report of the scope (every target when no --target/--group) weekly
(--day sun..sat or 0..6) or monthly (--day 1..31) at --at (default 06:00) in --timezone, as a PDF and/or a
signed evidence bundle, into --folder (default: the data folder's exports/). The watch writes them
("driftwatch watch"); a bundle is signed with the vault's key, so the watch needs the vault unlocked.

run       runs a schedule's scans (or a report export) now; with no ID every scan schedule. When no process
          watches this data folder, the scans run in this command, which waits for them. Targets with a
          credential, and bundles, need the vault: set $${PASSPHRASE_ENV} to open it.
Exit codes: 0 done · 1 error (not found, invalid, a scan or export failed) · 64 wrong usage`

const options: Command['options'] = {
  target: { type: 'string', multiple: true },
  group: { type: 'string', multiple: true },
  every: { type: 'string' },
  daily: { type: 'string' },
  weekly: { type: 'string' },
  monthly: { type: 'string' },
  days: { type: 'string' },
  timezone: { type: 'string' },
  priority: { type: 'boolean' },
  jitter: { type: 'string' },
  content: { type: 'string' },
  profile: { type: 'string' },
  tailoring: { type: 'string' },
  paused: { type: 'boolean' },
  active: { type: 'boolean' },
  report: { type: 'string' },
  name: { type: 'string' },
  day: { type: 'string' },
  at: { type: 'string' },
  format: { type: 'string' },
  folder: { type: 'string' },
}

const flagOf = (path: string) =>
  ({
    targetId: '--target',
    group: '--group',
    intervalMinutes: '--every',
    dailyTimes: '--daily/--weekly/--monthly',
    days: '--days',
    timeZone: '--timezone',
    jitterSeconds: '--jitter',
    sha256: '--content',
    profileId: '--profile',
    tailoringId: '--tailoring',
    day: '--day',
    time: '--at',
    formats: '--format',
    cadence: '--report',
  })[path.split('.')[0] ?? ''] ?? path

function whenText(s: ScheduleView): string {
  return s.kind === 'interval'
    ? `every ${s.intervalMinutes} min`
    : describeCalendar({ kind: s.kind, times: s.dailyTimes, days: s.days, timeZone: s.timeZone })
}
function reportWhen(r: ReportScheduleView): string {
  return describeCalendar({ kind: r.cadence, times: [r.time], days: [r.day], timeZone: r.timeZone })
}
/** A next run read in the schedule's own zone, named: "9 Mar 2026, 02:00 CET (Europe/Paris)". */
const nextText = (iso: string, zone: string) => `next ${when(iso, { timeZone: zone })} (${zone})`

async function list(ctx: RunContext): Promise<number> {
  const status = await call(ctx.core, 'watch.status', {})
  const { schedules: reports } = await call(ctx.core, 'reports.schedules.list', {})
  const names = await targetNames(ctx.core)
  const schedules = status.schedules.map((s) => ({
    ...s,
    runs: status.runs.filter((r) => r.scheduleId === s.id),
  }))
  print(ctx, { schedules, reports }, () => {
    const lines = schedules.map((s) => {
      const next = s.runs.map((r) => r.nextRunAt).sort()[0]
      const scope = s.targetId ? (names.get(s.targetId) ?? s.targetId) : `group ${s.group}`
      const zone = s.zone || 'UTC'
      // No run yet: the watch scans once when it first sees the schedule, then keeps to the calendar.
      const upcoming = next
        ? nextText(next, zone)
        : `first scan when the watch starts${s.nextSlotAt ? `, then ${nextText(s.nextSlotAt, zone).slice(5)}` : ''}`
      return `${s.id}  scan    ${scope.padEnd(20)} ${whenText(s).padEnd(26)} ${s.paused ? 'paused' : upcoming}`
    })
    for (const r of reports)
      lines.push(
        `${r.id}  report  ${r.name.padEnd(20)} ${reportWhen(r).padEnd(26)} ${r.paused ? 'paused' : nextText(r.nextRunAt, r.zone)} → ${r.folder} (${r.formats.join(', ')})`,
      )
    return lines.length ? lines.join('\n') + '\n' : 'No schedules yet.\n'
  })
  return EXIT.ok
}

function dayOf(cadence: string, v: unknown): number | undefined {
  if (v === undefined) return undefined
  const s = String(v).toLowerCase()
  const named = parseWeekday(s)
  if (cadence === 'weekly' && named !== undefined && /^[a-z]+$/.test(s)) return named
  const n = Number(s)
  if (!Number.isInteger(n))
    throw CliError.usage(`--day must be ${cadence === 'weekly' ? 'sun..sat or 0..6' : '1..31'}, not "${s}"`)
  return n
}

/** --days: weekday names or numbers for weekly, numbers for monthly; a typo is named, like the file's. */
function daysOf(list: string[], kind: string | undefined): number[] {
  return list.map((d) => {
    if (kind === 'weekly') {
      const n = parseWeekday(d)
      if (n === undefined) throw invalid('--days', weekdayProblem(d))
      return n
    }
    const n = Number(d)
    if (!/^\d+$/.test(d.trim())) throw invalid('--days', `Days of the month are 1 to 31, not "${d}"`)
    return n
  })
}
function invalid(flag: string, text: string): CliError {
  const message = `invalid input:\n  ${flag}: ${text}`
  return new CliError(message, { code: 'validation', message, issues: [{ path: flag, message: text }] })
}

async function saveReport(ctx: RunContext, existing?: ReportScheduleView): Promise<number> {
  const v = ctx.values
  const cadence = String(v.report ?? existing?.cadence ?? '')
  if (cadence !== 'weekly' && cadence !== 'monthly')
    throw CliError.usage(`--report must be weekly or monthly, not "${cadence}"`)
  const targets = listOf(v.target)
  const req: Req<'reports.schedules.save'> = {
    ...(existing && { id: existing.id }),
    name: String(v.name ?? existing?.name ?? ''),
    cadence,
    day: dayOf(cadence, v.day) ?? existing?.day ?? Number.NaN,
    time: v.at === undefined ? (existing?.time ?? '06:00') : String(v.at),
    timeZone: v.timezone === undefined ? (existing?.timeZone ?? '') : String(v.timezone),
    formats: (v.format === undefined ? (existing?.formats ?? ['pdf', 'bundle']) : listOf(v.format)) as (
      'pdf' | 'bundle'
    )[],
    targetIds: v.target === undefined ? (existing?.targetIds ?? []) : [],
    groups: v.group === undefined ? (existing?.groups ?? []) : listOf(v.group),
    paused: v.paused === true ? true : v.active === true ? false : (existing?.paused ?? false),
  }
  for (const t of targets) req.targetIds!.push(await targetId(ctx.core, t))
  // Checked by the channel's own schema, then saved with the folder only this face may set.
  const parsed = ReportScheduleInput.safeParse(req)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
    const message = `invalid input:\n${issues.map((i) => `  ${flagOf(i.path)}: ${i.message}`).join('\n')}`
    throw new CliError(message, { code: 'validation', message, issues })
  }
  let saved: ReportScheduleView
  try {
    const folder = v.folder === undefined ? undefined : String(v.folder)
    saved = ctx.core.reportExports.view(ctx.core.reportExports.save(parsed.data, folder))
  } catch (err) {
    if (err instanceof AppError) throw new CliError(err.message, err.toApi())
    throw err
  }
  print(
    ctx,
    saved,
    () =>
      `${existing ? 'Changed' : 'Added'} report export ${saved.id}: ${reportWhen(saved)} → ${saved.folder}\n`,
  )
  return EXIT.ok
}

async function saveScan(ctx: RunContext, existing?: ScheduleView): Promise<number> {
  const v = ctx.values
  const targets = listOf(v.target)
  const groups = listOf(v.group)
  if (targets.length + groups.length > 1)
    throw CliError.usage('a scan schedule covers one target or one group: give one --target or one --group')
  const cadences = (['every', 'daily', 'weekly', 'monthly'] as const).filter((k) => v[k] !== undefined)
  if (cadences.length > 1)
    throw CliError.usage(
      `give one of --every, --daily, --weekly or --monthly, not ${cadences.map((k) => `--${k}`).join(' and ')}`,
    )
  const cadence = cadences[0]
  const tid = targets[0] ? await targetId(ctx.core, targets[0]) : undefined
  const scope =
    tid || groups[0]
      ? { targetId: tid ?? null, group: groups[0] ?? null }
      : { targetId: existing?.targetId ?? null, group: existing?.group ?? null }
  const req: Req<'watch.schedules.save'> = {
    ...(existing && { id: existing.id }),
    ...scope,
    kind: cadence === 'every' ? 'interval' : (cadence ?? existing?.kind ?? 'interval'),
    intervalMinutes:
      v.every === undefined ? (existing?.intervalMinutes ?? 60) : (v.every as unknown as number),
    dailyTimes: cadence && cadence !== 'every' ? listOf(v[cadence]) : (existing?.dailyTimes ?? []),
    days: v.days === undefined ? (existing?.days ?? []) : daysOf(listOf(v.days), cadence ?? existing?.kind),
    timeZone: v.timezone === undefined ? (existing?.timeZone ?? '') : String(v.timezone),
    priority: v.priority === true || (existing?.priority ?? false),
    jitterSeconds: v.jitter === undefined ? (existing?.jitterSeconds ?? 0) : (v.jitter as unknown as number),
    paused: v.paused === true ? true : v.active === true ? false : (existing?.paused ?? false),
  }
  const sha256 = v.content === undefined ? existing?.sha256 : String(v.content)
  const profileId = v.profile === undefined ? existing?.profileId : String(v.profile)
  const tailoringId = v.tailoring === undefined ? existing?.tailoringId : String(v.tailoring)
  if (sha256) req.sha256 = sha256
  if (profileId) req.profileId = profileId
  if (tailoringId) req.tailoringId = tailoringId
  const saved = await call(ctx.core, 'watch.schedules.save', req, flagOf)
  print(ctx, saved, () => `${existing ? 'Changed' : 'Added'} schedule ${saved.id}: ${whenText(saved)}\n`)
  return EXIT.ok
}

async function find(ctx: RunContext, id: string | undefined) {
  if (!id) throw CliError.usage('name the schedule: its ID from "driftwatch schedules list"')
  const status = await call(ctx.core, 'watch.status', {})
  const scan = status.schedules.find((s) => s.id === id)
  const report = scan
    ? undefined
    : (await call(ctx.core, 'reports.schedules.list', {})).schedules.find((r) => r.id === id)
  if (!scan && !report) throw notFoundError(`no schedule with the id "${id}"`)
  return { scan, report }
}

async function run(ctx: RunContext, id: string | undefined): Promise<number> {
  // Scans with credentials and signed bundles need the vault: opened when its passphrase is in the environment.
  const pass = envVaultPassphrase()
  if (pass && (await call(ctx.core, 'vault.status', {})).state === 'locked')
    await call(ctx.core, 'vault.unlock', { passphrase: pass })
  if (id) {
    const { report } = await find(ctx, id)
    if (report) {
      const r = await call(ctx.core, 'reports.schedules.run', { id })
      print(
        ctx,
        r,
        () =>
          [
            ...r.lastFiles.map((f) => `Wrote ${r.folder}/${f}`),
            ...(r.lastError ? [`Failed: ${r.lastError}`] : []),
          ].join('\n') + '\n',
      )
      return r.lastError ? EXIT.error : EXIT.ok
    }
  }
  const finished: { scanId: string; targetId: string; state: string; error: string }[] = []
  const off = ctx.core.subscribe((name, p) => {
    if (name === 'scan.finished') finished.push(p as (typeof finished)[number])
  })
  try {
    const res = await call(ctx.core, 'watch.runNow', id ? { scheduleId: id } : {})
    // Scanned in this process: wait for them (and for scans started as others end).
    if (res.ranBy === 'here') await ctx.core.idle()
    const failed = finished.filter((f) => f.state !== 'done')
    print(
      ctx,
      { ranBy: res.ranBy, started: res.started, skipped: res.skipped, finished },
      () =>
        [
          res.ranBy === 'here'
            ? `Scanned ${res.started.map((s) => s.name).join(', ') || 'nothing'}`
            : `The watching process (${res.ranBy === 'watch' ? 'this one' : status(res.elsewhere)}) starts them now`,
          ...res.skipped.map((s) => `Skipped ${s.name}: ${s.reason}`),
          ...finished.map((f) => `${f.scanId}  ${f.state}${f.error ? `: ${f.error}` : ''}`),
        ].join('\n') + '\n',
    )
    return failed.length ? EXIT.error : EXIT.ok
  } finally {
    off()
  }
}
const status = (elsewhere: string) => elsewhere || 'another process'

export const schedulesCommand: Command = {
  name: 'schedules',
  usage: 'schedules list|add|edit|remove|run',
  summary: 'scan schedules and weekly/monthly report exports',
  help: HELP,
  options,
  async run(ctx) {
    const [verb, id, ...extra] = ctx.positionals
    if (extra.length) throw CliError.usage(`unexpected "${extra.join(' ')}"`)
    if (verb === 'list') return list(ctx)
    if (verb === 'add') {
      if (id) throw CliError.usage(`"schedules add" takes options only, not "${id}"`)
      return ctx.values.report !== undefined ? saveReport(ctx) : saveScan(ctx)
    }
    if (verb === 'edit') {
      const { scan, report } = await find(ctx, id)
      return report ? saveReport(ctx, report) : saveScan(ctx, scan)
    }
    if (verb === 'remove') {
      const { report } = await find(ctx, id)
      const res = report
        ? await call(ctx.core, 'reports.schedules.remove', { id: id! })
        : await call(ctx.core, 'watch.schedules.remove', { id: id! })
      print(ctx, res, () => `Removed schedule ${id}\n`)
      return EXIT.ok
    }
    if (verb === 'run') return run(ctx, id)
    throw CliError.usage('use "schedules list", "add", "edit ID", "remove ID" or "run [ID]"')
  },
}

// The reports section of a driftwatch.yml: weekly or monthly report exports (PDF and/or signed bundle) written to
// a folder, with the same fields as `driftwatch schedules add --report`. The folder is set here because a file
// the CLI applies counts as the command line (SECURITY.md section 14); an export that could never fire is refused.
import { isAbsolute, resolve } from 'node:path'
import { REPORT_CADENCES, ReportScheduleInput } from '../../../src-preload/contract/report-schedules'
import { parseWeekday, weekdayProblem } from '../../../src-preload/calendar'
import type { DesiredReport } from './model'
import { joinPath } from './source'
import type { Walk } from './walk'

export const REPORT_KEYS = [
  'name',
  'cadence',
  'day',
  'at',
  'timezone',
  'formats',
  'targets',
  'groups',
  'folder',
  'paused',
] as const

/** The file's keys for the channel schema's fields (its messages are kept, their key is the file's). */
const FILE_KEY: Record<string, string> = { time: 'at', timeZone: 'timezone', targetIds: 'targets' }

function names(w: Walk, path: string, value: unknown, what: string): string[] {
  return w
    .list(path, value, what)
    .map((v, i) => w.text(joinPath(path, i), v, 'Name'))
    .filter((v): v is string => v !== undefined)
}

export function checkReports(w: Walk, value: unknown, baseDir: string): DesiredReport[] {
  const out: DesiredReport[] = []
  w.list('reports', value, 'reports').forEach((item, i) => {
    const path = joinPath('reports', i)
    const o = w.map(path, item, REPORT_KEYS, 'a report export')
    if (!o) return
    const at = (k: string) => joinPath(path, k)
    const cadence = w.text(at('cadence'), o.cadence, 'Cadence (weekly or monthly)')
    if (cadence && !(REPORT_CADENCES as readonly string[]).includes(cadence)) {
      w.issue(at('cadence'), `Cadence must be weekly or monthly, not "${cadence}"`)
      return
    }
    let day: number | undefined
    if (o.day === undefined || o.day === null)
      w.issue(
        at('day'),
        `This report export never fires: give its day (${cadence === 'weekly' ? 'mon to sun' : '1 to 31'})`,
      )
    else if (cadence === 'weekly') {
      day = parseWeekday(o.day)
      if (day === undefined) w.issue(at('day'), `This report export never fires: ${weekdayProblem(o.day)}`)
    } else if (typeof o.day === 'number') day = o.day
    else
      w.issue(
        at('day'),
        `This report export never fires: days of the month are 1 to 31, not "${String(o.day)}"`,
      )
    const formats =
      o.formats === undefined ? undefined : typeof o.formats === 'string' ? [o.formats] : o.formats
    if (Array.isArray(formats) && formats.length === 0)
      w.issue(at('formats'), 'This report export writes nothing: give pdf, bundle or both')
    const folderText = w.text(at('folder'), o.folder, 'Folder', { optional: true })
    const input = {
      name: w.text(at('name'), o.name, 'Name'),
      cadence,
      day,
      time: o.at === undefined ? undefined : w.text(at('at'), o.at, 'Time (HH:MM)'),
      timeZone: o.timezone === undefined ? undefined : w.text(at('timezone'), o.timezone, 'Time zone'),
      formats,
      groups: names(w, at('groups'), o.groups, 'groups'),
      paused: w.bool(at('paused'), o.paused, 'Paused', false),
    }
    const targets = names(w, at('targets'), o.targets, 'targets')
    if (!input.name || !cadence || day === undefined || (Array.isArray(formats) && !formats.length)) return
    const r = ReportScheduleInput.safeParse(input)
    if (!r.success) {
      for (const issue of r.error.issues) {
        const k = String(issue.path[0] ?? '')
        const message =
          k === 'day' || k === 'timeZone' ? `This report export never fires: ${issue.message}` : issue.message
        const sub = issue.path[1]
        const key = at(FILE_KEY[k] ?? k)
        w.issue(typeof sub === 'number' ? joinPath(key, sub) : key, message)
      }
      return
    }
    out.push({
      path,
      name: r.data.name,
      cadence: r.data.cadence,
      day: r.data.day,
      time: r.data.time.padStart(5, '0'),
      timeZone: r.data.timeZone,
      formats: [...new Set(r.data.formats)],
      targets,
      groups: r.data.groups,
      paused: r.data.paused,
      ...(folderText && { folder: isAbsolute(folderText) ? folderText : resolve(baseDir, folderText) }),
    })
  })
  return out
}

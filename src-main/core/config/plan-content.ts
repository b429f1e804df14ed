// The plan's content and report exports. Content: each datastream the file names is read (the same reader and
// size limit as `content import`), checked against its pin, and — when not imported yet — parsed now, before
// the transaction, with the import's own code (DTDs and entities refused, limits); the step then only stores it.
// Report exports: compared by name, their folder checked (it exists and can be written in) before anything runs.
import { randomBytes } from 'node:crypto'
import { closeSync, openSync, statSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '../errors'
import { readUserFile } from '../files/read-user-file'
import { MAX_UPLOAD_BYTES } from '../files/staging'
import { prepareDatastream, sha256Of } from '../content/prepare'
import { ReportScheduleInput } from '../../../src-preload/contract/report-schedules'
import { describeCalendar } from '../../../src-preload/calendar'
import type { DesiredReport } from './model'
import { lower, type PlanContext, type PlanStep } from './plan'
import { ConfigError, joinPath } from './source'

type Maybe = PlanStep | undefined
const short = (sha: string) => `${sha.slice(0, 12)}…`

export async function planContent(ctx: PlanContext): Promise<Maybe[]> {
  const out: Maybe[] = []
  for (const c of ctx.desired.content) {
    const fp = joinPath(c.path, 'file')
    let bytes: Buffer
    try {
      bytes = (await readUserFile(c.abs, { maxBytes: MAX_UPLOAD_BYTES })).bytes
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      ctx.issue(fp, err.message.replace(c.abs, c.file))
      continue
    }
    const sha256 = sha256Of(bytes)
    if (c.sha256 && c.sha256 !== sha256) {
      ctx.issue(
        joinPath(c.path, 'sha256'),
        `${c.file} has SHA-256 ${sha256}, not the pinned ${c.sha256}: the file changed, or the pin is wrong`,
      )
      continue
    }
    ctx.contentSha.set(lower(c.name), sha256)
    const have = ctx.current.contentList.find((x) => x.sha256 === sha256)
    if (have) {
      ctx.keep({ type: 'content', name: c.name, detail: `${c.file}, sha256 ${short(sha256)}, imported` })
      out.push(undefined)
      continue
    }
    let prepared: Awaited<ReturnType<typeof prepareDatastream>>
    try {
      prepared = await prepareDatastream(bytes)
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      ctx.issue(fp, `${c.file} is not a SCAP datastream Driftwatch can import: ${err.message}`)
      continue
    }
    const profiles = prepared.parsed.benchmarks.reduce((n, b) => n + b.profiles.length, 0)
    out.push({
      action: 'add',
      type: 'content',
      name: c.name,
      detail: `${c.file}, sha256 ${short(sha256)}, ${profiles} profile${profiles === 1 ? '' : 's'}`,
      path: c.path,
      async run() {
        // Through content.import like any face's import (audited); the bytes it stores are the ones hashed here.
        const uploadId = ctx.core.uploads.put({
          fileName: c.abs.split('/').pop()!,
          mediaType: 'application/xml',
          bytes,
          origin: c.abs,
          prepared,
        })
        await ctx.call('content.import', { uploadId }, c.path)
      },
    })
  }
  return out
}

/** Why report files could not be written in `folder`, or undefined when they can (a file is made and removed). */
function folderProblem(folder: string): string | undefined {
  try {
    if (!statSync(folder).isDirectory()) return `${folder} is not a folder`
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return code === 'ENOENT'
      ? `The folder ${folder} does not exist: create it first`
      : `Cannot use the folder ${folder}: ${code ?? String(err)}`
  }
  const probe = join(folder, `.driftwatch-write-test-${randomBytes(6).toString('hex')}`)
  try {
    closeSync(openSync(probe, 'wx', 0o600))
    unlinkSync(probe)
    return undefined
  } catch (err) {
    return `Cannot write in the folder ${folder}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`
  }
}

const when = (r: Pick<DesiredReport, 'cadence' | 'day' | 'time' | 'timeZone'>) =>
  describeCalendar({ kind: r.cadence, times: [r.time], days: [r.day], timeZone: r.timeZone })

export function planReports(ctx: PlanContext, removals: Maybe[]): Maybe[] {
  const { desired, current, core } = ctx
  const out: Maybe[] = []
  const targetNames = new Set([...current.targets, ...desired.targets].map((t) => lower(t.name)))
  const nameOf = new Map(current.targets.map((t) => [t.id, t.name]))
  const defaultFolder = join(core.dataDir, 'exports')
  for (const r of desired.reports) {
    r.targets.forEach((t, i) => {
      if (!targetNames.has(lower(t)))
        ctx.issue(
          joinPath(joinPath(r.path, 'targets'), i),
          `No target named "${t}" in the store or in targets`,
        )
    })
    if (r.folder) {
      const problem = folderProblem(r.folder)
      if (problem) ctx.issue(joinPath(r.path, 'folder'), problem)
    }
    const folder = r.folder ?? defaultFolder
    const have = current.reports.find((x) => lower(x.name) === lower(r.name))
    const changed: string[] = []
    if (have) {
      if (when(have) !== when(r)) changed.push('when')
      if ([...have.formats].sort().join() !== [...r.formats].sort().join()) changed.push('formats')
      const haveTargets = have.targetIds.map((id) => lower(nameOf.get(id) ?? id)).sort()
      if (haveTargets.join() !== r.targets.map(lower).sort().join()) changed.push('targets')
      if (have.groups.map(lower).sort().join() !== r.groups.map(lower).sort().join()) changed.push('groups')
      if (have.paused !== r.paused) changed.push('paused')
      if (have.folder !== folder) changed.push('folder')
      if (!changed.length) {
        out.push(undefined)
        continue
      }
    }
    out.push({
      action: have ? 'change' : 'add',
      type: 'report export',
      name: r.name,
      detail: have ? changed.join(', ') : `${when(r)}, ${r.formats.join(' and ')} → ${folder}`,
      path: r.path,
      async run(ids) {
        const req = ReportScheduleInput.parse({
          ...(have && { id: have.id }),
          name: r.name,
          cadence: r.cadence,
          day: r.day,
          time: r.time,
          timeZone: r.timeZone,
          formats: r.formats,
          targetIds: r.targets.map((t) => ids.targets.get(lower(t))!).filter(Boolean),
          groups: r.groups,
          paused: r.paused,
        })
        // The folder only this face may set (a file the CLI applies is the command line): '' is exports/.
        try {
          core.reportExports.save(req, r.folder ?? '')
        } catch (err) {
          if (!(err instanceof AppError)) throw err
          throw new ConfigError(desired.file, [
            { line: ctx.lineOf(r.path), key: r.path, message: err.message },
          ])
        }
      },
    })
  }
  if (desired.sectionsGiven.has('reports'))
    for (const have of current.reports)
      if (!desired.reports.some((r) => lower(r.name) === lower(have.name)))
        removals.push({
          action: 'remove',
          type: 'report export',
          name: have.name,
          detail: when(have),
          path: 'reports',
          run: async () => void (await ctx.call('reports.schedules.remove', { id: have.id }, 'reports')),
        })
  return out
}

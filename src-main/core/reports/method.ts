// The report's Method: what was assessed and under which policy — content, benchmark and version, profile,
// the tailoring actually applied (its name, the SHA-256 of the file oscap ran and its changes against the
// profile), a database rule pack's variables, and how the scans were started.
import { triggerWords } from '../../../src-preload/labels'
import { createHash } from 'node:crypto'
import type { ReportModel } from '../../../src-preload/contract'
import type { ContentRepo } from '../store/content'
import type { ReportsRepo } from '../store/reports'
import type { ScanRow } from '../store/scans'
import type { Kinds } from '../scanners/registry'
import { readTailoring } from '../scap/tailoring'
import { tailoringXml } from '../scap/tailoring-groups'
import type { Benchmark, Tailoring } from '../scap/types'
import type { RuleSource } from './rule-text'

type Method = ReportModel['method'][number]
type Evidence = ReportModel['evidence'][number]

export interface MethodDeps {
  kinds: Kinds
  content: ContentRepo
  reports: ReportsRepo
}

/** Where a tailoring file sits in the evidence bundle. */
export const tailoringPath = (sha: string) => `tailoring/${sha}.xml`

/** Each change a tailoring makes to the profile it extends, in words; parent groups it selects only so rules run are left out. */
export function tailoringChanges(t: Tailoring, bench: Benchmark | undefined): string[] {
  const profile = bench?.profiles.find((p) => p.id === t.extends)
  const selected = new Set(profile?.selected ?? [])
  const rules = new Map((bench?.rules ?? []).map((r) => [r.id, r.title]))
  const named = (id: string) => (rules.get(id) ? `${id} (${rules.get(id)})` : id)
  const out: string[] = []
  for (const [id, on] of Object.entries(t.selects).sort(([a], [b]) => a.localeCompare(b))) {
    if (bench && !rules.has(id)) continue
    if (on !== selected.has(id)) out.push(`${on ? 'Select' : 'Unselect'} rule ${named(id)}`)
  }
  for (const [id, v] of Object.entries(t.setValues).sort(([a], [b]) => a.localeCompare(b)))
    if (profile?.setValues?.[id] !== v) out.push(`Set ${id} = ${v}`)
  for (const [id, sel] of Object.entries(t.refineValues).sort(([a], [b]) => a.localeCompare(b)))
    if (profile?.refineValues[id] !== sel) out.push(`Set ${id} to its "${sel}" option`)
  for (const [id, sev] of Object.entries(t.refineRules).sort(([a], [b]) => a.localeCompare(b)))
    out.push(`Severity of ${named(id)} set to ${sev}`)
  return out
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')

/**
 * The tailoring a scan ran with. Scans keep the exact file (as evidence, its hash in the scan's info); a scan
 * from before that is described by the tailoring as saved now, and the report says so.
 */
function tailoringOf(
  deps: MethodDeps,
  s: ScanRow,
): {
  tailoring: NonNullable<Method['tailoring']>
  bytes: number
  mediaType: string
  kept: boolean
  note: string
} | null {
  if (!s.tailoringId && !s.info.tailoringSha256) return null
  const bench = deps.content.benchmark(s.info.content ?? '')
  const kept = s.info.tailoringSha256 ? deps.reports.evidenceBytes(s.info.tailoringSha256) : undefined
  let xml: string
  let note = ''
  if (kept) xml = kept.toString('utf8')
  else {
    const row = deps.content.tailoring(s.tailoringId ?? '')
    if (!row) return null
    xml = tailoringXml(row.tailoring, bench)
    note =
      'the tailoring file this scan ran was not kept with it (scanned before Driftwatch kept them): its name, hash and changes are of the tailoring as saved now, and the bundle cannot hold the file'
  }
  const t = readTailoring(xml)
  const sha = kept ? s.info.tailoringSha256! : sha256(xml)
  const name = s.info.tailoring || deps.content.tailoring(s.tailoringId ?? '')?.name || t.profileTitle
  return {
    tailoring: {
      id: s.tailoringId ?? '',
      name,
      profileId: t.profileId,
      sha256: sha,
      path: kept ? tailoringPath(sha) : '',
      changes: tailoringChanges(t, bench),
    },
    bytes: Buffer.byteLength(xml),
    mediaType: 'application/xml+xccdf-tailoring',
    kept: !!kept,
    note,
  }
}

/** A database scan's variables, from the evidence it kept (the rule pack's values as the scan used them). */
function variablesOf(deps: MethodDeps, s: ScanRow): Method['variables'] {
  if (!s.evidence || s.info.content) return []
  const meta = deps.reports.evidenceMeta([s.evidence])[0]
  if (!meta || !meta.mediaType.includes('json') || meta.bytes > 64 * 1024 * 1024) return []
  try {
    const doc = JSON.parse(deps.reports.evidenceBytes(s.evidence)?.toString('utf8') ?? '{}') as {
      variables?: Record<string, unknown>
    }
    return Object.entries(doc.variables ?? {})
      .map(([name, value]) => ({ name, value: String(value) }))
      .sort((a, b) => a.name.localeCompare(b.name))
  } catch {
    return []
  }
}

/** One Method line per tool, profile, content and tailoring; and the tailoring files the bundle must carry. */
export function buildMethod(
  deps: MethodDeps,
  scans: ScanRow[],
  targetOf: (id: string) => { kind: string; name: string } | undefined,
  textOf: (s: ScanRow) => RuleSource,
): { method: Method[]; tailorings: Evidence[]; tailoringOf: Map<string, string> } {
  const method = new Map<string, Method>()
  const files = new Map<string, Evidence>()
  const byScan = new Map<string, string>()
  for (const s of scans) {
    const sha = s.info.content ?? ''
    const target = targetOf(s.targetId)
    const kind = target?.kind ?? ''
    const tool = deps.kinds.get(kind)?.report.method ?? `Driftwatch ${kind} scanner`
    const t = tailoringOf(deps, s)
    const variables = variablesOf(deps, s)
    const key = `${tool}|${s.profileId}|${sha}|${t?.tailoring.sha256 ?? ''}|${JSON.stringify(variables)}`
    const bench = sha ? deps.content.benchmark(sha) : undefined
    const m = method.get(key) ?? {
      tool,
      profileId: s.profileId,
      profileTitle: bench?.profiles.find((p) => p.id === s.profileId)?.title ?? s.info.packTitle ?? '',
      contentSha256: sha,
      benchmark: textOf(s).benchmark,
      tailoring: t?.tailoring ?? null,
      variables,
      triggers: [],
      scanIds: [],
      warnings: [],
    }
    if (!m.triggers.includes(s.trigger)) m.triggers.push(s.trigger)
    m.scanIds.push(s.id)
    const name = target?.name ?? s.targetId
    // A privileged scan account is part of how the evidence was gathered, so the report says so.
    for (const w of [s.info.privilegeWarning, t?.note])
      if (w && !m.warnings.includes(`${name}: ${w}`)) m.warnings.push(`${name}: ${w}`)
    method.set(key, m)
    if (t?.kept) {
      byScan.set(s.id, t.tailoring.sha256)
      const f = files.get(t.tailoring.sha256) ?? {
        sha256: t.tailoring.sha256,
        mediaType: t.mediaType,
        bytes: t.bytes,
        path: t.tailoring.path,
        scanIds: [],
      }
      f.scanIds.push(s.id)
      files.set(t.tailoring.sha256, f)
    }
  }
  for (const m of method.values()) m.triggers.sort()
  return {
    method: [...method.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, m]) => m),
    tailorings: [...files.values()].sort((a, b) => a.sha256.localeCompare(b.sha256)),
    tailoringOf: byScan,
  }
}

/** A Method line in words, for formats that carry text: benchmark, profile, tailoring with its hash and changes, pack variables, triggers. */
export function methodText(m: Method): string {
  return [
    `${m.tool}: ${m.benchmark || 'no benchmark recorded'}`,
    `profile ${m.profileTitle ? `${m.profileTitle} (${m.profileId})` : m.profileId}`,
    m.contentSha256 && `content SHA-256 ${m.contentSha256}`,
    m.tailoring
      ? `tailoring "${m.tailoring.name}" (${m.tailoring.profileId}, SHA-256 ${m.tailoring.sha256}), ${m.tailoring.changes.length} change${m.tailoring.changes.length === 1 ? '' : 's'} to the profile: ${m.tailoring.changes.join('; ') || 'none'}`
      : 'no tailoring',
    m.variables.length && `variables ${m.variables.map((v) => `${v.name}=${v.value}`).join(', ')}`,
    `started ${m.triggers.map(triggerWords).join(' and ')}`,
  ]
    .filter(Boolean)
    .join('; ')
}

/** The Method line that covers a scan. */
export const methodOfScan = (model: ReportModel, scanId: string): Method | undefined =>
  model.method.find((m) => m.scanIds.includes(scanId))

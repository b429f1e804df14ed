// Builds the report model from the store: the targets a scope names, their finished scans in the window,
// each target's latest results with remediation from the benchmark, drift, and the evidence list.
// Everything is sorted and every id derived from content, so the same scope always gives the same model.
import { createHash } from 'node:crypto'
import type { ContentRepo } from '../store/content'
import type { ReportsRepo } from '../store/reports'
import type { ScansRepo, ScanRow } from '../store/scans'
import type { Kinds } from '../scanners/registry'
import type { TargetsRepo } from '../store/targets'
import type { ReportModel, ReportScope, Target } from '../../../src-preload/contract'
import { ReportScope as ScopeSchema } from '../../../src-preload/contract'
import { AppError } from '../errors'
import type { RulePacks } from '../rules/registry'
import { ruleTextOf, ruleTexts } from './rule-text'
import { evidenceText } from '../model/evidence'
import { buildMethod } from './method'
import { scanValues, withValues } from './rule-values'

export const FORMAT_VERSION = '1.2.0' as const
export const SEVERITY_ORDER = ['high', 'medium', 'low', 'unknown', 'info'] as const
export const FINDING_STATUSES = new Set(['fail', 'error'])

export interface ModelDeps {
  targets: TargetsRepo
  /** How each kind's evidence reads (method line, what was assessed). */
  kinds: Kinds
  scans: ScansRepo
  content: ContentRepo
  /** The rule packs database and GitHub scans ran: their rules' remediation, rationale and references. */
  packs: RulePacks
  reports: ReportsRepo
  version: string
}

/** A UUID (version 5 layout) derived from `name`: the same thing always gets the same id. */
export function stableUuid(name: string): string {
  const h = createHash('sha256').update(name).digest()
  h[6] = (h[6]! & 0x0f) | 0x50
  h[8] = (h[8]! & 0x3f) | 0x80
  const x = h.subarray(0, 16).toString('hex')
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`
}

const EXT: Record<string, string> = {
  'application/xml+arf': 'xml',
  'application/xml': 'xml',
  'application/json': 'json',
  'text/plain': 'txt',
  'text/csv': 'csv',
}
export const evidencePath = (sha: string, mediaType: string) =>
  `evidence/${sha}.${EXT[mediaType] ?? (mediaType.includes('json') ? 'json' : mediaType.includes('xml') ? 'xml' : 'bin')}`

/** A date alone means the whole day: from its first millisecond, to its last. */
function windowEdge(v: string | undefined, edge: 'from' | 'to'): string | undefined {
  if (!v) return undefined
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return `${v}T${edge === 'from' ? '00:00:00.000' : '23:59:59.999'}Z`
  return new Date(v).toISOString()
}

function resolveTargets(repo: TargetsRepo, scope: { targetIds: string[]; groups: string[] }): Target[] {
  const all = repo.list()
  if (scope.targetIds.length === 0 && scope.groups.length === 0) return all
  const chosen = new Map<string, Target>()
  for (const id of scope.targetIds) {
    const t = all.find((x) => x.id === id)
    if (!t)
      throw new AppError('not_found', `No target with id "${id.slice(0, 60)}"`, [
        { path: 'scope.targetIds', message: 'unknown target' },
      ])
    chosen.set(t.id, t)
  }
  for (const g of scope.groups) {
    const members = all.filter((t) => t.groups.some((x) => x.toLowerCase() === g.toLowerCase()))
    if (members.length === 0)
      throw new AppError('not_found', `No target is in the group "${g.slice(0, 60)}"`, [
        { path: 'scope.groups', message: 'empty group' },
      ])
    for (const t of members) chosen.set(t.id, t)
  }
  return [...chosen.values()].sort((a, b) => a.name.localeCompare(b.name, 'en') || a.id.localeCompare(b.id))
}

/**
 * The scans a person chose, at most one per target, replace that target's latest: its trend stops there. A
 * chosen scan outside the window or profile filter is still reported (it was named), but it must be a finished
 * scan of a target in scope.
 */
function pinScans(deps: ModelDeps, targets: Target[], scans: ScanRow[], pins: string[]): ScanRow[] {
  if (pins.length === 0) return scans
  const inScope = new Set(targets.map((t) => t.id))
  const pinned = new Map<string, ScanRow>()
  for (const id of pins) {
    const s = deps.scans.get(id)
    const at = { path: 'scope.scanIds', message: 'not a finished scan in scope' }
    if (!s || s.state !== 'done' || !inScope.has(s.targetId))
      throw new AppError(
        'not_found',
        `No finished scan "${id.slice(0, 60)}" of a target in this report's scope: choose another scan`,
        [at],
      )
    if (pinned.has(s.targetId) && pinned.get(s.targetId)!.id !== s.id)
      throw new AppError('validation', 'Choose at most one scan per target', [at])
    pinned.set(s.targetId, s)
  }
  const key = (s: ScanRow) => `${s.startedAt}|${s.id}`
  const kept = scans.filter((s) => {
    const p = pinned.get(s.targetId)
    return !p || (key(s) <= key(p) && s.id !== p.id)
  })
  return [...kept, ...pinned.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}

export function buildModel(deps: ModelDeps, input: ReportScope): ReportModel {
  const parsed = ScopeSchema.safeParse(input)
  if (!parsed.success) throw new AppError('validation', parsed.error.issues[0]?.message ?? 'Invalid scope')
  const scope = parsed.data
  const from = windowEdge(scope.from, 'from')
  const to = windowEdge(scope.to, 'to')
  const targets = resolveTargets(deps.targets, scope)
  const scans = pinScans(
    deps,
    targets,
    deps.reports.doneScans(
      targets.map((t) => t.id),
      from,
      to,
      scope.profileIds,
    ),
    scope.scanIds,
  )
  if (scans.length === 0) {
    const names = targets.map((t) => t.name)
    const who =
      names.length === 0
        ? 'There are no targets'
        : names.length > 5
          ? `${names.length} targets`
          : names.join(', ')
    const when =
      (from || to ? ` between ${from?.slice(0, 10) ?? 'the start'} and ${to?.slice(0, 10) ?? 'now'}` : '') +
      (scope.profileIds.length ? ` with profile ${scope.profileIds.join(', ')}` : '')
    throw new AppError(
      'not_found',
      names.length === 0
        ? 'There are no targets to report on: add and scan a target first'
        : `No finished scans of ${who}${when}: scan them first, or widen the time window`,
    )
  }

  const byTarget = new Map<string, ScanRow[]>()
  for (const s of scans) byTarget.set(s.targetId, [...(byTarget.get(s.targetId) ?? []), s])
  const inScope = targets.filter((t) => byTarget.has(t.id))

  // Description, fix, rationale and references come from the benchmark or rule pack each scan ran.
  const textOf = ruleTexts(deps)

  const results: ReportModel['results'] = []
  const modelTargets: ReportModel['targets'] = []
  for (const t of inScope) {
    const list = byTarget.get(t.id)!
    const latest = list.at(-1)!
    const ruleSource = textOf(latest)
    // Fix scripts and descriptions name XCCDF Values by placeholder: they read the values this scan used.
    const values = scanValues(
      deps,
      latest,
      latest.info.content ? deps.content.benchmark(latest.info.content) : undefined,
    )
    const scanResults = deps.scans.results(latest.id)
    for (const r of scanResults) {
      if (r.status === 'notselected') continue
      const rule = ruleTextOf(ruleSource, r.ruleId)
      results.push({
        id: stableUuid(`result|${latest.id}|${r.ruleId}`),
        targetId: t.id,
        scanId: latest.id,
        ruleId: r.ruleId,
        title: r.title || rule?.title || r.ruleId,
        severity: r.severity || 'unknown',
        status: r.status,
        actual: r.actual,
        expected: r.expected,
        message: r.message,
        evidenceExcerpt: evidenceText(r.evidence ?? []),
        evidence: r.evidence ?? [],
        idents: r.idents,
        references: rule?.references ?? [],
        description: withValues(rule?.description ?? '', values),
        remediation: withValues(rule?.remediation ?? '', values),
        rationale: rule?.rationale ?? '',
      })
    }
    modelTargets.push({
      id: t.id,
      name: t.name,
      kind: t.kind,
      host: deps.kinds.get(t.kind)?.report.subject(t) ?? t.address,
      groups: [...t.groups].sort(),
      latestScanId: latest.id,
      score: latest.score,
      counts: sortKeys(latest.counts),
      trend: list.map((s) => ({ scanId: s.id, at: s.finishedAt ?? s.startedAt, score: s.score })),
    })
  }

  const findings = results.filter((r) => FINDING_STATUSES.has(r.status))
  const bySeverity: Record<string, number> = {}
  for (const f of findings) bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1
  const scored = modelTargets.filter((t) => t.score !== null)
  const averageScore = scored.length
    ? Math.round((scored.reduce((a, t) => a + (t.score ?? 0), 0) / scored.length) * 10) / 10
    : null

  const evidenceScans = new Map<string, string[]>()
  for (const s of scans)
    if (s.evidence) evidenceScans.set(s.evidence, [...(evidenceScans.get(s.evidence) ?? []), s.id])
  const evidence = deps.reports.evidenceMeta([...evidenceScans.keys()]).map((e) => ({
    sha256: e.sha256,
    mediaType: e.mediaType,
    bytes: e.bytes,
    path: evidencePath(e.sha256, e.mediaType),
    scanIds: evidenceScans.get(e.sha256) ?? [],
  }))

  const targetOf = (id: string) => inScope.find((t) => t.id === id)
  const { method, tailorings, tailoringOf } = buildMethod(deps, scans, targetOf, textOf)
  evidence.push(...tailorings)

  const asOf = scans
    .map((s) => s.finishedAt ?? s.startedAt)
    .sort()
    .at(-1)!
  const scopeOut = {
    targetIds: [...scope.targetIds].sort(),
    groups: [...scope.groups].sort(),
    profileIds: [...scope.profileIds].sort(),
    scanIds: [...scope.scanIds].sort(),
    from: from ?? null,
    to: to ?? null,
    includeDrift: scope.includeDrift,
    notScanned: targets.filter((t) => !byTarget.has(t.id)).map((t) => ({ id: t.id, name: t.name })),
  }
  const drift = scope.includeDrift
    ? {
        // Every store has drift events (since schema v8); `available` stays in the model's format for readers.
        available: true,
        events: deps.reports.driftEvents(
          inScope.map((t) => t.id),
          from,
          to,
        ),
      }
    : { available: false, events: [] }

  return {
    formatVersion: FORMAT_VERSION,
    reportId: stableUuid(
      `report|${JSON.stringify(scopeOut)}|${JSON.stringify(scope.engagement)}|${scans.map((s) => s.id).join(',')}`,
    ),
    title: scope.engagement.name || 'Compliance evidence report',
    asOf,
    generator: { name: 'Driftwatch', version: deps.version },
    engagement: scope.engagement,
    scope: scopeOut,
    method,
    summary: {
      targets: modelTargets.length,
      scans: scans.length,
      rulesEvaluated: results.length,
      findings: findings.length,
      bySeverity: sortKeys(bySeverity),
      averageScore,
    },
    targets: modelTargets,
    scans: scans.map((s) => ({
      id: s.id,
      targetId: s.targetId,
      profileId: s.profileId,
      tailoringId: s.tailoringId,
      trigger: s.trigger,
      startedAt: s.startedAt,
      finishedAt: s.finishedAt ?? s.startedAt,
      score: s.score,
      counts: sortKeys(s.counts),
      evidenceSha256: s.evidence,
      contentSha256: s.info.content ?? '',
      tailoringSha256: tailoringOf.get(s.id) ?? null,
    })),
    results,
    drift,
    evidence,
  }
}

function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)))
}

/** Findings ordered for people: by severity, then target, then rule. */
export function findingsBySeverity(model: ReportModel): ReportModel['results'] {
  const rank = (s: string) => {
    const i = (SEVERITY_ORDER as readonly string[]).indexOf(s)
    return i < 0 ? SEVERITY_ORDER.length : i
  }
  const name = new Map(model.targets.map((t) => [t.id, t.name]))
  return model.results
    .filter((r) => FINDING_STATUSES.has(r.status))
    .sort(
      (a, b) =>
        rank(a.severity) - rank(b.severity) ||
        (name.get(a.targetId) ?? '').localeCompare(name.get(b.targetId) ?? '') ||
        a.ruleId.localeCompare(b.ruleId),
    )
}

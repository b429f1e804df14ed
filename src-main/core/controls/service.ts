// The Controls view: keeps the rule → control mappings in step with the imported benchmarks and the rule packs,
// and answers the Controls page, the CLI and the exports with every control's status across chosen targets.
import type { ControlStatus, ControlView, FrameworkView, Res } from '../../../src-preload/contract'
import type { ContentRepo } from '../store/content'
import type { ControlsRepo, TargetControlRow } from '../store/controls'
import type { TargetsRepo } from '../store/targets'
import type { JudgementRepo } from '../store/judgement'
import type { RulePacks } from '../rules/registry'
import { AppError } from '../errors'
import { nistCatalog, nistLabel } from './catalog'
import { mapBenchmark, mapRules } from './mapping'
import { combineCounts, emptyCounts, targetControlStatus } from './status'
import type { FrameworkId } from './references'
import { applyVerdicts, judgementState, verdicts, type JudgementState } from './judged'

export interface ControlsDeps {
  controls: ControlsRepo
  content: ContentRepo
  packs: RulePacks
  targets: TargetsRepo
  judgement: JudgementRepo
  now(): string
}

interface ControlMeta {
  id: string
  label: string
  title: string
  family: string
  statement: string
  inCatalog: boolean
}

const TITLES: Record<FrameworkId, string> = {
  'nist-800-53': 'NIST SP 800-53 Rev. 5',
  cis: 'CIS Benchmarks (sections the content and packs name)',
  'pci-dss': 'PCI DSS (requirements the content names)',
}

export class ControlsService {
  /**
   * Each target's control counts per framework, kept until that target's scans, its groups, the mappings or the
   * exceptions and attestations in force change: the page asks again on every framework, baseline or target
   * change, and a scan changes one target.
   */
  private readonly cache = new Map<string, { version: string; rows: TargetControlRow[] }>()

  constructor(private readonly d: ControlsDeps) {}

  private rowsFor(
    framework: FrameworkId,
    targets: readonly { id: string; groups: string[] }[],
    j: JudgementState,
  ): TargetControlRow[] {
    const v = this.d.controls.versions()
    const version = (t: { id: string; groups: string[] }) =>
      `${v.mappings}|${v.targets.get(t.id) ?? ''}|${j.key}|${t.groups.join('\u0000')}`
    const stale = targets.filter((t) => this.cache.get(`${framework}|${t.id}`)?.version !== version(t))
    if (stale.length) {
      const ids = stale.map((t) => t.id)
      const fresh = new Map<string, TargetControlRow[]>(ids.map((id) => [id, []]))
      const rows = this.d.controls.storedStatusByTarget(framework, ids, v)
      if (j.exceptions.length || j.attestations.length) {
        const refs = new Map(stale.map((t) => [t.id, t]))
        applyVerdicts(framework, rows, verdicts(this.d.controls.openResults(ids), refs, j), this.d.controls)
      }
      for (const r of rows) fresh.get(r.targetId)?.push(r)
      for (const t of stale)
        this.cache.set(`${framework}|${t.id}`, { version: version(t), rows: fresh.get(t.id) ?? [] })
    }
    return targets.flatMap((t) => this.cache.get(`${framework}|${t.id}`)?.rows ?? [])
  }

  /** Maps every benchmark not mapped yet and every pack whose references changed; cheap when nothing did. */
  sync(): void {
    const at = this.d.now()
    for (const c of this.d.content.list()) {
      const source = `content:${c.sha256}`
      if (this.d.controls.hasSource(source)) continue
      const parsed = this.d.content.parsed(c.sha256)
      this.d.controls.syncSource(source, parsed ? parsed.benchmarks.flatMap((b) => mapBenchmark(b)) : [], at)
    }
    for (const { pack } of this.d.packs.all())
      this.d.controls.syncSource(`pack:${pack.id}`, mapRules(pack.rules), at)
    for (const code of this.d.packs.codePacks)
      this.d.controls.syncSource(`pack:${code.id}`, mapRules(code.rules), at)
  }

  frameworks(): FrameworkView[] {
    this.sync()
    const nist = nistCatalog()
    return [
      {
        id: 'nist-800-53',
        title: nist.title,
        version: nist.version,
        baselines: Object.keys(nist.baselines),
        controls: nist.controls.length,
      },
      ...(['cis', 'pci-dss'] as const).map((id) => ({
        id,
        title: TITLES[id],
        version: '',
        baselines: [],
        controls: this.d.controls.mappedControls(id).length,
      })),
    ]
  }

  private catalog(framework: FrameworkId, baseline?: string) {
    const metas = new Map<string, ControlMeta>()
    const families = new Map<string, string>()
    let inScope: (id: string) => boolean = () => true
    if (framework === 'nist-800-53') {
      const nist = nistCatalog()
      for (const f of nist.families) families.set(f.id, f.title)
      const ids = baseline ? nist.baselines[baseline] : nist.controls.map((c) => c.id)
      if (!ids) throw new AppError('validation', `NIST 800-53 has no ${baseline} baseline`)
      const set = new Set(ids)
      if (baseline) inScope = (id) => set.has(id)
      for (const id of ids) {
        const c = nist.byId.get(id)!
        metas.set(id, { ...c, inCatalog: true })
      }
    } else {
      for (const c of this.d.controls.mappedControls(framework)) {
        families.set(c.family, c.family)
        metas.set(c.controlId, {
          id: c.controlId,
          label: c.label || c.controlId,
          title: '',
          family: c.family,
          statement: '',
          inCatalog: true,
        })
      }
    }
    const meta = (r: Pick<TargetControlRow, 'controlId' | 'family' | 'label'>): ControlMeta => {
      let m = metas.get(r.controlId)
      if (!m) {
        // A reference the catalog does not hold: kept, shown by its id.
        const label = framework === 'nist-800-53' ? nistLabel(r.controlId) : r.label || r.controlId
        m = { id: r.controlId, label, title: '', family: r.family, statement: '', inCatalog: false }
        metas.set(r.controlId, m)
        if (!families.has(r.family)) families.set(r.family, r.family.toUpperCase())
      }
      return m
    }
    return { metas, families, inScope, meta }
  }

  status(req: { framework: FrameworkId; baseline?: string; targetIds?: string[] }): Res<'controls.status'> {
    const framework = this.frameworks().find((f) => f.id === req.framework)!
    const targets = this.chosenTargets(req.targetIds)
    const { metas, families, inScope, meta } = this.catalog(req.framework, req.baseline)
    const rows = this.rowsFor(req.framework, targets, judgementState(this.d.judgement, this.d.now()))
    // Counted, not listed: the page's query reads every target's row for every control in scope.
    const perControl = new Map<string, { counts: Record<ControlStatus, number>; rules: number }>()
    const perCell = new Map<string, Map<string, Record<ControlStatus, number>>>()
    for (const r of rows) {
      if (!inScope(r.controlId)) continue
      const m = meta(r)
      const s = targetControlStatus(r)
      let pc = perControl.get(m.id)
      if (!pc) perControl.set(m.id, (pc = { counts: emptyCounts(), rules: 0 }))
      pc.counts[s]++
      pc.rules += r.pass + r.fail + r.notApplicable + r.other
      let cells = perCell.get(r.targetId)
      if (!cells) perCell.set(r.targetId, (cells = new Map()))
      let cell = cells.get(m.family)
      if (!cell) cells.set(m.family, (cell = emptyCounts()))
      cell[s]++
    }
    const controls: ControlView[] = [...metas.values()].map((m) => {
      const pc = perControl.get(m.id)
      const c = pc?.counts ?? emptyCounts()
      return {
        id: m.id,
        label: m.label,
        title: m.title,
        family: m.family,
        status: combineCounts(c),
        satisfied: c.satisfied + c.excepted + c.attested,
        notSatisfied: c['not-satisfied'],
        assessedTargets: c.satisfied + c['not-satisfied'] + c.partly + c.excepted + c.attested,
        rules: pc?.rules ?? 0,
        inCatalog: m.inCatalog,
      }
    })
    const totals = emptyCounts()
    const famCounts = new Map<string, Record<ControlStatus, number>>()
    for (const c of controls) {
      totals[c.status]++
      const f = famCounts.get(c.family) ?? emptyCounts()
      f[c.status]++
      famCounts.set(c.family, f)
    }
    const matrix: Res<'controls.status'>['matrix'] = []
    for (const t of targets)
      for (const f of famCounts.keys()) {
        const counts = perCell.get(t.id)?.get(f) ?? emptyCounts()
        matrix.push({ targetId: t.id, family: f, status: combineCounts(counts), counts: { ...counts } })
      }
    return {
      framework,
      baseline: req.baseline ?? null,
      targets: targets.map(({ id, name }) => ({ id, name })),
      controls,
      families: [...famCounts.entries()].map(([id, counts]) => ({
        id,
        title: families.get(id) ?? id,
        counts,
      })),
      totals,
      matrix,
    }
  }

  control(req: { framework: FrameworkId; controlId: string; targetIds?: string[] }): Res<'controls.control'> {
    this.sync()
    const targets = this.chosenTargets(req.targetIds)
    const names = new Map(targets.map((t) => [t.id, t.name]))
    const j = judgementState(this.d.judgement, this.d.now())
    const rows = this.rowsFor(req.framework, targets, j)
    const { meta } = this.catalog(req.framework)
    const mine = rows.filter((r) => r.controlId === req.controlId)
    const byTarget = new Map<string, ControlStatus>(mine.map((r) => [r.targetId, targetControlStatus(r)]))
    const known = this.catalog(req.framework).metas.get(req.controlId)
    if (!known && mine.length === 0)
      throw new AppError(
        'not_found',
        `${req.controlId} is not a control of ${req.framework} that any rule names`,
      )
    const m = known ?? meta(mine[0]!)
    const status = this.status({ framework: req.framework, targetIds: targets.map((t) => t.id) })
    const view = status.controls.find((c) => c.id === req.controlId)!
    const rules = this.d.controls.controlRules(
      req.framework,
      req.controlId,
      targets.map((t) => t.id),
    )
    const judged = verdicts(rules, new Map(targets.map((t) => [t.id, t])), j)
    // A target whose only rule here is a manual check nobody attested: shown, not assessed.
    for (const r of rules) if (!byTarget.has(r.targetId)) byTarget.set(r.targetId, 'not-assessed')
    return {
      control: view,
      statement: m.statement,
      targets: [...byTarget.entries()].map(([targetId, s]) => ({
        targetId,
        name: names.get(targetId) ?? targetId,
        status: s,
        rules: rules
          .filter((r) => r.targetId === targetId)
          .map((r) => ({
            ruleId: r.ruleId,
            title: r.title,
            severity: r.severity,
            status: r.status,
            actual: r.actual,
            expected: r.expected,
            evidence: (JSON.parse(r.evidence) as { text: string }[]).map((e) => e.text).join('\n'),
            scanId: r.scanId,
            since: r.since,
            judgement: judged.get(`${r.targetId}\u0000${r.ruleId}`) ?? null,
          })),
      })),
    }
  }

  private chosenTargets(ids?: string[]): { id: string; name: string; groups: string[] }[] {
    const all = this.d.targets.list().map((t) => ({ id: t.id, name: t.name, groups: t.groups }))
    if (!ids) return all
    const byId = new Map(all.map((t) => [t.id, t]))
    const missing = ids.filter((id) => !byId.has(id))
    if (missing.length) throw new AppError('not_found', `No target with id ${missing.join(', ')}`)
    return ids.map((id) => byId.get(id)!)
  }
}

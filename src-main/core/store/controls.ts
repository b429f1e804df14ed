// Controls in the store: each source's rule → control mappings (kept in step with the benchmarks and packs they
// come from), and the Controls query: for one framework, the status of every control each chosen target's rules
// support, read from current_status in one join, with the rule results behind one control for the drill-down.
import { createHash } from 'node:crypto'
import { sql as raw, type Expression, type ExpressionBuilder } from 'kysely'
import type { Sql } from './sql/engine'
import type { DB } from './sql/schema'
import type { RuleControlRow } from '../controls/mapping'

/** What one target's current results say of one control. */
export interface TargetControlRow {
  targetId: string
  controlId: string
  family: string
  label: string
  /** Rules that passed (pass, fixed), failed, were not applicable, and said nothing decisive (informational). */
  pass: number
  fail: number
  notApplicable: number
  other: number
  /**
   * Filled in by the controls service from the exceptions and attestations in force: the failing rules a live
   * exception covers, and the not-checked rules a live attestation answers as passed or as failed.
   */
  excepted: number
  attested: number
  attestedFailed: number
}

export interface ControlRuleRow {
  targetId: string
  ruleId: string
  status: string
  actual: string
  expected: string
  title: string
  severity: string
  scanId: string
  since: string
  evidence: string
}

/**
 * One target's stored counts, by column: control ids, families, labels, and four numbers per control (pass, fail,
 * not applicable, other). Columns parse faster than a small array per control.
 */
interface Packed {
  c: string[]
  f: string[]
  l: string[]
  n: number[]
}

/** Ids per statement: an `in` list stays far below either engine's limit on parameters. */
const CHUNK = 1000

/** Rows per multi-row insert. */
const ROWS = 500

function chunks<T>(list: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = []
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size))
  return out
}

const byTargetAndRule = (a: ControlRuleRow, b: ControlRuleRow) =>
  a.targetId < b.targetId
    ? -1
    : a.targetId > b.targetId
      ? 1
      : a.ruleId < b.ruleId
        ? -1
        : a.ruleId > b.ruleId
          ? 1
          : 0

type Scope = DB & { s: DB['scans'] }

export class ControlsRepo {
  constructor(private readonly sql: Sql) {}

  /**
   * The rule id a mapping is kept under: a GitHub result names its repository after '@'. The one expression the
   * two engines spell differently (SQLite has instr, PostgreSQL split_part).
   */
  private baseRule(col: 'cs.rule_id' | 'r.rule_id'): Expression<string> {
    const c = raw.ref(col)
    return this.sql.dialect === 'sqlite'
      ? raw<string>`CASE WHEN instr(${c}, '@') > 0 THEN substr(${c}, 1, instr(${c}, '@') - 1) ELSE ${c} END`
      : raw<string>`split_part(${c}, '@', 1)`
  }

  /** The id of scan `s`'s target's latest finished scan (ties: the one created last). */
  private latestDone(eb: ExpressionBuilder<Scope, 's'>) {
    return eb
      .selectFrom('scans as l')
      .select('l.id')
      .whereRef('l.target_id', '=', 's.target_id')
      .where('l.state', '=', 'done')
      .orderBy('l.started_at', 'desc')
      .orderBy('l.seq', 'desc')
      .limit(1)
  }

  /**
   * Replaces a source's mappings when they changed (their digest differs); returns whether it wrote. Run at
   * import and at start-up, so a pack whose references change re-maps without a migration.
   */
  syncSource(source: string, rows: readonly RuleControlRow[], at: string): boolean {
    const { q } = this.sql
    const digest = createHash('sha256')
      .update(JSON.stringify(rows.map((r) => [r.ruleId, r.framework, r.controlId, r.family, r.label])))
      .digest('hex')
    const had = this.sql.get(q.selectFrom('control_sources').select('digest').where('source', '=', source))
    if (had?.digest === digest) return false
    this.sql.transaction(() => {
      this.sql.run(q.deleteFrom('rule_controls').where('source', '=', source))
      // A source may name the same link twice (two references to one control): kept once.
      const links = new Map(rows.map((r) => [`${r.framework}\u0000${r.ruleId}\u0000${r.controlId}`, r]))
      for (const part of chunks([...links.values()], ROWS))
        this.sql.run(
          q
            .insertInto('rule_controls')
            .values(
              part.map((r) => ({
                source,
                rule_id: r.ruleId,
                framework: r.framework,
                control_id: r.controlId,
                family: r.family,
                label: r.label,
              })),
            )
            .onConflict((oc) => oc.doNothing()),
        )
      this.sql.run(
        q
          .insertInto('control_sources')
          .values({ source, digest, mapped_at: at })
          .onConflict((oc) =>
            oc.column('source').doUpdateSet((eb) => ({
              digest: eb.ref('excluded.digest'),
              mapped_at: eb.ref('excluded.mapped_at'),
            })),
          ),
      )
    })
    return true
  }

  hasSource(source: string): boolean {
    const { q } = this.sql
    return (
      this.sql.get(q.selectFrom('control_sources').select('source').where('source', '=', source)) !==
      undefined
    )
  }

  /**
   * What the per-target control counts depend on, cheaply: each target's scans (how many, how many are done and
   * the newest: a commit, an interrupted or removed scan changes it) and the mappings' digests.
   */
  versions(): { mappings: string; targets: Map<string, string> } {
    const { q } = this.sql
    const sources = this.sql.all(
      q.selectFrom('control_sources').select(['source', 'digest']).orderBy('source'),
    )
    const rows = this.sql.all(
      q
        .selectFrom('scans')
        .select((eb) => [
          'target_id',
          eb.fn.countAll<number>().as('n'),
          eb.fn.countAll<number>().filterWhere('state', '=', 'done').as('done'),
          // The newest scan: SQLite's rowid is read from the (target_id, state) index alone, several times faster
          // than started_at on a year of scans; PostgreSQL has no rowid.
          (this.sql.dialect === 'sqlite' ? raw<string>`max(rowid)` : eb.fn.max('started_at')).as('latest'),
        ])
        .groupBy('target_id'),
    )
    return {
      mappings: createHash('sha256')
        .update(sources.map((s) => s.source + s.digest).join(','))
        .digest('hex'),
      targets: new Map(rows.map((r) => [r.target_id, `${r.n}:${r.done}:${r.latest}`])),
    }
  }

  /**
   * statusByTarget as kept in target_control_counts: each target's stored counts when they were made from its
   * scans and the mappings as they stand (versions), recounted and stored again for the others. A scan commit
   * recounts its target (recount), so opening the Controls page reads one small row per target.
   */
  storedStatusByTarget(
    framework: string,
    targetIds: readonly string[],
    v: ReturnType<ControlsRepo['versions']> = this.versions(),
  ): TargetControlRow[] {
    const { q } = this.sql
    const version = (id: string) => `${v.mappings}|${v.targets.get(id) ?? ''}`
    const stored = chunks(targetIds).flatMap((part) =>
      this.sql.all(
        q
          .selectFrom('target_control_counts')
          .select(['target_id', 'version', 'counts'])
          .where('framework', '=', framework)
          .where('target_id', 'in', part),
      ),
    )
    const fresh = new Map(
      stored.filter((s) => s.version === version(s.target_id)).map((s) => [s.target_id, s.counts]),
    )
    const stale = targetIds.filter((id) => !fresh.has(id))
    const out: TargetControlRow[] = []
    if (stale.length) {
      const rows = this.statusByTarget(framework, stale)
      this.store(framework, stale, rows, version)
      out.push(...rows)
    }
    // Columns, read by index: this runs once per start, before the JIT has warmed to it.
    for (const [targetId, counts] of fresh) {
      const p = JSON.parse(counts) as Packed
      for (let i = 0; i < p.c.length; i++)
        out.push({
          targetId,
          controlId: p.c[i]!,
          family: p.f[i]!,
          label: p.l[i]!,
          pass: p.n[4 * i]!,
          fail: p.n[4 * i + 1]!,
          notApplicable: p.n[4 * i + 2]!,
          other: p.n[4 * i + 3]!,
          excepted: 0,
          attested: 0,
          attestedFailed: 0,
        })
    }
    return out
  }

  /** After a scan commit: the target's counts for every framework its rules map to, counted and stored now. */
  recount(targetId: string): void {
    const { q } = this.sql
    const v = this.versions()
    const version = () => `${v.mappings}|${v.targets.get(targetId) ?? ''}`
    const frameworks = this.sql.all(q.selectFrom('rule_controls').select('framework').distinct())
    this.sql.transaction(() => {
      for (const { framework } of frameworks)
        this.store(framework, [targetId], this.statusByTarget(framework, [targetId]), version)
    })
  }

  private store(
    framework: string,
    targetIds: readonly string[],
    rows: readonly TargetControlRow[],
    version: (id: string) => string,
  ): void {
    const { q } = this.sql
    const per = new Map<string, Packed>(targetIds.map((id) => [id, { c: [], f: [], l: [], n: [] }]))
    for (const r of rows) {
      const p = per.get(r.targetId)
      if (!p) continue
      p.c.push(r.controlId)
      p.f.push(r.family)
      p.l.push(r.label)
      p.n.push(r.pass, r.fail, r.notApplicable, r.other)
    }
    const values = [...per].map(([id, packed]) => ({
      framework,
      target_id: id,
      version: version(id),
      counts: JSON.stringify(packed),
    }))
    this.sql.transaction(() => {
      for (const part of chunks(values, ROWS))
        this.sql.run(
          q
            .insertInto('target_control_counts')
            .values(part)
            .onConflict((oc) =>
              oc.columns(['framework', 'target_id']).doUpdateSet((eb) => ({
                version: eb.ref('excluded.version'),
                counts: eb.ref('excluded.counts'),
              })),
            ),
        )
    })
  }

  /** Every control a framework's mappings name, with how many rules map to it (CIS / PCI DSS catalogs). */
  mappedControls(framework: string): { controlId: string; family: string; label: string; rules: number }[] {
    const { q } = this.sql
    return this.sql.all(
      q
        .selectFrom('rule_controls')
        .select((eb) => [
          'control_id as controlId',
          eb.fn.min('family').as('family'),
          eb.fn.max('label').as('label'),
          eb.fn.count<number>('rule_id').distinct().as('rules'),
        ])
        .where('framework', '=', framework)
        .groupBy('control_id')
        .orderBy('control_id'),
    )
  }

  /**
   * Per target and control: how many of the target's current rule statuses that map to the control passed,
   * failed, were not applicable or said nothing. targetIds undefined = every target.
   */
  statusByTarget(framework: string, targetIds?: readonly string[]): TargetControlRow[] {
    if (targetIds && targetIds.length > CHUNK)
      return chunks(targetIds).flatMap((part) => this.statusByTarget(framework, part))
    if (targetIds?.length === 0) return []
    const { q } = this.sql
    const decisive = ['pass', 'fixed', 'fail', 'notapplicable']
    const rows = this.sql.all(
      q
        // Each current status looks its rule up in the mappings' primary key (framework, rule_id): one index probe
        // per row. DISTINCT drops the same rule → control link named by two sources (two benchmarks, say).
        .with('j', (db) =>
          db
            .selectFrom('current_status as cs')
            .innerJoin('rule_controls as rc', (join) =>
              join.on('rc.framework', '=', framework).on('rc.rule_id', '=', this.baseRule('cs.rule_id')),
            )
            .select(['cs.target_id', 'cs.rule_id', 'cs.status', 'rc.control_id', 'rc.family', 'rc.label'])
            .distinct()
            .$if(targetIds !== undefined, (qb) => qb.where('cs.target_id', 'in', targetIds!)),
        )
        .selectFrom('j')
        .select((eb) => [
          'j.target_id as targetId',
          'j.control_id as controlId',
          eb.fn.min('j.family').as('family'),
          eb.fn.max('j.label').as('label'),
          eb.fn.countAll<number>().filterWhere('j.status', 'in', ['pass', 'fixed']).as('pass'),
          eb.fn.countAll<number>().filterWhere('j.status', '=', 'fail').as('fail'),
          eb.fn.countAll<number>().filterWhere('j.status', '=', 'notapplicable').as('notApplicable'),
          eb.fn.countAll<number>().filterWhere('j.status', 'not in', decisive).as('other'),
        ])
        .groupBy(['j.target_id', 'j.control_id']),
    )
    return rows.map((r) => ({ ...r, excepted: 0, attested: 0, attestedFailed: 0 }))
  }

  /**
   * The chosen targets' current failures and the rules their latest scan could not check (current_status keeps
   * no notchecked row): all an exception or attestation can change.
   */
  openResults(targetIds: readonly string[]): { targetId: string; ruleId: string; status: string }[] {
    const { q } = this.sql
    return chunks(targetIds).flatMap((part) =>
      this.sql.all(
        q
          .selectFrom('current_status')
          .select(['target_id as targetId', 'rule_id as ruleId', 'status'])
          .where('status', '=', 'fail')
          .where('target_id', 'in', part)
          .union(
            q
              .selectFrom('scans as s')
              .innerJoin('results as r', 'r.scan_id', 's.id')
              .select(['s.target_id as targetId', 'r.rule_id as ruleId', 'r.status as status'])
              .where('r.status', '=', 'notchecked')
              .where('s.target_id', 'in', part)
              .where('s.id', '=', (eb) => this.latestDone(eb)),
          ),
      ),
    )
  }

  /** The controls of a framework each of the given rules (ids as mapped, without a '@repository') supports. */
  controlsOfRules(
    framework: string,
    ruleIds: readonly string[],
  ): Map<string, { controlId: string; family: string; label: string }[]> {
    const { q } = this.sql
    const rows = chunks(ruleIds).flatMap((part) =>
      this.sql.all(
        q
          .selectFrom('rule_controls')
          .select((eb) => [
            'rule_id as ruleId',
            'control_id as controlId',
            eb.fn.min('family').as('family'),
            eb.fn.max('label').as('label'),
          ])
          .where('framework', '=', framework)
          .where('rule_id', 'in', part)
          .groupBy(['rule_id', 'control_id']),
      ),
    )
    const out = new Map<string, { controlId: string; family: string; label: string }[]>()
    for (const r of rows) out.set(r.ruleId, [...(out.get(r.ruleId) ?? []), r])
    return out
  }

  /**
   * The rule results behind one control: each chosen target's current status of every rule mapped to it, and the
   * manual checks its latest scan could not make (not checked: current_status keeps no row for them). Ordered by
   * target, then rule.
   */
  controlRules(framework: string, controlId: string, targetIds?: readonly string[]): ControlRuleRow[] {
    if (targetIds && targetIds.length > CHUNK)
      return chunks(targetIds)
        .flatMap((part) => this.controlRules(framework, controlId, part))
        .sort(byTargetAndRule)
    if (targetIds?.length === 0) return []
    const { q } = this.sql
    const current = q
      .selectFrom('current_status as cs')
      .leftJoin('results as r', (join) =>
        join.onRef('r.scan_id', '=', 'cs.scan_id').onRef('r.rule_id', '=', 'cs.rule_id'),
      )
      .select((eb) => [
        'cs.target_id as targetId',
        'cs.rule_id as ruleId',
        'cs.status as status',
        'cs.actual as actual',
        eb.fn.coalesce('r.expected', eb.val('')).as('expected'),
        eb.fn.coalesce('r.title', 'cs.rule_id').as('title'),
        eb.fn.coalesce('r.severity', eb.val('')).as('severity'),
        'cs.scan_id as scanId',
        'cs.since as since',
        eb.fn.coalesce('r.evidence_items', eb.val('[]')).as('evidence'),
      ])
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('rule_controls as rc')
            .select('rc.control_id')
            .where('rc.framework', '=', framework)
            .where('rc.rule_id', '=', this.baseRule('cs.rule_id'))
            .where('rc.control_id', '=', controlId),
        ),
      )
      .$if(targetIds !== undefined, (qb) => qb.where('cs.target_id', 'in', targetIds!))
    const manual = q
      .selectFrom('scans as s')
      .innerJoin('results as r', 'r.scan_id', 's.id')
      .select((eb) => [
        's.target_id as targetId',
        'r.rule_id as ruleId',
        'r.status as status',
        'r.actual as actual',
        'r.expected as expected',
        eb.fn.coalesce(eb.fn<string | null>('nullif', ['r.title', eb.val('')]), 'r.rule_id').as('title'),
        'r.severity as severity',
        's.id as scanId',
        's.started_at as since',
        'r.evidence_items as evidence',
      ])
      .where('r.status', '=', 'notchecked')
      .$if(targetIds !== undefined, (qb) => qb.where('s.target_id', 'in', targetIds!))
      .where('s.id', '=', (eb) => this.latestDone(eb))
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('rule_controls as rc')
            .select('rc.control_id')
            .where('rc.framework', '=', framework)
            .where('rc.rule_id', '=', this.baseRule('r.rule_id'))
            .where('rc.control_id', '=', controlId),
        ),
      )
    return this.sql.all(current.unionAll(manual).orderBy('targetId').orderBy('ruleId'))
  }
}

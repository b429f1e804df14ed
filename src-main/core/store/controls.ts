// Controls in the store: each source's rule → control mappings (kept in step with the benchmarks and packs they
// come from), and the Controls query: for one framework, the status of every control each chosen target's rules
// support, read from current_status in one join, with the rule results behind one control for the drill-down.
import { createHash } from 'node:crypto'
import type { Db } from './db'
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

/** The rule id a mapping is kept under: a GitHub result names its repository after '@'. */
const baseRule = (col: string) =>
  `CASE WHEN instr(${col}, '@') > 0 THEN substr(${col}, 1, instr(${col}, '@') - 1) ELSE ${col} END`
const BASE_RULE = baseRule('cs.rule_id')

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

export class ControlsRepo {
  constructor(private readonly db: Db) {}

  /**
   * Replaces a source's mappings when they changed (their digest differs); returns whether it wrote. Run at
   * import and at start-up, so a pack whose references change re-maps without a migration.
   */
  syncSource(source: string, rows: readonly RuleControlRow[], at: string): boolean {
    const digest = createHash('sha256')
      .update(JSON.stringify(rows.map((r) => [r.ruleId, r.framework, r.controlId, r.family, r.label])))
      .digest('hex')
    const had = this.db.prepare('SELECT digest FROM control_sources WHERE source = ?').get(source) as
      { digest: string } | undefined
    if (had?.digest === digest) return false
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM rule_controls WHERE source = ?').run(source)
      const ins = this.db.prepare(
        `INSERT OR IGNORE INTO rule_controls (source, rule_id, framework, control_id, family, label)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      for (const r of rows) ins.run(source, r.ruleId, r.framework, r.controlId, r.family, r.label)
      this.db
        .prepare(
          `INSERT INTO control_sources (source, digest, mapped_at) VALUES (?, ?, ?)
           ON CONFLICT (source) DO UPDATE SET digest = excluded.digest, mapped_at = excluded.mapped_at`,
        )
        .run(source, digest, at)
    })()
    return true
  }

  hasSource(source: string): boolean {
    return this.db.prepare('SELECT 1 FROM control_sources WHERE source = ?').get(source) !== undefined
  }

  /**
   * What the per-target control counts depend on, cheaply: each target's scans (the newest and how many are
   * done: a commit, an interrupted or removed scan changes it) and the mappings' digests.
   */
  versions(): { mappings: string; targets: Map<string, string> } {
    const mappings = (
      this.db
        .prepare(
          'SELECT group_concat(source || digest) AS v FROM (SELECT * FROM control_sources ORDER BY source)',
        )
        .get() as {
        v: string | null
      }
    ).v
    const rows = this.db
      .prepare(
        `SELECT target_id AS t, max(rowid) || ':' || total(state = 'done') AS v FROM scans GROUP BY target_id`,
      )
      .all() as { t: string; v: string }[]
    return {
      mappings: createHash('sha256')
        .update(mappings ?? '')
        .digest('hex'),
      targets: new Map(rows.map((r) => [r.t, r.v])),
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
    const version = (id: string) => `${v.mappings}|${v.targets.get(id) ?? ''}`
    const stored = this.db
      .prepare(
        `SELECT target_id AS id, version, counts FROM target_control_counts
         WHERE framework = ? AND target_id IN (SELECT value FROM json_each(?))`,
      )
      .all(framework, JSON.stringify(targetIds)) as { id: string; version: string; counts: string }[]
    const fresh = new Map(stored.filter((s) => s.version === version(s.id)).map((s) => [s.id, s.counts]))
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
    const v = this.versions()
    const version = () => `${v.mappings}|${v.targets.get(targetId) ?? ''}`
    const frameworks = this.db
      .prepare('SELECT DISTINCT framework FROM rule_controls')
      .pluck()
      .all() as string[]
    this.db.transaction(() => {
      for (const f of frameworks) this.store(f, [targetId], this.statusByTarget(f, [targetId]), version)
    })()
  }

  private store(
    framework: string,
    targetIds: readonly string[],
    rows: readonly TargetControlRow[],
    version: (id: string) => string,
  ): void {
    const per = new Map<string, Packed>(targetIds.map((id) => [id, { c: [], f: [], l: [], n: [] }]))
    for (const r of rows) {
      const p = per.get(r.targetId)
      if (!p) continue
      p.c.push(r.controlId)
      p.f.push(r.family)
      p.l.push(r.label)
      p.n.push(r.pass, r.fail, r.notApplicable, r.other)
    }
    const put = this.db.prepare(
      `INSERT INTO target_control_counts (framework, target_id, version, counts) VALUES (?, ?, ?, ?)
       ON CONFLICT (framework, target_id) DO UPDATE SET version = excluded.version, counts = excluded.counts`,
    )
    this.db.transaction(() => {
      for (const [id, packed] of per) put.run(framework, id, version(id), JSON.stringify(packed))
    })()
  }

  /** Every control a framework's mappings name, with how many rules map to it (CIS / PCI DSS catalogs). */
  mappedControls(framework: string): { controlId: string; family: string; label: string; rules: number }[] {
    return this.db
      .prepare(
        `SELECT control_id AS controlId, min(family) AS family, max(label) AS label, count(DISTINCT rule_id) AS rules
         FROM rule_controls WHERE framework = ? GROUP BY control_id ORDER BY control_id`,
      )
      .all(framework) as { controlId: string; family: string; label: string; rules: number }[]
  }

  /**
   * Per target and control: how many of the target's current rule statuses that map to the control passed,
   * failed, were not applicable or said nothing. targetIds undefined = every target.
   */
  statusByTarget(framework: string, targetIds?: readonly string[]): TargetControlRow[] {
    const targets = targetIds ? 'cs.target_id IN (SELECT value FROM json_each(?))' : '1'
    const args: unknown[] = [framework]
    if (targetIds) args.push(JSON.stringify(targetIds))
    return this.db
      .prepare(
        // Each current status looks its rule up in the mappings' primary key (framework, rule_id): one index probe
        // per row. DISTINCT drops the same rule → control link named by two sources (two benchmarks, say).
        `WITH j AS (
           SELECT DISTINCT cs.target_id, cs.rule_id, cs.status, rc.control_id, rc.family, rc.label
           FROM current_status cs JOIN rule_controls rc ON rc.framework = ? AND rc.rule_id = ${BASE_RULE}
           WHERE ${targets})
         SELECT target_id AS targetId, control_id AS controlId, min(family) AS family, max(label) AS label,
                sum(status IN ('pass', 'fixed')) AS pass,
                sum(status = 'fail') AS fail,
                sum(status = 'notapplicable') AS notApplicable,
                sum(status NOT IN ('pass', 'fixed', 'fail', 'notapplicable')) AS other,
                0 AS excepted, 0 AS attested, 0 AS attestedFailed
         FROM j GROUP BY target_id, control_id`,
      )
      .all(...args) as TargetControlRow[]
  }

  /**
   * The chosen targets' current failures and the rules their latest scan could not check (current_status keeps
   * no notchecked row): all an exception or attestation can change.
   */
  openResults(targetIds: readonly string[]): { targetId: string; ruleId: string; status: string }[] {
    const ids = JSON.stringify(targetIds)
    return this.db
      .prepare(
        `SELECT target_id AS targetId, rule_id AS ruleId, status FROM current_status
         WHERE status = 'fail' AND target_id IN (SELECT value FROM json_each(?))
         UNION
         SELECT s.target_id, r.rule_id, r.status FROM scans s JOIN results r ON r.scan_id = s.id
         WHERE r.status = 'notchecked' AND s.target_id IN (SELECT value FROM json_each(?))
           AND s.id = (SELECT id FROM scans WHERE target_id = s.target_id AND state = 'done'
                       ORDER BY started_at DESC, rowid DESC LIMIT 1)`,
      )
      .all(ids, ids) as { targetId: string; ruleId: string; status: string }[]
  }

  /** The controls of a framework each of the given rules (ids as mapped, without a '@repository') supports. */
  controlsOfRules(
    framework: string,
    ruleIds: readonly string[],
  ): Map<string, { controlId: string; family: string; label: string }[]> {
    const rows = this.db
      .prepare(
        `SELECT rule_id AS ruleId, control_id AS controlId, min(family) AS family, max(label) AS label
         FROM rule_controls WHERE framework = ? AND rule_id IN (SELECT value FROM json_each(?))
         GROUP BY rule_id, control_id`,
      )
      .all(framework, JSON.stringify(ruleIds)) as {
      ruleId: string
      controlId: string
      family: string
      label: string
    }[]
    const out = new Map<string, { controlId: string; family: string; label: string }[]>()
    for (const r of rows) out.set(r.ruleId, [...(out.get(r.ruleId) ?? []), r])
    return out
  }

  /**
   * The rule results behind one control: each chosen target's current status of every rule mapped to it, and the
   * manual checks its latest scan could not make (not checked: current_status keeps no row for them).
   */
  controlRules(framework: string, controlId: string, targetIds?: readonly string[]): ControlRuleRow[] {
    const ids = targetIds ? JSON.stringify(targetIds) : null
    return this.db
      .prepare(
        `SELECT cs.target_id AS targetId, cs.rule_id AS ruleId, cs.status AS status, cs.actual AS actual,
                coalesce(r.expected, '') AS expected, coalesce(r.title, cs.rule_id) AS title,
                coalesce(r.severity, '') AS severity, cs.scan_id AS scanId, cs.since AS since,
                coalesce(r.evidence_items, '[]') AS evidence
         FROM current_status cs
         LEFT JOIN results r ON r.scan_id = cs.scan_id AND r.rule_id = cs.rule_id
         WHERE EXISTS (SELECT 1 FROM rule_controls rc
                       WHERE rc.framework = :framework AND rc.rule_id = ${BASE_RULE} AND rc.control_id = :control)
           AND (:ids IS NULL OR cs.target_id IN (SELECT value FROM json_each(:ids)))
         UNION ALL
         SELECT s.target_id, r.rule_id, r.status, r.actual, r.expected, coalesce(nullif(r.title, ''), r.rule_id),
                r.severity, s.id, s.started_at, coalesce(r.evidence_items, '[]')
         FROM scans s JOIN results r ON r.scan_id = s.id
         WHERE r.status = 'notchecked'
           AND (:ids IS NULL OR s.target_id IN (SELECT value FROM json_each(:ids)))
           AND s.id = (SELECT id FROM scans WHERE target_id = s.target_id AND state = 'done'
                       ORDER BY started_at DESC, rowid DESC LIMIT 1)
           AND EXISTS (SELECT 1 FROM rule_controls rc
                       WHERE rc.framework = :framework AND rc.rule_id = ${baseRule('r.rule_id')}
                         AND rc.control_id = :control)
         ORDER BY 1, 2`,
      )
      .all({ framework, control: controlId, ids }) as ControlRuleRow[]
  }
}

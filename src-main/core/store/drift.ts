// Drift events and each target's score timeline: written by the scan commit, read by the Drift page. Timelines
// read scans and events only, never the results table, so a year of daily scans stays a small query.
import type { Db } from './db'
import type { Sql } from './sql/engine'
import { sqliteSql } from './sql/sqlite'
import type { DriftFinding, DriftType } from '../watch/drift'
import type { KpiEvent } from '../watch/kpis'

export interface DriftEventRow {
  id: number
  targetId: string
  scanId: string
  prevScanId: string | null
  ruleId: string
  type: DriftType
  severity: string
  title: string
  fromStatus: string
  toStatus: string
  fromActual: string
  toActual: string
  fromScore: number | null
  toScore: number | null
  at: string
}

type Raw = {
  id: number
  target_id: string
  scan_id: string
  prev_scan_id: string | null
  rule_id: string
  type: DriftType
  severity: string
  title: string
  from_status: string
  to_status: string
  from_actual: string
  to_actual: string
  from_score: number | null
  to_score: number | null
  at: string
}

export const toEvent = (r: Raw): DriftEventRow => ({
  id: r.id,
  targetId: r.target_id,
  scanId: r.scan_id,
  prevScanId: r.prev_scan_id,
  ruleId: r.rule_id,
  type: r.type,
  severity: r.severity,
  title: r.title,
  fromStatus: r.from_status,
  toStatus: r.to_status,
  fromActual: r.from_actual,
  toActual: r.to_actual,
  fromScore: r.from_score,
  toScore: r.to_score,
  at: r.at,
})

/** Rows a multi-row insert carries at most (well under both engines' bound-parameter limits). */
const CHUNK = 500

/**
 * Called inside the scan's commit transaction. Takes the store's Sql door, or (while its caller is still on
 * better-sqlite3) the SQLite handle itself. Returns the stored events in the findings' order.
 */
export function insertDriftEvents(
  store: Sql | Db,
  scan: { targetId: string; scanId: string; prevScanId: string | null; at: string },
  findings: readonly DriftFinding[],
): DriftEventRow[] {
  if (findings.length === 0) return []
  const sql = 'q' in store ? store : sqliteSql(store)
  const out: DriftEventRow[] = []
  for (let i = 0; i < findings.length; i += CHUNK) {
    const rows = sql.all(
      sql.q
        .insertInto('drift_events')
        .values(
          findings.slice(i, i + CHUNK).map((f) => ({
            target_id: scan.targetId,
            scan_id: scan.scanId,
            prev_scan_id: scan.prevScanId,
            rule_id: f.ruleId,
            type: f.type,
            severity: f.severity,
            title: f.title,
            from_status: f.fromStatus,
            to_status: f.toStatus,
            from_actual: f.fromActual,
            to_actual: f.toActual,
            from_score: f.fromScore,
            to_score: f.toScore,
            at: scan.at,
          })),
        )
        .returningAll(),
    )
    // Ids are handed out in the order of the VALUES; RETURNING's own order is not promised by either engine.
    out.push(...rows.map((r) => toEvent(r as Raw)).sort((a, b) => a.id - b.id))
  }
  return out
}

export interface EventFilter {
  targetId?: string
  types?: string[]
  severities?: string[]
  from?: string
  to?: string
  limit?: number
}

export interface TimelinePoint {
  scanId: string
  at: string
  score: number | null
  /** Drift events this scan recorded, by type. */
  events: Record<string, number>
  /** Set when this scan ran another policy than the scan before it: what changed, in words. */
  policyChange?: string
}

type PolicyOf = { profile_id: string; tailoring_name: string | null; policy: string; info: string }

/** "Policy changed: …" in words: the profile or pack, and the tailoring, before and after. */
function policyChange(before: PolicyOf, after: PolicyOf): string {
  const name = (p: PolicyOf) => {
    const profile = p.profile_id.replace(/^xccdf_org\.ssgproject\.content_profile_/, '')
    return p.tailoring_name ? `${profile} + tailoring "${p.tailoring_name}"` : profile
  }
  const a = name(before)
  const b = name(after)
  if (a !== b) return `Policy changed: ${a} → ${b}`
  const content = (p: PolicyOf) => (JSON.parse(p.info) as { content?: string }).content ?? ''
  if (content(before) !== content(after)) return `Policy changed: ${b} (other benchmark content)`
  return `Policy changed: ${b} was edited (rules, Values or variables)`
}

export class DriftRepo {
  constructor(private readonly db: Db) {}

  events(f: EventFilter = {}): { events: DriftEventRow[]; total: number } {
    const where: string[] = []
    const args: unknown[] = []
    const add = (clause: string, ...values: unknown[]) => {
      where.push(clause)
      args.push(...values)
    }
    if (f.targetId) add('target_id = ?', f.targetId)
    if (f.types?.length) add(`type IN (${f.types.map(() => '?').join(',')})`, ...f.types)
    if (f.severities?.length) add(`severity IN (${f.severities.map(() => '?').join(',')})`, ...f.severities)
    if (f.from) add('at >= ?', f.from)
    if (f.to) add('at <= ?', f.to)
    const w = where.length ? `WHERE ${where.join(' AND ')}` : ''
    const total = (
      this.db.prepare(`SELECT count(*) AS n FROM drift_events ${w}`).get(...args) as { n: number }
    ).n
    const rows = this.db
      .prepare(`SELECT * FROM drift_events ${w} ORDER BY at DESC, id DESC LIMIT ?`)
      .all(...args, f.limit ?? 500) as Raw[]
    return { events: rows.map(toEvent), total }
  }

  /** Regressions and fixes with the end of the scan each was compared against, oldest first (the KPIs). */
  kpiEvents(f: { targetId?: string; from?: string; to?: string }): KpiEvent[] {
    const where = ["e.type IN ('regression', 'fixed')"]
    const args: string[] = []
    for (const [clause, value] of [
      ['e.target_id = ?', f.targetId],
      ['e.at >= ?', f.from],
      ['e.at <= ?', f.to],
    ] as const)
      if (value) {
        where.push(clause)
        args.push(value)
      }
    return this.db
      .prepare(
        `SELECT e.target_id AS targetId, e.rule_id AS ruleId, e.type, e.at, p.finished_at AS prevAt
         FROM drift_events e LEFT JOIN scans p ON p.id = e.prev_scan_id
         WHERE ${where.join(' AND ')} ORDER BY e.at, e.id`,
      )
      .all(...args) as KpiEvent[]
  }

  event(id: number): DriftEventRow | undefined {
    const r = this.db.prepare('SELECT * FROM drift_events WHERE id = ?').get(id) as Raw | undefined
    return r ? toEvent(r) : undefined
  }

  /** Every finished scan's score for one target, oldest first, with the drift each scan recorded. */
  timeline(targetId: string): TimelinePoint[] {
    const scans = this.db
      .prepare(
        `SELECT id, finished_at AS at, score, profile_id, tailoring_name, policy, info FROM scans
         WHERE target_id = ? AND state = 'done' ORDER BY started_at, rowid`,
      )
      .all(targetId) as ({ id: string; at: string; score: number | null } & PolicyOf)[]
    const counts = this.db
      .prepare(
        'SELECT scan_id, type, count(*) AS n FROM drift_events WHERE target_id = ? GROUP BY scan_id, type',
      )
      .all(targetId) as { scan_id: string; type: string; n: number }[]
    const byScan = new Map<string, Record<string, number>>()
    for (const c of counts) byScan.set(c.scan_id, { ...byScan.get(c.scan_id), [c.type]: c.n })
    return scans.map((s, i) => {
      const before = scans[i - 1]
      // The same test as the commit's: both scans know their policy and the two differ.
      const changed = before?.policy && s.policy && before.policy !== s.policy
      return {
        scanId: s.id,
        at: s.at,
        score: s.score,
        events: byScan.get(s.id) ?? {},
        ...(changed && { policyChange: policyChange(before, s) }),
      }
    })
  }

  /** One rule's stored result in one scan (the before/after evidence of an event). */
  result(scanId: string, ruleId: string) {
    return this.db
      .prepare(
        'SELECT status, actual, expected, message, severity, title FROM results WHERE scan_id = ? AND rule_id = ?',
      )
      .get(scanId, ruleId) as
      | { status: string; actual: string; expected: string; message: string; severity: string; title: string }
      | undefined
  }
}

// Drift events and each target's score timeline: written by the scan commit, read by the Drift page. Timelines
// read scans and events only, never the results table, so a year of daily scans stays a small query.
import type { Selectable } from 'kysely'
import type { Sql } from './sql/engine'
import type { DriftEvents } from './sql/schema'
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

type Raw = Selectable<DriftEvents>

export const toEvent = (r: Raw): DriftEventRow => ({
  id: Number(r.id),
  targetId: r.target_id,
  scanId: r.scan_id,
  prevScanId: r.prev_scan_id,
  ruleId: r.rule_id,
  type: r.type as DriftType,
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
 * Called inside the scan's commit transaction. Returns the stored events in the findings' order.
 */
export function insertDriftEvents(
  door: Sql,
  scan: { targetId: string; scanId: string; prevScanId: string | null; at: string },
  findings: readonly DriftFinding[],
): DriftEventRow[] {
  if (findings.length === 0) return []
  const out: DriftEventRow[] = []
  for (let i = 0; i < findings.length; i += CHUNK) {
    const rows = door.all(
      door.q
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
    out.push(...rows.map(toEvent).sort((a, b) => a.id - b.id))
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
  constructor(private readonly sql: Sql) {}

  events(f: EventFilter = {}): { events: DriftEventRow[]; total: number } {
    const { q } = this.sql
    const matching = q
      .selectFrom('drift_events')
      .$if(Boolean(f.targetId), (qb) => qb.where('target_id', '=', f.targetId!))
      .$if(Boolean(f.types?.length), (qb) => qb.where('type', 'in', f.types!))
      .$if(Boolean(f.severities?.length), (qb) => qb.where('severity', 'in', f.severities!))
      .$if(Boolean(f.from), (qb) => qb.where('at', '>=', f.from!))
      .$if(Boolean(f.to), (qb) => qb.where('at', '<=', f.to!))
    const total = this.sql.get(matching.select((eb) => eb.fn.countAll<number>().as('n')))?.n ?? 0
    const rows = this.sql.all(
      matching
        .selectAll()
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(f.limit ?? 500),
    )
    return { events: rows.map(toEvent), total }
  }

  /** Regressions and fixes with the end of the scan each was compared against, oldest first (the KPIs). */
  kpiEvents(f: { targetId?: string; from?: string; to?: string }): KpiEvent[] {
    const { q } = this.sql
    return this.sql.all(
      q
        .selectFrom('drift_events as e')
        .leftJoin('scans as p', 'p.id', 'e.prev_scan_id')
        .select([
          'e.target_id as targetId',
          'e.rule_id as ruleId',
          'e.type',
          'e.at',
          'p.finished_at as prevAt',
        ])
        .where('e.type', 'in', ['regression', 'fixed'])
        .$if(Boolean(f.targetId), (qb) => qb.where('e.target_id', '=', f.targetId!))
        .$if(Boolean(f.from), (qb) => qb.where('e.at', '>=', f.from!))
        .$if(Boolean(f.to), (qb) => qb.where('e.at', '<=', f.to!))
        .orderBy('e.at')
        .orderBy('e.id'),
    )
  }

  event(id: number): DriftEventRow | undefined {
    const { q } = this.sql
    const r = this.sql.get(q.selectFrom('drift_events').selectAll().where('id', '=', id))
    return r ? toEvent(r) : undefined
  }

  /** Every finished scan's score for one target, oldest first, with the drift each scan recorded. */
  timeline(targetId: string): TimelinePoint[] {
    const { q } = this.sql
    const scans = this.sql.all(
      q
        .selectFrom('scans')
        .select(['id', 'finished_at as at', 'score', 'profile_id', 'tailoring_name', 'policy', 'info'])
        .where('target_id', '=', targetId)
        .where('state', '=', 'done')
        .orderBy('started_at')
        // Two scans started in the same millisecond: in the order they were created.
        .orderBy('seq'),
    )
    const counts = this.sql.all(
      q
        .selectFrom('drift_events')
        .select((eb) => ['scan_id', 'type', eb.fn.countAll<number>().as('n')])
        .where('target_id', '=', targetId)
        .groupBy(['scan_id', 'type']),
    )
    const byScan = new Map<string, Record<string, number>>()
    for (const c of counts) byScan.set(c.scan_id, { ...byScan.get(c.scan_id), [c.type]: c.n })
    return scans.map((s, i) => {
      const before = scans[i - 1]
      // The same test as the commit's: both scans know their policy and the two differ.
      const changed = before?.policy && s.policy && before.policy !== s.policy
      return {
        scanId: s.id,
        at: s.at!,
        score: s.score,
        events: byScan.get(s.id) ?? {},
        ...(changed && { policyChange: policyChange(before, s) }),
      }
    })
  }

  /** One rule's stored result in one scan (the before/after evidence of an event). */
  result(scanId: string, ruleId: string) {
    const { q } = this.sql
    return this.sql.get(
      q
        .selectFrom('results')
        .select(['status', 'actual', 'expected', 'message', 'severity', 'title'])
        .where('scan_id', '=', scanId)
        .where('rule_id', '=', ruleId),
    )
  }
}

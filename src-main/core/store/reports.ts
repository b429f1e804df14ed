// What reports read from the store: finished scans in a scope and window, evidence artefacts by hash, and
// drift events.
import { gunzipSync } from 'node:zlib'
import type { Sql } from './sql/engine'
import { toScanRow, type RawScan, type ScanRow } from './scans'

export interface DriftEventRow {
  targetId: string
  type: string
  ruleId: string
  title: string
  severity: string
  from: string
  to: string
  scanId: string
  at: string
}

/** Ids per statement: an `in` list stays far below either engine's limit on parameters. */
const CHUNK = 1000

function chunks<T>(list: readonly T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK))
  return out
}

const byAtThenId = (a: { startedAt: string; id: string }, b: { startedAt: string; id: string }) =>
  a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0

export class ReportsRepo {
  constructor(private readonly sql: Sql) {}

  /**
   * Finished scans of these targets started within [from, to] (and of these profiles, unless none are
   * named), oldest first (ties broken by id).
   */
  doneScans(
    targetIds: readonly string[],
    from?: string,
    to?: string,
    profileIds: readonly string[] = [],
  ): ScanRow[] {
    const { q } = this.sql
    const parts = chunks(targetIds)
    const rows = parts.flatMap((part) =>
      this.sql.all(
        q
          .selectFrom('scans')
          .selectAll()
          .where('state', '=', 'done')
          .where('target_id', 'in', part)
          .$if(from !== undefined, (qb) => qb.where('started_at', '>=', from!))
          .$if(to !== undefined, (qb) => qb.where('started_at', '<=', to!))
          .$if(profileIds.length > 0, (qb) => qb.where('profile_id', 'in', profileIds))
          .orderBy('started_at')
          .orderBy('seq'),
      ),
    )
    const scans = rows.map((r) => toScanRow(r as RawScan))
    return parts.length > 1 ? scans.sort(byAtThenId) : scans
  }

  evidenceMeta(shas: readonly string[]): { sha256: string; mediaType: string; bytes: number }[] {
    const { q } = this.sql
    return chunks(shas)
      .flatMap((part) =>
        this.sql.all(
          q
            .selectFrom('evidence')
            .select(['sha256', 'media_type as mediaType', 'bytes'])
            .where('sha256', 'in', part)
            .orderBy('sha256'),
        ),
      )
      .sort((a, b) => (a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : 0))
  }

  /** One artefact's bytes, decompressed; read one at a time so a 100 MB bundle never holds all at once. */
  evidenceBytes(sha: string): Buffer | undefined {
    const { q } = this.sql
    const r = this.sql.get(q.selectFrom('evidence').select('gz').where('sha256', '=', sha))
    return r ? gunzipSync(r.gz) : undefined
  }

  /** Drift events of these targets in the window, oldest first (then by target, rule and type). */
  driftEvents(targetIds: readonly string[], from?: string, to?: string): DriftEventRow[] {
    const { q } = this.sql
    const parts = chunks(targetIds)
    const rows = parts.flatMap((part) =>
      this.sql.all(
        q
          .selectFrom('drift_events')
          .select([
            'target_id',
            'type',
            'rule_id',
            'title',
            'severity',
            'from_status',
            'to_status',
            'from_score',
            'to_score',
            'scan_id',
            'at',
          ])
          .where('target_id', 'in', part)
          .$if(from !== undefined, (qb) => qb.where('at', '>=', from!))
          .$if(to !== undefined, (qb) => qb.where('at', '<=', to!))
          .orderBy('at')
          .orderBy('target_id')
          .orderBy('rule_id')
          .orderBy('type'),
      ),
    )
    if (parts.length > 1) {
      const key = (r: (typeof rows)[number]) => [r.at, r.target_id, r.rule_id, r.type]
      rows.sort((a, b) => {
        const ka = key(a)
        const kb = key(b)
        for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1
        return 0
      })
    }
    const pct = (v: number | null) => (v === null ? 'n/a' : `${v}%`)
    return rows.map((r) => {
      const isScore = r.type === 'score' || (!r.rule_id && (r.from_score !== null || r.to_score !== null))
      return {
        targetId: r.target_id,
        type: r.type,
        ruleId: r.rule_id,
        title: r.title,
        severity: r.severity,
        from: isScore ? pct(r.from_score) : r.from_status,
        to: isScore ? pct(r.to_score) : r.to_status,
        scanId: r.scan_id,
        at: r.at,
      }
    })
  }
}

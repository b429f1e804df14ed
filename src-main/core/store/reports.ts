// What reports read from the store: finished scans in a scope and window, evidence artefacts by hash, and
// drift events when this store has them (the drift_events table comes with drift detection).
import { gunzipSync } from 'node:zlib'
import type { Db } from './db'
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

export class ReportsRepo {
  constructor(private readonly db: Db) {}

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
    if (targetIds.length === 0) return []
    const rows = this.db
      .prepare(
        `SELECT * FROM scans WHERE state = 'done' AND target_id IN (SELECT value FROM json_each(?))
           AND (? IS NULL OR started_at >= ?) AND (? IS NULL OR started_at <= ?)
           AND (? = 0 OR profile_id IN (SELECT value FROM json_each(?)))
         ORDER BY started_at, id`,
      )
      .all(
        JSON.stringify(targetIds),
        from ?? null,
        from ?? null,
        to ?? null,
        to ?? null,
        profileIds.length,
        JSON.stringify(profileIds),
      ) as RawScan[]
    return rows.map(toScanRow)
  }

  evidenceMeta(shas: readonly string[]): { sha256: string; mediaType: string; bytes: number }[] {
    if (shas.length === 0) return []
    return this.db
      .prepare(
        `SELECT sha256, media_type AS mediaType, bytes FROM evidence
         WHERE sha256 IN (SELECT value FROM json_each(?)) ORDER BY sha256`,
      )
      .all(JSON.stringify(shas)) as { sha256: string; mediaType: string; bytes: number }[]
  }

  /** One artefact's bytes, decompressed; read one at a time so a 100 MB bundle never holds all at once. */
  evidenceBytes(sha: string): Buffer | undefined {
    const r = this.db.prepare('SELECT gz FROM evidence WHERE sha256 = ?').get(sha) as
      { gz: Buffer } | undefined
    return r ? gunzipSync(r.gz) : undefined
  }

  hasDriftTable(): boolean {
    return Boolean(
      this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'drift_events'").get(),
    )
  }

  /**
   * Drift events of these targets in the window, oldest first; empty while the table does not exist (drift
   * detection adds it). Columns are looked up, so an older or newer drift schema degrades to fewer details.
   */
  driftEvents(targetIds: readonly string[], from?: string, to?: string): DriftEventRow[] {
    if (!this.hasDriftTable() || targetIds.length === 0) return []
    const cols = new Set(
      (this.db.prepare("SELECT name FROM pragma_table_info('drift_events')").all() as { name: string }[]).map(
        (c) => c.name,
      ),
    )
    if (!cols.has('target_id') || !cols.has('at')) return []
    const col = (n: string, fallback = "''") => (cols.has(n) ? `"${n}"` : fallback)
    const rows = this.db
      .prepare(
        `SELECT target_id AS targetId, ${col('type')} AS type, ${col('rule_id')} AS ruleId, ${col('title')} AS title,
                ${col('severity')} AS severity, ${col('from_status')} AS fromStatus, ${col('to_status')} AS toStatus,
                ${col('from_score', 'NULL')} AS fromScore, ${col('to_score', 'NULL')} AS toScore,
                ${col('scan_id')} AS scanId, at
         FROM drift_events WHERE target_id IN (SELECT value FROM json_each(?))
           AND (? IS NULL OR at >= ?) AND (? IS NULL OR at <= ?)
         ORDER BY at, target_id, ${col('rule_id')}, ${col('type')}`,
      )
      .all(JSON.stringify(targetIds), from ?? null, from ?? null, to ?? null, to ?? null) as (Omit<
      DriftEventRow,
      'from' | 'to'
    > & { fromStatus: string; toStatus: string; fromScore: number | null; toScore: number | null })[]
    const pct = (v: number | null) => (v === null ? 'n/a' : `${v}%`)
    return rows.map((r) => {
      const isScore = r.type === 'score' || (!r.ruleId && (r.fromScore !== null || r.toScore !== null))
      return {
        targetId: String(r.targetId),
        type: String(r.type ?? ''),
        ruleId: String(r.ruleId ?? ''),
        title: String(r.title ?? ''),
        severity: String(r.severity ?? ''),
        from: isScore ? pct(r.fromScore) : String(r.fromStatus ?? ''),
        to: isScore ? pct(r.toScore) : String(r.toStatus ?? ''),
        scanId: String(r.scanId ?? ''),
        at: String(r.at),
      }
    })
  }
}

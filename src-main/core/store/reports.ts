// What reports read from the store: finished scans in a scope and window, evidence artefacts by hash, and
// drift events when this store has them (the drift_events table comes with drift detection).
import { gunzipSync } from 'node:zlib'
import type { Db } from './db'
import type { ScanRow } from './scans'

type RawScan = {
  id: string
  target_id: string
  trigger: 'manual' | 'watch'
  state: ScanRow['state']
  profile_id: string
  tailoring_id: string | null
  started_at: string
  finished_at: string | null
  error: string
  score: number | null
  counts: string
  evidence: string | null
  info: string
}

export interface DriftEventRow {
  targetId: string
  ruleId: string
  from: string
  to: string
  scanId: string
  at: string
}

export class ReportsRepo {
  constructor(private readonly db: Db) {}

  /** Finished scans of these targets started within [from, to], oldest first (ties broken by id). */
  doneScans(targetIds: readonly string[], from?: string, to?: string): ScanRow[] {
    if (targetIds.length === 0) return []
    const rows = this.db
      .prepare(
        `SELECT * FROM scans WHERE state = 'done' AND target_id IN (SELECT value FROM json_each(?))
           AND (? IS NULL OR started_at >= ?) AND (? IS NULL OR started_at <= ?)
         ORDER BY started_at, id`,
      )
      .all(JSON.stringify(targetIds), from ?? null, from ?? null, to ?? null, to ?? null) as RawScan[]
    return rows.map((r) => ({
      id: r.id,
      targetId: r.target_id,
      trigger: r.trigger,
      state: r.state,
      profileId: r.profile_id,
      tailoringId: r.tailoring_id,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      error: r.error,
      score: r.score,
      counts: JSON.parse(r.counts) as Record<string, number>,
      evidence: r.evidence,
      info: JSON.parse(r.info) as Record<string, string>,
    }))
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
    const r = this.db.prepare('SELECT gz FROM evidence WHERE sha256 = ?').get(sha) as { gz: Buffer } | undefined
    return r ? gunzipSync(r.gz) : undefined
  }

  hasDriftTable(): boolean {
    return Boolean(
      this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'drift_events'").get(),
    )
  }

  /**
   * Drift events of these targets in the window, oldest first; empty while the table does not exist. Column
   * names are read from the table itself, so the reader follows the schema drift detection settles on.
   */
  driftEvents(targetIds: readonly string[], from?: string, to?: string): DriftEventRow[] {
    if (!this.hasDriftTable() || targetIds.length === 0) return []
    const cols = new Set(
      (this.db.prepare("SELECT name FROM pragma_table_info('drift_events')").all() as { name: string }[]).map(
        (c) => c.name,
      ),
    )
    const pick = (...names: string[]) => names.find((n) => cols.has(n))
    const c = {
      target: pick('target_id', 'target'),
      rule: pick('rule_id', 'rule'),
      from: pick('from_status', 'from', 'previous_status', 'old_status'),
      to: pick('to_status', 'to', 'status', 'new_status'),
      scan: pick('scan_id', 'scan'),
      at: pick('at', 'detected_at', 'created_at'),
    }
    if (!c.target || !c.rule || !c.to || !c.at) return []
    const q = (n: string | undefined) => (n ? `"${n}"` : "''")
    const rows = this.db
      .prepare(
        `SELECT ${q(c.target)} AS targetId, ${q(c.rule)} AS ruleId, ${q(c.from)} AS "from", ${q(c.to)} AS "to",
                ${q(c.scan)} AS scanId, ${q(c.at)} AS at
         FROM drift_events WHERE ${q(c.target)} IN (SELECT value FROM json_each(?))
           AND (? IS NULL OR ${q(c.at)} >= ?) AND (? IS NULL OR ${q(c.at)} <= ?)
         ORDER BY ${q(c.at)}, ${q(c.target)}, ${q(c.rule)}`,
      )
      .all(JSON.stringify(targetIds), from ?? null, from ?? null, to ?? null, to ?? null) as DriftEventRow[]
    return rows.map((r) => ({
      targetId: String(r.targetId),
      ruleId: String(r.ruleId),
      from: String(r.from ?? ''),
      to: String(r.to ?? ''),
      scanId: String(r.scanId ?? ''),
      at: String(r.at),
    }))
  }
}

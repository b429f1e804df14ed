// Scans and their results: a scan row is created 'running', and everything it produced — results, evidence,
// the target's current status per rule, drift, and what its scanner keeps for the next run — is committed in
// one transaction at its end. A crash leaves only the 'running' row, which the next start marks 'interrupted':
// never a half-stored scan.
import { createHash } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'
import type { Db } from './db'
import type { RuleResult, ScanOutcome } from '../model/scan'
import { computeDrift, DEFAULT_THRESHOLDS, type Previous, type Thresholds } from '../watch/drift'
import { insertDriftEvents, type DriftEventRow } from './drift'
import { replaceRepoState } from './github'
import { applicability } from '../../../src-preload/applicability'

export type ScanState = 'running' | 'done' | 'failed' | 'interrupted' | 'cancelled'
/** What started a scan: a person in the UI, the watch's schedule, a group scan, or `driftwatch scan`. */
export type ScanTrigger = 'manual' | 'schedule' | 'group' | 'cli'

export interface ScanRow {
  id: string
  targetId: string
  trigger: ScanTrigger
  state: ScanState
  profileId: string
  tailoringId: string | null
  /** The tailoring's name and the SHA-256 of the tailoring file oscap ran with, as they were at the scan. */
  tailoringName: string | null
  tailoringSha256: string | null
  /** Fingerprint of the policy (content, profile, tailoring file, rule pack and variables); '' before v13. */
  policy: string
  startedAt: string
  finishedAt: string | null
  error: string
  score: number | null
  counts: Record<string, number>
  evidence: string | null
  info: Record<string, string>
}

/** A scans row as SQLite returns it. */
export type RawScan = Omit<
  ScanRow,
  | 'counts'
  | 'info'
  | 'targetId'
  | 'profileId'
  | 'tailoringId'
  | 'tailoringName'
  | 'tailoringSha256'
  | 'startedAt'
  | 'finishedAt'
> & {
  target_id: string
  profile_id: string
  tailoring_id: string | null
  tailoring_name: string | null
  tailoring_sha256: string | null
  started_at: string
  finished_at: string | null
  counts: string
  info: string
}

export const toScanRow = (r: RawScan): ScanRow => ({
  id: r.id,
  targetId: r.target_id,
  trigger: r.trigger,
  state: r.state,
  profileId: r.profile_id,
  tailoringId: r.tailoring_id,
  tailoringName: r.tailoring_name,
  tailoringSha256: r.tailoring_sha256,
  policy: r.policy,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  error: r.error,
  score: r.score,
  counts: JSON.parse(r.counts) as Record<string, number>,
  evidence: r.evidence,
  info: JSON.parse(r.info) as Record<string, string>,
})

/** pass / (pass + fail) × 100, as oscap's and SCAP Workbench's "score" is read by auditors; null without either. */
export function scoreOf(results: RuleResult[]): number | null {
  const pass = results.filter((r) => r.status === 'pass').length
  const fail = results.filter((r) => r.status === 'fail').length
  return pass + fail === 0 ? null : Math.round((pass / (pass + fail)) * 1000) / 10
}

/** What the watch adds to a scan's commit: the drift thresholds, and alerts opened in the same transaction. */
export interface CommitHooks {
  thresholds?(): Thresholds
  /** Runs inside the commit transaction with the drift just recorded; a throw rolls the whole scan back. */
  onDrift?(scan: ScanRow, events: DriftEventRow[], at: string): void
  /** Runs once the commit is stored (the Controls view recounts the target's controls). */
  onCommitted?(scan: ScanRow): void
}

export class ScansRepo {
  constructor(
    private readonly db: Db,
    private readonly hooks: CommitHooks = {},
  ) {}

  begin(
    row: Pick<ScanRow, 'id' | 'targetId' | 'trigger' | 'profileId' | 'tailoringId' | 'startedAt'> &
      Partial<Pick<ScanRow, 'tailoringName' | 'tailoringSha256' | 'policy'>>,
  ): void {
    this.db
      .prepare(
        `INSERT INTO scans (id, target_id, trigger, state, profile_id, tailoring_id, tailoring_name, tailoring_sha256,
           policy, started_at)
         VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        row.id,
        row.targetId,
        row.trigger,
        row.profileId,
        row.tailoringId,
        row.tailoringName ?? null,
        row.tailoringSha256 ?? null,
        row.policy ?? '',
        row.startedAt,
      )
  }

  /**
   * `gz` holds each evidence artefact already gzipped (in outcome.evidence's order), as the scan room does off
   * the event loop: an 8 MB ARF takes a hundred milliseconds and more to compress, which a UI would feel.
   */
  commit(
    id: string,
    outcome: ScanOutcome,
    at: string,
    gz: readonly Buffer[] = [],
  ): ScanRow & { drift: DriftEventRow[] } {
    const scan = this.get(id)
    if (!scan) throw new Error(`scan ${id} vanished`)
    const counts: Record<string, number> = {}
    for (const r of outcome.results) counts[r.status] = (counts[r.status] ?? 0) + 1
    const score = scoreOf(outcome.results)
    // Content for another platform (all or most rules not applicable) says nothing about the target: kept as a
    // scan, but it neither replaces the current status nor counts as drift.
    const mismatch = applicability(counts).mismatch
    let drift: DriftEventRow[] = []
    this.db.transaction(() => {
      // Drift is measured against the current status as it stood before this scan, in the same transaction,
      // so a crash either keeps the scan with its drift or neither.
      const previous = new Map<string, Previous>()
      for (const p of this.db
        .prepare('SELECT rule_id, status, actual FROM current_status WHERE target_id = ?')
        .iterate(scan.targetId) as Iterable<{ rule_id: string; status: string; actual: string }>)
        previous.set(p.rule_id, { status: p.status, actual: p.actual })
      const prev = this.db
        .prepare(
          `SELECT id, score, policy FROM scans WHERE target_id = ? AND state = 'done' AND id <> ?
           ORDER BY started_at DESC, rowid DESC LIMIT 1`,
        )
        .get(scan.targetId, id) as { id: string; score: number | null; policy: string } | undefined
      // Another policy (a tailoring changed, another profile or pack): rules entering or leaving scope and
      // results moved by new Values are the policy's doing, not the target's. The timeline marks the change
      // (DriftRepo.timeline); no drift event is raised.
      const policyChanged = Boolean(prev?.policy && scan.policy && prev.policy !== scan.policy)

      let evidenceSha: string | null = null
      for (const [i, e] of outcome.evidence.entries()) {
        const sha = createHash('sha256').update(e.bytes).digest('hex')
        this.db
          .prepare(
            'INSERT OR IGNORE INTO evidence (sha256, media_type, bytes, gz, created_at) VALUES (?, ?, ?, ?, ?)',
          )
          .run(sha, e.mediaType, e.bytes.length, gz[i] ?? gzipSync(e.bytes), at)
        evidenceSha ??= sha
      }
      const ins = this.db.prepare(
        `INSERT INTO results (scan_id, rule_id, status, severity, title, actual, expected, message, idents,
                              evidence_items)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      const current = this.db.prepare(
        `INSERT INTO current_status (target_id, rule_id, status, actual, scan_id, since) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (target_id, rule_id) DO UPDATE SET
           since = CASE WHEN current_status.status = excluded.status THEN current_status.since ELSE excluded.since END,
           status = excluded.status, actual = excluded.actual, scan_id = excluded.scan_id`,
      )
      for (const r of outcome.results) {
        ins.run(
          id,
          r.ruleId,
          r.status,
          r.severity,
          r.title,
          r.actual,
          r.expected,
          r.message,
          JSON.stringify(r.idents),
          JSON.stringify(r.evidence ?? []),
        )
        // error and notchecked say nothing about the rule itself: the last real status stands.
        if (!mismatch && r.status !== 'error' && r.status !== 'notchecked' && r.status !== 'notselected')
          current.run(scan.targetId, r.ruleId, r.status, r.actual, id, at)
      }
      // Rules the new policy no longer runs leave the target's current status with it.
      if (policyChanged) {
        const ran = new Set(outcome.results.map((r) => r.ruleId))
        const drop = this.db.prepare('DELETE FROM current_status WHERE target_id = ? AND rule_id = ?')
        for (const ruleId of previous.keys()) if (!ran.has(ruleId)) drop.run(scan.targetId, ruleId)
      }
      // What a scanner keeps for its next run is part of the same promise: stored with the scan, or not at all.
      if (outcome.githubRepoState) replaceRepoState(this.db, scan.targetId, outcome.githubRepoState)
      this.db
        .prepare(
          `UPDATE scans SET state = 'done', finished_at = ?, score = ?, counts = ?, evidence = ?, info = ? WHERE id = ?`,
        )
        .run(at, score, JSON.stringify(counts), evidenceSha, JSON.stringify(outcome.info), id)
      const findings =
        policyChanged || mismatch
          ? []
          : computeDrift(
              previous,
              outcome.results,
              { from: prev?.score ?? null, to: score },
              this.hooks.thresholds?.() ?? DEFAULT_THRESHOLDS,
            )
      drift = insertDriftEvents(
        this.db,
        { targetId: scan.targetId, scanId: id, prevScanId: prev?.id ?? null, at },
        findings,
      )
      this.hooks.onDrift?.(this.get(id)!, drift, at)
    })()
    const done = this.get(id)!
    this.hooks.onCommitted?.(done)
    return { ...done, drift }
  }

  finish(id: string, state: 'failed' | 'cancelled', error: string, at: string): void {
    this.db
      .prepare(`UPDATE scans SET state = ?, error = ?, finished_at = ? WHERE id = ? AND state = 'running'`)
      .run(state, error, at, id)
  }

  /** At start-up: scans left running by a crash or a kill are marked, not resumed or half-kept. */
  markInterrupted(at: string): number {
    return this.db
      .prepare(
        `UPDATE scans SET state = 'interrupted', finished_at = ?, error = 'Driftwatch stopped during this scan' WHERE state = 'running'`,
      )
      .run(at).changes
  }

  get(id: string): ScanRow | undefined {
    const r = this.db.prepare('SELECT * FROM scans WHERE id = ?').get(id) as RawScan | undefined
    return r ? toScanRow(r) : undefined
  }

  list(targetId?: string, limit = 200): ScanRow[] {
    const rows = (
      targetId
        ? this.db
            .prepare('SELECT * FROM scans WHERE target_id = ? ORDER BY started_at DESC LIMIT ?')
            .all(targetId, limit)
        : this.db.prepare('SELECT * FROM scans ORDER BY started_at DESC LIMIT ?').all(limit)
    ) as RawScan[]
    return rows.map(toScanRow)
  }

  /** The latest finished scan of each target (for the dashboard's scores). */
  latestPerTarget(): ScanRow[] {
    const rows = this.db
      .prepare(
        `SELECT s.* FROM scans s JOIN (SELECT target_id, max(started_at) AS m FROM scans WHERE state = 'done' GROUP BY target_id) l
           ON s.target_id = l.target_id AND s.started_at = l.m WHERE s.state = 'done'`,
      )
      .all() as RawScan[]
    return rows.map(toScanRow)
  }

  /**
   * Each target's latest finished scan whose counts `keep` accepts (the dashboard's score: the last scan that
   * said something about the target), looking back through at most `depth` finished scans per target.
   */
  latestMeaningfulPerTarget(keep: (counts: Record<string, number>) => boolean, depth = 50): ScanRow[] {
    const targets = this.db.prepare(`SELECT DISTINCT target_id FROM scans WHERE state = 'done'`).all() as {
      target_id: string
    }[]
    const recent = this.db.prepare(
      `SELECT * FROM scans WHERE target_id = ? AND state = 'done' ORDER BY started_at DESC LIMIT ?`,
    )
    const out: ScanRow[] = []
    for (const { target_id } of targets)
      for (const raw of recent.iterate(target_id, depth) as IterableIterator<RawScan>) {
        const row = toScanRow(raw)
        if (keep(row.counts)) {
          out.push(row)
          break
        }
      }
    return out
  }

  /** Each target's latest ended scan (done, failed or interrupted; a cancel is not an outcome). */
  latestEndedPerTarget(): ScanRow[] {
    const rows = this.db
      .prepare(
        `SELECT s.* FROM scans s JOIN (SELECT target_id, max(started_at) AS m FROM scans
           WHERE state IN ('done', 'failed', 'interrupted') GROUP BY target_id) l
           ON s.target_id = l.target_id AND s.started_at = l.m WHERE s.state IN ('done', 'failed', 'interrupted')`,
      )
      .all() as RawScan[]
    return rows.map(toScanRow)
  }

  results(scanId: string): RuleResult[] {
    const rows = this.db
      .prepare('SELECT * FROM results WHERE scan_id = ? ORDER BY rule_id')
      .all(scanId) as (Omit<RuleResult, 'ruleId' | 'idents' | 'evidence'> & {
      rule_id: string
      idents: string
      evidence_items: string
    })[]
    return rows.map((r) => ({
      ruleId: r.rule_id,
      status: r.status,
      severity: r.severity,
      title: r.title,
      actual: r.actual,
      expected: r.expected,
      message: r.message,
      idents: JSON.parse(r.idents) as RuleResult['idents'],
      evidence: JSON.parse(r.evidence_items) as NonNullable<RuleResult['evidence']>,
    }))
  }

  evidence(sha: string): { mediaType: string; bytes: Buffer } | undefined {
    const r = this.db.prepare('SELECT media_type, gz FROM evidence WHERE sha256 = ?').get(sha) as
      { media_type: string; gz: Buffer } | undefined
    return r ? { mediaType: r.media_type, bytes: gunzipSync(r.gz) } : undefined
  }
}

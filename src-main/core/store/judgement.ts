// Exceptions and attestations: the rows, their evidence files (content-addressed beside scan evidence), and
// the few facts about results the judgement rooms need (known rule ids, each target's latest status).
import { createHash } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'
import type { Db } from './db'
import { insertDriftEvents, type DriftEventRow } from './drift'
import type { DriftFinding } from '../watch/drift'

export interface ExceptionRow {
  id: string
  rulePattern: string
  scope: 'target' | 'group' | 'all'
  targetId: string | null
  group: string | null
  justification: string
  approvedBy: string
  createdAt: string
  updatedAt: string
  expiresAt: string
  evidence: { sha256: string; name: string } | null
  revokedAt: string | null
  revokedBy: string
  noticeAt: string | null
  expiredAt: string | null
}

export interface AttestationRow {
  id: string
  targetId: string | null
  ruleId: string
  status: 'passed' | 'failed'
  explanation: string
  frequency: string
  attestedBy: string
  attestedAt: string
  expiresAt: string
  evidence: { sha256: string; name: string } | null
  revokedAt: string | null
}

type RawException = {
  id: string
  rule_pattern: string
  scope: ExceptionRow['scope']
  target_id: string | null
  group_name: string | null
  justification: string
  approved_by: string
  created_at: string
  updated_at: string
  expires_at: string
  evidence: string | null
  evidence_name: string
  revoked_at: string | null
  revoked_by: string
  notice_at: string | null
  expired_at: string | null
}
const toException = (r: RawException): ExceptionRow => ({
  id: r.id,
  rulePattern: r.rule_pattern,
  scope: r.scope,
  targetId: r.target_id,
  group: r.group_name,
  justification: r.justification,
  approvedBy: r.approved_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  expiresAt: r.expires_at,
  evidence: r.evidence ? { sha256: r.evidence, name: r.evidence_name } : null,
  revokedAt: r.revoked_at,
  revokedBy: r.revoked_by,
  noticeAt: r.notice_at,
  expiredAt: r.expired_at,
})

type RawAttestation = {
  id: string
  target_id: string | null
  rule_id: string
  status: AttestationRow['status']
  explanation: string
  frequency: string
  attested_by: string
  attested_at: string
  expires_at: string
  evidence: string | null
  evidence_name: string
  revoked_at: string | null
}
const toAttestation = (r: RawAttestation): AttestationRow => ({
  id: r.id,
  targetId: r.target_id,
  ruleId: r.rule_id,
  status: r.status,
  explanation: r.explanation,
  frequency: r.frequency,
  attestedBy: r.attested_by,
  attestedAt: r.attested_at,
  expiresAt: r.expires_at,
  evidence: r.evidence ? { sha256: r.evidence, name: r.evidence_name } : null,
  revokedAt: r.revoked_at,
})

export type ExceptionInsert = Omit<ExceptionRow, 'revokedAt' | 'revokedBy' | 'noticeAt' | 'expiredAt'>
export type AttestationInsert = Omit<AttestationRow, 'revokedAt'>

export class JudgementRepo {
  constructor(private readonly db: Db) {}

  /** Runs `fn` in one transaction: several exceptions are stored together, or none. */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }

  // ---- exceptions ----
  exceptions(includeRevoked = false): ExceptionRow[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM exceptions ${includeRevoked ? '' : 'WHERE revoked_at IS NULL'} ORDER BY created_at, id`,
        )
        .all() as RawException[]
    ).map(toException)
  }
  exception(id: string): ExceptionRow | undefined {
    const r = this.db.prepare('SELECT * FROM exceptions WHERE id = ?').get(id) as RawException | undefined
    return r ? toException(r) : undefined
  }
  saveException(e: ExceptionInsert): ExceptionRow {
    this.db
      .prepare(
        `INSERT INTO exceptions (id, rule_pattern, scope, target_id, group_name, justification, approved_by,
           created_at, updated_at, expires_at, evidence, evidence_name)
         VALUES (@id, @rulePattern, @scope, @targetId, @group, @justification, @approvedBy, @createdAt, @updatedAt,
           @expiresAt, @sha, @name)
         ON CONFLICT (id) DO UPDATE SET rule_pattern = excluded.rule_pattern, scope = excluded.scope,
           target_id = excluded.target_id, group_name = excluded.group_name, justification = excluded.justification,
           approved_by = excluded.approved_by, updated_at = excluded.updated_at, expires_at = excluded.expires_at,
           evidence = excluded.evidence, evidence_name = excluded.evidence_name,
           -- A new expiry is watched afresh.
           notice_at = CASE WHEN exceptions.expires_at = excluded.expires_at THEN exceptions.notice_at END,
           expired_at = CASE WHEN exceptions.expires_at = excluded.expires_at THEN exceptions.expired_at END`,
      )
      .run({ ...e, sha: e.evidence?.sha256 ?? null, name: e.evidence?.name ?? '' })
    return this.exception(e.id)!
  }
  revokeException(id: string, by: string, at: string): boolean {
    return (
      this.db
        .prepare(
          'UPDATE exceptions SET revoked_at = ?, revoked_by = ?, updated_at = ? WHERE id = ? AND revoked_at IS NULL',
        )
        .run(at, by, at, id).changes > 0
    )
  }
  markNotice(id: string, at: string): void {
    this.db.prepare('UPDATE exceptions SET notice_at = ? WHERE id = ?').run(at, id)
  }
  /** Live exceptions whose week-before notice or expiry is due and not yet acted on. */
  dueForNotice(noticeBefore: string): ExceptionRow[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM exceptions WHERE revoked_at IS NULL AND notice_at IS NULL AND expired_at IS NULL
             AND expires_at <= ? ORDER BY expires_at`,
        )
        .all(noticeBefore) as RawException[]
    ).map(toException)
  }
  dueForExpiry(now: string): ExceptionRow[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM exceptions WHERE revoked_at IS NULL AND expired_at IS NULL AND expires_at <= ?
           ORDER BY expires_at`,
        )
        .all(now) as RawException[]
    ).map(toException)
  }
  /** The next moment the expiry watch has something to do (a notice or an expiry), or null. */
  nextExpiry(): string | null {
    return (
      this.db
        .prepare(
          `SELECT min(expires_at) AS t FROM exceptions WHERE revoked_at IS NULL AND expired_at IS NULL`,
        )
        .get() as { t: string | null }
    ).t
  }

  /**
   * Records "exception expired" drift for each (target, rule) that fails now, against the scan that showed the
   * failure, and marks the exception expired, in one transaction with `after` (the alerts it opens).
   */
  recordExpiry(
    id: string,
    at: string,
    failing: { targetId: string; scanId: string; finding: DriftFinding }[],
    after: (events: DriftEventRow[]) => void,
  ): DriftEventRow[] {
    return this.db.transaction(() => {
      const claimed = this.db
        .prepare('UPDATE exceptions SET expired_at = ? WHERE id = ? AND expired_at IS NULL')
        .run(at, id).changes
      if (claimed === 0) return []
      // One "exception expired" per scan and rule, however many exceptions covered it.
      const seen = this.db.prepare(
        `SELECT 1 FROM drift_events WHERE scan_id = ? AND rule_id = ? AND type = 'exception-expired'`,
      )
      const fresh = failing.filter((f) => !seen.get(f.scanId, f.finding.ruleId))
      const events = fresh.flatMap((f) =>
        insertDriftEvents(this.db, { targetId: f.targetId, scanId: f.scanId, prevScanId: null, at }, [
          f.finding,
        ]),
      )
      after(events)
      return events
    })()
  }

  // ---- attestations ----
  attestations(includeRevoked = false): AttestationRow[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM attestations ${includeRevoked ? '' : 'WHERE revoked_at IS NULL'} ORDER BY rule_id, id`,
        )
        .all() as RawAttestation[]
    ).map(toAttestation)
  }
  attestation(id: string): AttestationRow | undefined {
    const r = this.db.prepare('SELECT * FROM attestations WHERE id = ?').get(id) as RawAttestation | undefined
    return r ? toAttestation(r) : undefined
  }
  /** A new attestation for a (target, rule) replaces the one in force (it is kept, revoked, as history). */
  saveAttestation(a: AttestationInsert, at: string): AttestationRow {
    this.db
      .prepare(
        `UPDATE attestations SET revoked_at = ?, updated_at = ?
         WHERE coalesce(target_id, '') = coalesce(?, '') AND rule_id = ? AND revoked_at IS NULL AND id <> ?`,
      )
      .run(at, at, a.targetId, a.ruleId, a.id)
    this.db
      .prepare(
        `INSERT INTO attestations (id, target_id, rule_id, status, explanation, frequency, attested_by, attested_at,
           expires_at, evidence, evidence_name, created_at, updated_at)
         VALUES (@id, @targetId, @ruleId, @status, @explanation, @frequency, @attestedBy, @attestedAt, @expiresAt,
           @sha, @name, @at, @at)
         ON CONFLICT (id) DO UPDATE SET target_id = excluded.target_id, rule_id = excluded.rule_id,
           status = excluded.status, explanation = excluded.explanation, frequency = excluded.frequency,
           attested_by = excluded.attested_by, attested_at = excluded.attested_at, expires_at = excluded.expires_at,
           evidence = excluded.evidence, evidence_name = excluded.evidence_name, updated_at = excluded.updated_at`,
      )
      .run({ ...a, sha: a.evidence?.sha256 ?? null, name: a.evidence?.name ?? '', at })
    return this.attestation(a.id)!
  }
  revokeAttestation(id: string, at: string): boolean {
    return (
      this.db
        .prepare('UPDATE attestations SET revoked_at = ?, updated_at = ? WHERE id = ? AND revoked_at IS NULL')
        .run(at, at, id).changes > 0
    )
  }

  // ---- facts about results ----
  /** Every rule id any scan has reported (an exception or attestation must name one of them, or a pack's). */
  knownRuleIds(): Set<string> {
    return new Set(
      (this.db.prepare('SELECT DISTINCT rule_id FROM results').all() as { rule_id: string }[]).map(
        (r) => r.rule_id,
      ),
    )
  }
  /** Rules some scan could not check (XCCDF notchecked, a pack's manual check): what attestations are for. */
  notCheckedRuleIds(): Set<string> {
    return new Set(
      (
        this.db.prepare(`SELECT DISTINCT rule_id FROM results WHERE status = 'notchecked'`).all() as {
          rule_id: string
        }[]
      ).map((r) => r.rule_id),
    )
  }
  /** Each target's latest finished scan. */
  latestScans(): { targetId: string; scanId: string }[] {
    return this.db
      .prepare(
        `SELECT target_id AS targetId, id AS scanId FROM scans s WHERE state = 'done' AND started_at =
           (SELECT max(started_at) FROM scans WHERE target_id = s.target_id AND state = 'done')`,
      )
      .all() as { targetId: string; scanId: string }[]
  }
  /** A scan's results with the given status (the failures an exception may cover). */
  resultsWithStatus(
    scanId: string,
    status: string,
  ): { ruleId: string; title: string; severity: string; actual: string }[] {
    return this.db
      .prepare(
        `SELECT rule_id AS ruleId, title, severity, actual FROM results WHERE scan_id = ? AND status = ?`,
      )
      .all(scanId, status) as { ruleId: string; title: string; severity: string; actual: string }[]
  }
  /** The latest real status (pass/fail/…) per rule of a target. */
  currentStatus(targetId: string): Map<string, string> {
    const rows = this.db
      .prepare('SELECT rule_id, status FROM current_status WHERE target_id = ?')
      .all(targetId) as { rule_id: string; status: string }[]
    return new Map(rows.map((r) => [r.rule_id, r.status]))
  }

  /** A supporting file's bytes and type, for exports that carry it. */
  evidenceFile(sha: string): { bytes: Buffer; mediaType: string } | undefined {
    const r = this.db.prepare('SELECT gz, media_type FROM evidence WHERE sha256 = ?').get(sha) as
      { gz: Buffer; media_type: string } | undefined
    return r ? { bytes: gunzipSync(r.gz), mediaType: r.media_type } : undefined
  }

  /** Keeps a supporting file content-addressed and compressed, like scan evidence; returns its SHA-256. */
  putEvidence(bytes: Buffer, mediaType: string, at: string): string {
    const sha = createHash('sha256').update(bytes).digest('hex')
    this.db
      .prepare(
        'INSERT OR IGNORE INTO evidence (sha256, media_type, bytes, gz, created_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(sha, mediaType, bytes.length, gzipSync(bytes), at)
    return sha
  }
}

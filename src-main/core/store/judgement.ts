// Exceptions and attestations: the rows, their evidence files (content-addressed beside scan evidence), and
// the few facts about results the judgement rooms need (known rule ids, each target's latest status).
import { createHash } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'
import type { Selectable } from 'kysely'
import type { Sql } from './sql/engine'
import type { Attestations, Exceptions } from './sql/schema'
import { toEvent, type DriftEventRow } from './drift'
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

type RawException = Selectable<Exceptions>
const toException = (r: RawException): ExceptionRow => ({
  id: r.id,
  rulePattern: r.rule_pattern,
  scope: r.scope as ExceptionRow['scope'],
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

type RawAttestation = Selectable<Attestations>
const toAttestation = (r: RawAttestation): AttestationRow => ({
  id: r.id,
  targetId: r.target_id,
  ruleId: r.rule_id,
  status: r.status as AttestationRow['status'],
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

/** Rows per multi-row insert. */
const ROWS = 500

export class JudgementRepo {
  constructor(private readonly sql: Sql) {}

  /** Runs `fn` in one transaction: several exceptions are stored together, or none. */
  atomically<T>(fn: () => T): T {
    return this.sql.transaction(fn)
  }

  // ---- exceptions ----
  exceptions(includeRevoked = false): ExceptionRow[] {
    const { q } = this.sql
    return this.sql
      .all(
        q
          .selectFrom('exceptions')
          .selectAll()
          .$if(!includeRevoked, (qb) => qb.where('revoked_at', 'is', null))
          .orderBy('created_at')
          .orderBy('id'),
      )
      .map(toException)
  }
  exception(id: string): ExceptionRow | undefined {
    const { q } = this.sql
    const r = this.sql.get(q.selectFrom('exceptions').selectAll().where('id', '=', id))
    return r ? toException(r) : undefined
  }
  saveException(e: ExceptionInsert): ExceptionRow {
    const { q } = this.sql
    this.sql.run(
      q
        .insertInto('exceptions')
        .values({
          id: e.id,
          rule_pattern: e.rulePattern,
          scope: e.scope,
          target_id: e.targetId,
          group_name: e.group,
          justification: e.justification,
          approved_by: e.approvedBy,
          created_at: e.createdAt,
          updated_at: e.updatedAt,
          expires_at: e.expiresAt,
          evidence: e.evidence?.sha256 ?? null,
          evidence_name: e.evidence?.name ?? '',
        })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => {
            // A new expiry is watched afresh.
            const sameExpiry = eb('exceptions.expires_at', '=', eb.ref('excluded.expires_at'))
            return {
              rule_pattern: eb.ref('excluded.rule_pattern'),
              scope: eb.ref('excluded.scope'),
              target_id: eb.ref('excluded.target_id'),
              group_name: eb.ref('excluded.group_name'),
              justification: eb.ref('excluded.justification'),
              approved_by: eb.ref('excluded.approved_by'),
              updated_at: eb.ref('excluded.updated_at'),
              expires_at: eb.ref('excluded.expires_at'),
              evidence: eb.ref('excluded.evidence'),
              evidence_name: eb.ref('excluded.evidence_name'),
              notice_at: eb.case().when(sameExpiry).then(eb.ref('exceptions.notice_at')).end(),
              expired_at: eb.case().when(sameExpiry).then(eb.ref('exceptions.expired_at')).end(),
            }
          }),
        ),
    )
    return this.exception(e.id)!
  }
  revokeException(id: string, by: string, at: string): boolean {
    const { q } = this.sql
    return (
      this.sql.run(
        q
          .updateTable('exceptions')
          .set({ revoked_at: at, revoked_by: by, updated_at: at })
          .where('id', '=', id)
          .where('revoked_at', 'is', null),
      ).changes > 0
    )
  }
  markNotice(id: string, at: string): void {
    const { q } = this.sql
    this.sql.run(q.updateTable('exceptions').set({ notice_at: at }).where('id', '=', id))
  }
  /** Live exceptions whose week-before notice or expiry is due and not yet acted on, soonest first. */
  dueForNotice(noticeBefore: string): ExceptionRow[] {
    return this.sql.all(this.liveUntil(noticeBefore).where('notice_at', 'is', null)).map(toException)
  }
  /** Live exceptions past their expiry and not yet marked expired, soonest first. */
  dueForExpiry(now: string): ExceptionRow[] {
    return this.sql.all(this.liveUntil(now)).map(toException)
  }
  /** Exceptions neither revoked nor marked expired whose expiry is at or before `until`, soonest first. */
  private liveUntil(until: string) {
    return this.sql.q
      .selectFrom('exceptions')
      .selectAll()
      .where('revoked_at', 'is', null)
      .where('expired_at', 'is', null)
      .where('expires_at', '<=', until)
      .orderBy('expires_at')
      .orderBy('id')
  }
  /** The next moment the expiry watch has something to do (a notice or an expiry), or null. */
  nextExpiry(): string | null {
    const { q } = this.sql
    return (
      this.sql.get(
        q
          .selectFrom('exceptions')
          .select((eb) => eb.fn.min('expires_at').as('t'))
          .where('revoked_at', 'is', null)
          .where('expired_at', 'is', null),
      )?.t ?? null
    )
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
    const { q } = this.sql
    return this.sql.transaction(() => {
      // The update claims the expiry: of two processes watching one store, one records it.
      const claimed = this.sql.run(
        q
          .updateTable('exceptions')
          .set({ expired_at: at })
          .where('id', '=', id)
          .where('expired_at', 'is', null),
      ).changes
      if (claimed === 0) return []
      // One "exception expired" per scan and rule, however many exceptions covered it (or failing names twice).
      const seen = new Set<string>()
      const fresh = failing.filter((f) => {
        const key = `${f.scanId}\u0000${f.finding.ruleId}`
        if (seen.has(key)) return false
        seen.add(key)
        return !this.sql.get(
          q
            .selectFrom('drift_events')
            .select('id')
            .where('scan_id', '=', f.scanId)
            .where('rule_id', '=', f.finding.ruleId)
            .where('type', '=', 'exception-expired'),
        )
      })
      const events: DriftEventRow[] = []
      for (let i = 0; i < fresh.length; i += ROWS) {
        const rows = this.sql.all(
          q
            .insertInto('drift_events')
            .values(
              fresh.slice(i, i + ROWS).map((f) => ({
                target_id: f.targetId,
                scan_id: f.scanId,
                prev_scan_id: null,
                rule_id: f.finding.ruleId,
                type: f.finding.type,
                severity: f.finding.severity,
                title: f.finding.title,
                from_status: f.finding.fromStatus,
                to_status: f.finding.toStatus,
                from_actual: f.finding.fromActual,
                to_actual: f.finding.toActual,
                from_score: f.finding.fromScore,
                to_score: f.finding.toScore,
                at,
              })),
            )
            .returningAll(),
        )
        // In the order given: ids are handed out in insert order.
        rows.sort((a, b) => Number(a.id) - Number(b.id))
        events.push(...rows.map((r) => toEvent(r as Parameters<typeof toEvent>[0])))
      }
      after(events)
      return events
    })
  }

  // ---- attestations ----
  attestations(includeRevoked = false): AttestationRow[] {
    const { q } = this.sql
    return this.sql
      .all(
        q
          .selectFrom('attestations')
          .selectAll()
          .$if(!includeRevoked, (qb) => qb.where('revoked_at', 'is', null))
          .orderBy('rule_id')
          .orderBy('id'),
      )
      .map(toAttestation)
  }
  attestation(id: string): AttestationRow | undefined {
    const { q } = this.sql
    const r = this.sql.get(q.selectFrom('attestations').selectAll().where('id', '=', id))
    return r ? toAttestation(r) : undefined
  }
  /**
   * A new attestation for a (target, rule) replaces the one in force (it is kept, revoked, as history). The
   * database holds one live attestation per (target, rule) (attestations_one_live); the lock keeps two processes
   * from both finding none in force and one of them then failing on it.
   */
  saveAttestation(a: AttestationInsert, at: string): AttestationRow {
    const { q } = this.sql
    this.sql.transaction(() => {
      this.sql.lock('attestations')
      this.sql.run(
        q
          .updateTable('attestations')
          .set({ revoked_at: at, updated_at: at })
          .where((eb) =>
            a.targetId === null ? eb('target_id', 'is', null) : eb('target_id', '=', a.targetId),
          )
          .where('rule_id', '=', a.ruleId)
          .where('revoked_at', 'is', null)
          .where('id', '<>', a.id),
      )
      this.sql.run(
        q
          .insertInto('attestations')
          .values({
            id: a.id,
            target_id: a.targetId,
            rule_id: a.ruleId,
            status: a.status,
            explanation: a.explanation,
            frequency: a.frequency,
            attested_by: a.attestedBy,
            attested_at: a.attestedAt,
            expires_at: a.expiresAt,
            evidence: a.evidence?.sha256 ?? null,
            evidence_name: a.evidence?.name ?? '',
            created_at: at,
            updated_at: at,
          })
          .onConflict((oc) =>
            oc.column('id').doUpdateSet((eb) => ({
              target_id: eb.ref('excluded.target_id'),
              rule_id: eb.ref('excluded.rule_id'),
              status: eb.ref('excluded.status'),
              explanation: eb.ref('excluded.explanation'),
              frequency: eb.ref('excluded.frequency'),
              attested_by: eb.ref('excluded.attested_by'),
              attested_at: eb.ref('excluded.attested_at'),
              expires_at: eb.ref('excluded.expires_at'),
              evidence: eb.ref('excluded.evidence'),
              evidence_name: eb.ref('excluded.evidence_name'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          ),
      )
    })
    return this.attestation(a.id)!
  }
  revokeAttestation(id: string, at: string): boolean {
    const { q } = this.sql
    return (
      this.sql.run(
        q
          .updateTable('attestations')
          .set({ revoked_at: at, updated_at: at })
          .where('id', '=', id)
          .where('revoked_at', 'is', null),
      ).changes > 0
    )
  }

  // ---- facts about results ----
  /** Every rule id any scan has reported (an exception or attestation must name one of them, or a pack's). */
  knownRuleIds(): Set<string> {
    const { q } = this.sql
    return new Set(this.sql.all(q.selectFrom('results').select('rule_id').distinct()).map((r) => r.rule_id))
  }
  /** Rules some scan could not check (XCCDF notchecked, a pack's manual check): what attestations are for. */
  notCheckedRuleIds(): Set<string> {
    const { q } = this.sql
    return new Set(
      this.sql
        .all(q.selectFrom('results').select('rule_id').distinct().where('status', '=', 'notchecked'))
        .map((r) => r.rule_id),
    )
  }
  /** Each target's latest finished scan. */
  latestScans(): { targetId: string; scanId: string }[] {
    const { q } = this.sql
    return this.sql.all(
      q
        .selectFrom('scans as s')
        .select(['s.target_id as targetId', 's.id as scanId'])
        .where('s.state', '=', 'done')
        .where('s.started_at', '=', (eb) =>
          eb
            .selectFrom('scans as l')
            .select((e) => e.fn.max('l.started_at').as('m'))
            .whereRef('l.target_id', '=', 's.target_id')
            .where('l.state', '=', 'done'),
        ),
    )
  }
  /** A scan's results with the given status (the failures an exception may cover). */
  resultsWithStatus(
    scanId: string,
    status: string,
  ): { ruleId: string; title: string; severity: string; actual: string }[] {
    const { q } = this.sql
    return this.sql.all(
      q
        .selectFrom('results')
        .select(['rule_id as ruleId', 'title', 'severity', 'actual'])
        .where('scan_id', '=', scanId)
        .where('status', '=', status),
    )
  }
  /** The latest real status (pass/fail/…) per rule of a target. */
  currentStatus(targetId: string): Map<string, string> {
    const { q } = this.sql
    const rows = this.sql.all(
      q.selectFrom('current_status').select(['rule_id', 'status']).where('target_id', '=', targetId),
    )
    return new Map(rows.map((r) => [r.rule_id, r.status]))
  }

  /** A supporting file's bytes and type, for exports that carry it. */
  evidenceFile(sha: string): { bytes: Buffer; mediaType: string } | undefined {
    const { q } = this.sql
    const r = this.sql.get(q.selectFrom('evidence').select(['gz', 'media_type']).where('sha256', '=', sha))
    return r ? { bytes: gunzipSync(r.gz), mediaType: r.media_type } : undefined
  }

  /** Keeps a supporting file content-addressed and compressed, like scan evidence; returns its SHA-256. */
  putEvidence(bytes: Buffer, mediaType: string, at: string): string {
    const { q } = this.sql
    const sha = createHash('sha256').update(bytes).digest('hex')
    this.sql.run(
      q
        .insertInto('evidence')
        .values({
          sha256: sha,
          media_type: mediaType,
          bytes: bytes.length,
          gz: gzipSync(bytes),
          created_at: at,
        })
        .onConflict((oc) => oc.column('sha256').doNothing()),
    )
    return sha
  }
}

// Scans and their results: a scan row is created 'running', and everything it produced — results, evidence,
// the target's current status per rule, drift, and what its scanner keeps for the next run — is committed in
// one transaction at its end. A crash leaves only the 'running' row, which the next start marks 'interrupted':
// never a half-stored scan.
import { createHash } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'
import { sql as raw, type Selectable, type SelectQueryBuilder } from 'kysely'
import type { Sql } from './sql/engine'
import { CHUNK, insertRows } from './sql/bulk'
import type { DB, Scans } from './sql/schema'
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

/** A scans row as the store returns it. */
export type RawScan = Selectable<Scans>

export const toScanRow = (r: RawScan): ScanRow => ({
  id: r.id,
  targetId: r.target_id,
  trigger: r.trigger as ScanTrigger,
  state: r.state as ScanState,
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

const chunks = <T>(rows: readonly T[]): T[][] => {
  const out: T[][] = []
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK))
  return out
}

/**
 * Newest scan first. Two scans started in the same millisecond (a fixed test clock, a group scan, two watchers)
 * keep their order of creation (seq, migration 21) on both engines.
 */
function newestFirst<O>(query: SelectQueryBuilder<DB, 'scans', O>): SelectQueryBuilder<DB, 'scans', O> {
  return query.orderBy('started_at', 'desc').orderBy('seq', 'desc')
}

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
  /**
   * First thing inside the commit transaction (many watchers on one store): whether this scan may still be
   * stored. A scheduled scan whose claim another watcher took over may not: nothing is written, and the scan
   * row says why (interrupted).
   */
  fence?(scanId: string, at: string): boolean
}

/** A scheduled scan that lost its claim to another watcher: not stored. */
export class ClaimLostError extends Error {
  constructor() {
    super(LOST_CLAIM)
    this.name = 'ClaimLostError'
  }
}

const LOST_CLAIM =
  'Not stored: another watcher took this scheduled scan over after this one stopped renewing its claim'

export class ScansRepo {
  constructor(
    private readonly sql: Sql,
    private readonly hooks: CommitHooks = {},
  ) {}

  begin(
    row: Pick<ScanRow, 'id' | 'targetId' | 'trigger' | 'profileId' | 'tailoringId' | 'startedAt'> &
      Partial<Pick<ScanRow, 'tailoringName' | 'tailoringSha256' | 'policy'>> & {
        /** The process running it (many on one store: a scan left by one that is gone is marked). */
        runner?: string
      },
  ): void {
    // Numbered in the order scans are created: the lock keeps two processes on one store from taking the same
    // number (SQLite's write transaction already does).
    this.sql.transaction(() => {
      this.sql.lock('scans.seq')
      this.insertRunning(row)
    })
  }

  private insertRunning(
    row: Pick<ScanRow, 'id' | 'targetId' | 'trigger' | 'profileId' | 'tailoringId' | 'startedAt'> &
      Partial<Pick<ScanRow, 'tailoringName' | 'tailoringSha256' | 'policy'>> & { runner?: string },
  ): void {
    this.sql.run(
      this.sql.q.insertInto('scans').values({
        id: row.id,
        target_id: row.targetId,
        trigger: row.trigger,
        state: 'running',
        profile_id: row.profileId,
        tailoring_id: row.tailoringId,
        tailoring_name: row.tailoringName ?? null,
        tailoring_sha256: row.tailoringSha256 ?? null,
        policy: row.policy ?? '',
        started_at: row.startedAt,
        seq: (eb) => eb.selectFrom('scans').select(raw<number>`coalesce(max(seq), 0) + 1`.as('next')),
        runner: row.runner ?? null,
      }),
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
    let stored: { done: ScanRow; drift: DriftEventRow[] }
    try {
      stored = this.sql.transaction(() => {
        if (this.hooks.fence && !this.hooks.fence(id, at)) throw new ClaimLostError()
        return this.store(id, scan, outcome, at, gz, counts, score, mismatch)
      })
    } catch (err) {
      if (err instanceof ClaimLostError) this.interrupt(id, LOST_CLAIM, at)
      throw err
    }
    this.hooks.onCommitted?.(stored.done)
    return { ...stored.done, drift: stored.drift }
  }

  /** The body of `commit`, inside its transaction: the scan as stored, and its drift. */
  private store(
    id: string,
    scan: ScanRow,
    outcome: ScanOutcome,
    at: string,
    gz: readonly Buffer[],
    counts: Record<string, number>,
    score: number | null,
    mismatch: boolean,
  ): { done: ScanRow; drift: DriftEventRow[] } {
    const { q } = this.sql
    // Drift is measured against the current status as it stood before this scan, in the same transaction,
    // so a crash either keeps the scan with its drift or neither.
    const previous = new Map<string, Previous>()
    for (const p of this.sql.all(
      q
        .selectFrom('current_status')
        .select(['rule_id', 'status', 'actual'])
        .where('target_id', '=', scan.targetId),
    ))
      previous.set(p.rule_id, { status: p.status, actual: p.actual })
    const prev = this.sql.get(
      newestFirst(
        q
          .selectFrom('scans')
          .select(['id', 'score', 'policy'])
          .where('target_id', '=', scan.targetId)
          .where('state', '=', 'done')
          .where('id', '<>', id),
      ).limit(1),
    )
    // Another policy (a tailoring changed, another profile or pack): rules entering or leaving scope and
    // results moved by new Values are the policy's doing, not the target's. The timeline marks the change
    // (DriftRepo.timeline); no drift event is raised.
    const policyChanged = Boolean(prev?.policy && scan.policy && prev.policy !== scan.policy)

    // Evidence is content-addressed: an artefact already stored (by this scan or an earlier one) is kept once.
    const artefacts = new Map<string, Selectable<DB['evidence']>>()
    for (const [i, e] of outcome.evidence.entries()) {
      const sha = createHash('sha256').update(e.bytes).digest('hex')
      if (!artefacts.has(sha))
        artefacts.set(sha, {
          sha256: sha,
          media_type: e.mediaType,
          bytes: e.bytes.length,
          gz: gz[i] ?? gzipSync(e.bytes),
          created_at: at,
        })
    }
    insertRows(this.sql, 'scan.evidence', [...artefacts.values()], (rows) =>
      q
        .insertInto('evidence')
        .values(rows)
        .onConflict((oc) => oc.column('sha256').doNothing()),
    )
    const evidenceSha = artefacts.keys().next().value ?? null

    const results = outcome.results.map((r) => ({
      scan_id: id,
      rule_id: r.ruleId,
      status: r.status,
      severity: r.severity,
      title: r.title,
      actual: r.actual,
      expected: r.expected,
      message: r.message,
      idents: JSON.stringify(r.idents),
      evidence_items: JSON.stringify(r.evidence ?? []),
    }))
    insertRows(this.sql, 'scan.results', results, (rows) => q.insertInto('results').values(rows))
    // error and notchecked say nothing about the rule itself: the last real status stands.
    const standing = mismatch
      ? []
      : outcome.results.filter(
          (r) => r.status !== 'error' && r.status !== 'notchecked' && r.status !== 'notselected',
        )
    const current = standing.map((r) => ({
      target_id: scan.targetId,
      rule_id: r.ruleId,
      status: r.status,
      actual: r.actual,
      scan_id: id,
      since: at,
    }))
    insertRows(this.sql, 'scan.current', current, (rows) =>
      q
        .insertInto('current_status')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['target_id', 'rule_id']).doUpdateSet((eb) => ({
            // A rule keeps the moment it entered its status; only a change of status moves it.
            since: eb
              .case()
              .when('current_status.status', '=', eb.ref('excluded.status'))
              .then(eb.ref('current_status.since'))
              .else(eb.ref('excluded.since'))
              .end(),
            status: eb.ref('excluded.status'),
            actual: eb.ref('excluded.actual'),
            scan_id: eb.ref('excluded.scan_id'),
          })),
        ),
    )
    // Rules the new policy no longer runs leave the target's current status with it.
    if (policyChanged) {
      const ran = new Set(outcome.results.map((r) => r.ruleId))
      for (const gone of chunks([...previous.keys()].filter((ruleId) => !ran.has(ruleId))))
        this.sql.run(
          q.deleteFrom('current_status').where('target_id', '=', scan.targetId).where('rule_id', 'in', gone),
        )
    }
    // What a scanner keeps for its next run is part of the same promise: stored with the scan, or not at all.
    if (outcome.githubRepoState) replaceRepoState(this.sql, scan.targetId, outcome.githubRepoState)
    this.sql.run(
      q
        .updateTable('scans')
        .set({
          state: 'done',
          finished_at: at,
          score,
          counts: JSON.stringify(counts),
          evidence: evidenceSha,
          info: JSON.stringify(outcome.info),
        })
        .where('id', '=', id),
    )
    const findings =
      policyChanged || mismatch
        ? []
        : computeDrift(
            previous,
            outcome.results,
            { from: prev?.score ?? null, to: score },
            this.hooks.thresholds?.() ?? DEFAULT_THRESHOLDS,
          )
    const drift = insertDriftEvents(
      this.sql,
      { targetId: scan.targetId, scanId: id, prevScanId: prev?.id ?? null, at },
      findings,
    )
    // Read once, as it now stands, for the drift hook and for the caller.
    const done = this.get(id)!
    this.hooks.onDrift?.(done, drift, at)
    return { done, drift }
  }

  /** Ends a running scan as interrupted, saying why (a lost claim; a watcher that died, named). */
  interrupt(id: string, reason: string, at: string): boolean {
    return (
      this.sql.run(
        this.sql.q
          .updateTable('scans')
          .set({ state: 'interrupted', finished_at: at, error: reason })
          .where('id', '=', id)
          .where('state', '=', 'running'),
      ).changes > 0
    )
  }

  /** Running scans of the given processes (many watchers: the scans a process that is gone left behind). */
  runningOf(runners: readonly string[]): { id: string; runner: string }[] {
    if (runners.length === 0) return []
    return this.sql
      .all(
        this.sql.q
          .selectFrom('scans')
          .select(['id', 'runner'])
          .where('state', '=', 'running')
          .where('runner', 'in', [...runners]),
      )
      .map((r) => ({ id: r.id, runner: r.runner ?? '' }))
  }

  finish(id: string, state: 'failed' | 'cancelled', error: string, at: string): void {
    this.sql.run(
      this.sql.q
        .updateTable('scans')
        .set({ state, error, finished_at: at })
        .where('id', '=', id)
        .where('state', '=', 'running'),
    )
  }

  /** At start-up: scans left running by a crash or a kill are marked, not resumed or half-kept. */
  markInterrupted(at: string): number {
    return this.sql.run(
      this.sql.q
        .updateTable('scans')
        .set({ state: 'interrupted', finished_at: at, error: 'Driftwatch stopped during this scan' })
        .where('state', '=', 'running'),
    ).changes
  }

  get(id: string): ScanRow | undefined {
    const r = this.sql.get(this.sql.q.selectFrom('scans').selectAll().where('id', '=', id))
    return r ? toScanRow(r) : undefined
  }

  list(targetId?: string, limit = 200): ScanRow[] {
    let query = this.sql.q.selectFrom('scans').selectAll()
    if (targetId) query = query.where('target_id', '=', targetId)
    return this.sql.all(newestFirst(query).limit(limit)).map(toScanRow)
  }

  /** The latest finished scan of each target (for the dashboard's scores). */
  latestPerTarget(): ScanRow[] {
    return this.latestPerTargetIn(['done'])
  }

  /**
   * Each target's latest finished scan whose counts `keep` accepts (the dashboard's score: the last scan that
   * said something about the target), looking back through at most `depth` finished scans per target.
   */
  latestMeaningfulPerTarget(keep: (counts: Record<string, number>) => boolean, depth = 50): ScanRow[] {
    const { q } = this.sql
    const targets = this.sql.all(
      q.selectFrom('scans').select('target_id').distinct().where('state', '=', 'done').orderBy('target_id'),
    )
    const out: ScanRow[] = []
    for (const { target_id } of targets) {
      const recent = newestFirst(
        q.selectFrom('scans').selectAll().where('target_id', '=', target_id).where('state', '=', 'done'),
      )
      // The latest scan nearly always says something: read it alone, and look further back only when not.
      const latest = this.sql.all(recent.limit(1)).map(toScanRow)
      const earlier = () => this.sql.all(recent.limit(depth - 1).offset(1)).map(toScanRow)
      const found =
        latest.find((row) => keep(row.counts)) ??
        (latest.length > 0 && depth > 1 ? earlier().find((row) => keep(row.counts)) : undefined)
      if (found) out.push(found)
    }
    return out
  }

  /** Each target's latest ended scan (done, failed or interrupted; a cancel is not an outcome). */
  latestEndedPerTarget(): ScanRow[] {
    return this.latestPerTargetIn(['done', 'failed', 'interrupted'])
  }

  /** Each target's scans in `states` that started last (two in the same millisecond both come back). */
  private latestPerTargetIn(states: ScanState[]): ScanRow[] {
    const { q } = this.sql
    const latest = q
      .selectFrom('scans')
      .select((eb) => ['target_id', eb.fn.max('started_at').as('m')])
      .where('state', 'in', states)
      .groupBy('target_id')
      .as('l')
    const rows = this.sql.all(
      q
        .selectFrom('scans as s')
        .innerJoin(latest, (join) =>
          join.onRef('s.target_id', '=', 'l.target_id').onRef('s.started_at', '=', 'l.m'),
        )
        .selectAll('s')
        .where('s.state', 'in', states)
        .orderBy('s.target_id'),
    )
    return rows.map(toScanRow)
  }

  results(scanId: string): RuleResult[] {
    const rows = this.sql.all(
      this.sql.q.selectFrom('results').selectAll().where('scan_id', '=', scanId).orderBy('rule_id'),
    )
    return rows.map((r) => ({
      ruleId: r.rule_id,
      status: r.status as RuleResult['status'],
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
    const r = this.sql.get(
      this.sql.q.selectFrom('evidence').select(['media_type', 'gz']).where('sha256', '=', sha),
    )
    return r ? { mediaType: r.media_type, bytes: gunzipSync(r.gz) } : undefined
  }
}

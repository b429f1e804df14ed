// Many watchers on one store: the processes on it, and the claims that make each due run one process's.
//
// A watcher claims a due run with a lease (claim_until) and renews it while the scan runs; another watcher may
// take the run over only once that lease has lapsed (the holder died or was cut off). Each due time gets one
// scheduled_scans record, keyed by (schedule, target, due time): a take-over reuses it (attempts + 1), and a
// scan commits only while that record still names it (`holds`), so a watcher that comes back after losing its
// claim cannot store a second scan for the same due time. On PostgreSQL the due rows are locked FOR UPDATE
// SKIP LOCKED, so watchers claiming at once pass over each other's rows instead of waiting; SQLite has one
// writer at a time already.
import type { Sql } from './sql/engine'

export interface StoreProcess {
  id: string
  face: string
  host: string
  pid: number
  onlyKinds: string[]
  tags: string[]
  startedAt: string
  seenAt: string
}

export interface DueRun {
  scheduleId: string
  targetId: string
  nextRunAt: string
  status: string
  failures: number
  claimedBy: string | null
  claimUntil: string | null
  lastScanId: string | null
}

export interface Claim {
  scheduleId: string
  targetId: string
  dueAt: string
  attempts: number
  /** The watcher whose lapsed claim this one took over, and the scan it left running. */
  tookOver: { worker: string; scanId: string | null } | null
  /**
   * The due time's scan was already committed by the watcher whose claim lapsed (it died between its commit and
   * ending the run): nothing is scanned again; the claimer only ends the run as a success.
   */
  committed: boolean
}

export type ScheduledState = 'done' | 'failed' | 'cancelled'

type DueRow = {
  schedule_id: string
  target_id: string
  next_run_at: string
  status: string
  failures: number
  claimed_by: string | null
  claim_until: string | null
  last_scan_id: string | null
}

const toDueRun = (r: DueRow): DueRun => ({
  scheduleId: r.schedule_id,
  targetId: r.target_id,
  nextRunAt: r.next_run_at,
  status: r.status,
  failures: r.failures,
  claimedBy: r.claimed_by,
  claimUntil: r.claim_until,
  lastScanId: r.last_scan_id,
})

export class SharedWatchRepo {
  constructor(private readonly sql: Sql) {}

  // -- processes ------------------------------------------------------------------------------------------

  register(p: Omit<StoreProcess, 'seenAt'>): void {
    const { q } = this.sql
    this.sql.run(
      q.insertInto('store_processes').values({
        id: p.id,
        face: p.face,
        host: p.host,
        pid: p.pid,
        only_kinds: JSON.stringify(p.onlyKinds),
        tags: JSON.stringify(p.tags),
        started_at: p.startedAt,
        seen_at: p.startedAt,
      }),
    )
  }

  /** Says this process is alive; false when its row is gone (another process judged it dead and cleared it). */
  seen(id: string, at: string): boolean {
    const { q } = this.sql
    return (
      this.sql.run(q.updateTable('store_processes').set({ seen_at: at }).where('id', '=', id)).changes > 0
    )
  }

  forget(id: string): void {
    const { q } = this.sql
    this.sql.run(q.deleteFrom('store_processes').where('id', '=', id))
  }

  processes(): StoreProcess[] {
    const { q } = this.sql
    return this.sql
      .all(q.selectFrom('store_processes').selectAll().orderBy('started_at').orderBy('id'))
      .map((r) => ({
        id: r.id,
        face: r.face,
        host: r.host,
        pid: r.pid,
        onlyKinds: JSON.parse(r.only_kinds) as string[],
        tags: JSON.parse(r.tags) as string[],
        startedAt: r.started_at,
        seenAt: r.seen_at,
      }))
  }

  // -- claims ---------------------------------------------------------------------------------------------

  /**
   * Claims due runs for `worker` until `until`: runs due by `now` that are free, or whose holder's lease lapsed.
   * `accept` sees each candidate in order (priority first, then the longest waiting; the caller's order) and
   * says whether this watcher takes it (its kinds and tags, limits, the vault); at most `limit` are claimed.
   */
  claimDue(opts: {
    worker: string
    now: string
    until: string
    limit: number
    order: (a: DueRun, b: DueRun) => number
    accept: (run: DueRun) => boolean
  }): Claim[] {
    if (opts.limit <= 0) return []
    return this.sql.transaction(() => {
      // Candidates are read without locks; each one this watcher takes is then locked on its own, so watchers
      // claiming at once each lock only what they take, and pass over (SKIP LOCKED) what another is taking.
      const due = this.sql.all(this.due(opts.now)).map(toDueRun)
      const claims: Claim[] = []
      for (const candidate of due.sort(opts.order)) {
        if (claims.length >= opts.limit) break
        if (!opts.accept(candidate)) continue
        const locked = this.sql.get(
          this.due(opts.now)
            .where('schedule_id', '=', candidate.scheduleId)
            .where('target_id', '=', candidate.targetId)
            .$if(this.sql.dialect === 'postgresql', (qb) => qb.forUpdate().skipLocked()),
        )
        if (!locked) continue
        const claim = this.take(toDueRun(locked), opts.worker, opts.now, opts.until)
        if (claim) claims.push(claim)
      }
      return claims
    })
  }

  /** Runs due by `now` that are free, or whose holder's lease has lapsed. */
  private due(now: string) {
    return this.sql.q
      .selectFrom('schedule_runs')
      .select([
        'schedule_id',
        'target_id',
        'next_run_at',
        'status',
        'failures',
        'claimed_by',
        'claim_until',
        'last_scan_id',
      ])
      .where('next_run_at', '<=', now)
      .where((eb) =>
        eb.or([
          eb('status', '<>', 'running'),
          eb.and([eb('claim_until', 'is not', null), eb('claim_until', '<', now)]),
        ]),
      )
  }

  private take(run: DueRun, worker: string, now: string, until: string): Claim | null {
    const { q } = this.sql
    // One record per due time: a take-over of a lapsed claim reuses it; a finished one is never taken again
    // (finishing moves the run's next time on in the same transaction).
    const record = this.sql.get(
      q
        .insertInto('scheduled_scans')
        .values({
          schedule_id: run.scheduleId,
          target_id: run.targetId,
          due_at: run.nextRunAt,
          worker,
          state: 'claimed',
          attempts: 1,
          claimed_at: now,
        })
        .onConflict((oc) =>
          oc
            .columns(['schedule_id', 'target_id', 'due_at'])
            .doUpdateSet((eb) => ({
              worker: eb.ref('excluded.worker'),
              state: 'claimed',
              scan_id: null,
              attempts: eb('scheduled_scans.attempts', '+', 1),
              claimed_at: eb.ref('excluded.claimed_at'),
            }))
            // A cancelled scan stored nothing: its due time is scanned again.
            .where('scheduled_scans.state', 'in', ['claimed', 'running', 'cancelled']),
        )
        .returning(['attempts']),
    )
    const lapsed = run.status === 'running'
    let committed = false
    if (!record) {
      // Committed by a watcher that died before ending the run (its lease lapsed): the run is ended, not
      // scanned again. Any other finished due time (its run set back by hand) is passed over: never twice.
      const done = this.sql.get(
        q
          .selectFrom('scheduled_scans')
          .select(['state', 'finished_at', 'attempts'])
          .where('schedule_id', '=', run.scheduleId)
          .where('target_id', '=', run.targetId)
          .where('due_at', '=', run.nextRunAt),
      )
      if (!(lapsed && done?.state === 'done')) return null
      committed = true
    }
    this.sql.run(
      q
        .updateTable('schedule_runs')
        .set({ status: 'running', detail: '', claimed_by: worker, claim_until: until, last_run_at: now })
        .where('schedule_id', '=', run.scheduleId)
        .where('target_id', '=', run.targetId),
    )
    return {
      scheduleId: run.scheduleId,
      targetId: run.targetId,
      dueAt: run.nextRunAt,
      attempts: record?.attempts ?? 0,
      tookOver: lapsed && run.claimedBy ? { worker: run.claimedBy, scanId: run.lastScanId } : null,
      committed,
    }
  }

  /**
   * A "Run now" scanned here, by a process that does not watch, while no watcher runs: it claims nothing, but
   * its scan gets a record of its own (due at the instant it started, a millisecond later on a tie), so the
   * commit's fence knows it as this process's scheduled scan rather than one that lost its claim.
   */
  startedHere(
    run: { scheduleId: string; targetId: string },
    worker: string,
    scanId: string,
    at: string,
  ): void {
    const { q } = this.sql
    for (let ms = Date.parse(at), tries = 0; tries < 1000; ms++, tries++) {
      const stored = this.sql.run(
        q
          .insertInto('scheduled_scans')
          .values({
            schedule_id: run.scheduleId,
            target_id: run.targetId,
            due_at: new Date(ms).toISOString(),
            worker,
            state: 'running',
            attempts: 1,
            claimed_at: at,
            scan_id: scanId,
          })
          .onConflict((oc) => oc.columns(['schedule_id', 'target_id', 'due_at']).doNothing()),
      ).changes
      if (stored > 0) return
    }
    throw new Error(`No free due time for the run of ${run.targetId} near ${at}`)
  }

  /** A "Run now" scanned here ended without committing (failed, cancelled): its record says so. */
  endedHere(scanId: string, outcome: ScheduledState, at: string): void {
    const { q } = this.sql
    this.sql.run(
      q
        .updateTable('scheduled_scans')
        .set({ state: outcome, finished_at: at })
        .where('scan_id', '=', scanId)
        .where('state', '=', 'running'),
    )
  }

  /** The scan a claim started: from now on only this scan may commit for the claim's due time. */
  started(claim: Pick<Claim, 'scheduleId' | 'targetId' | 'dueAt'>, worker: string, scanId: string): boolean {
    const { q } = this.sql
    return this.sql.transaction(() => {
      const ok =
        this.sql.run(
          q
            .updateTable('scheduled_scans')
            .set({ state: 'running', scan_id: scanId })
            .where('schedule_id', '=', claim.scheduleId)
            .where('target_id', '=', claim.targetId)
            .where('due_at', '=', claim.dueAt)
            .where('worker', '=', worker)
            .where('state', '=', 'claimed'),
        ).changes > 0
      if (ok)
        this.sql.run(
          q
            .updateTable('schedule_runs')
            .set({ last_scan_id: scanId })
            .where('schedule_id', '=', claim.scheduleId)
            .where('target_id', '=', claim.targetId)
            .where('claimed_by', '=', worker),
        )
      return ok
    })
  }

  /**
   * Whether `scanId` may still commit: a scheduled scan only while its due time's record names it and is
   * running (called inside the scan's commit transaction; on PostgreSQL the record stays locked until it ends).
   * A scan no schedule started always may.
   */
  holds(scanId: string): boolean {
    const { q } = this.sql
    const record = this.sql.get(
      q
        .selectFrom('scheduled_scans')
        .select(['state'])
        .where('scan_id', '=', scanId)
        .$if(this.sql.dialect === 'postgresql', (qb) => qb.forUpdate()),
    )
    if (record) return record.state === 'running'
    // No record names it: a scan started by hand may commit; a scheduled one lost its record to a take-over.
    const scan = this.sql.get(q.selectFrom('scans').select('trigger').where('id', '=', scanId))
    return scan?.trigger !== 'schedule'
  }

  /**
   * The commit's fence, inside the scan's commit transaction: whether `scanId` may commit (`holds`), and if it
   * is a scheduled scan, its due time's record is marked done in the same transaction, so a watcher taking the
   * run over after this commit ends the run instead of scanning the due time again.
   */
  commitFence(scanId: string, at: string): boolean {
    if (!this.holds(scanId)) return false
    const { q } = this.sql
    this.sql.run(
      q
        .updateTable('scheduled_scans')
        .set({ state: 'done', finished_at: at })
        .where('scan_id', '=', scanId)
        .where('state', '=', 'running'),
    )
    return true
  }

  /** Whether `scanId` was started for a schedule (a record names it, in any state). */
  isScheduled(scanId: string): boolean {
    const { q } = this.sql
    return (
      this.sql.get(q.selectFrom('scheduled_scans').select('state').where('scan_id', '=', scanId)) !==
      undefined
    )
  }

  /** Extends `worker`'s leases on the runs it holds; how many it still holds. */
  renew(worker: string, until: string): number {
    const { q } = this.sql
    return this.sql.run(
      q
        .updateTable('schedule_runs')
        .set({ claim_until: until })
        .where('claimed_by', '=', worker)
        .where('status', '=', 'running'),
    ).changes
  }

  /**
   * Ends a claim: the due time's record gets its outcome and the run its next state, in one transaction, only
   * while `worker` still holds it. False when the claim was taken over meanwhile (nothing is written).
   */
  finish(
    claim: Pick<Claim, 'scheduleId' | 'targetId' | 'dueAt'>,
    worker: string,
    outcome: ScheduledState,
    at: string,
    run: { status: string; detail: string; failures: number; nextRunAt: string },
  ): boolean {
    const { q } = this.sql
    return this.sql.transaction(() => {
      const mine =
        this.sql.run(
          q
            .updateTable('scheduled_scans')
            .set({ state: outcome, finished_at: at })
            .where('schedule_id', '=', claim.scheduleId)
            .where('target_id', '=', claim.targetId)
            .where('due_at', '=', claim.dueAt)
            .where('worker', '=', worker)
            .where('state', 'in', ['claimed', 'running']),
        ).changes > 0
      // A success whose record the commit already marked done (`commitFence`), by this watcher or by one that
      // died before ending the run: the run is this watcher's to end while it still holds the claim.
      const committed =
        !mine &&
        outcome === 'done' &&
        this.sql.get(
          q
            .selectFrom('scheduled_scans')
            .select('state')
            .where('schedule_id', '=', claim.scheduleId)
            .where('target_id', '=', claim.targetId)
            .where('due_at', '=', claim.dueAt)
            .where('state', '=', 'done'),
        ) !== undefined
      if (!mine && !committed) return false
      const ended = this.sql.run(
        q
          .updateTable('schedule_runs')
          .set({
            status: run.status,
            detail: run.detail,
            failures: run.failures,
            next_run_at: run.nextRunAt,
            claimed_by: null,
            claim_until: null,
          })
          .where('schedule_id', '=', claim.scheduleId)
          .where('target_id', '=', claim.targetId)
          .where('claimed_by', '=', worker),
      ).changes
      return mine || ended > 0
    })
  }

  /**
   * Processes not seen since `before` (killed, cut off, or a computer asleep): their rows are removed and their
   * ids returned, so the scans they left running can be marked.
   */
  prune(before: string): string[] {
    const { q } = this.sql
    return this.sql.transaction(() => {
      const gone = this.sql
        .all(q.selectFrom('store_processes').select('id').where('seen_at', '<', before))
        .map((r) => r.id)
      if (gone.length) this.sql.run(q.deleteFrom('store_processes').where('id', 'in', gone))
      return gone
    })
  }

  /** Every scheduled scan of a schedule and target, oldest due time first (the Watch page, tests). */
  history(scheduleId: string, targetId: string) {
    const { q } = this.sql
    return this.sql.all(
      q
        .selectFrom('scheduled_scans')
        .selectAll()
        .where('schedule_id', '=', scheduleId)
        .where('target_id', '=', targetId)
        .orderBy('due_at'),
    )
  }
}

// Many watchers on one store (a team's PostgreSQL): each `driftwatch watch` process registers itself, claims
// due runs with a lease it renews while their scans run (store/shared-watch.ts), scans what it claimed, and
// ends each run with the same rules as the single watcher (run-rules.ts). A run whose holder stopped renewing
// is taken over by another watcher for the same due time; the scan the dead one left is marked interrupted,
// naming it. Kinds and tags (`--only`, `--tag`) say which targets this watcher serves.
import { hostname } from 'node:os'
import { performance } from 'node:perf_hooks'
import type { Target } from '../../../src-preload/contract'
import type { Claim, DueRun, SharedWatchRepo, StoreProcess } from '../store/shared-watch'
import type { ScheduleRow } from '../store/watch'
import { afterCancel, afterFailure, afterSuccess, alsoDone, type NextRun } from './run-rules'
import type { Running, SchedulerDeps } from './scheduler'

/** A claim lasts this long without renewal; a watcher renews well inside it (every CLAIM_RENEW_MS). */
export const CLAIM_TTL_MS = 60_000
export const CLAIM_RENEW_MS = CLAIM_TTL_MS / 6
/** A process not seen for this long is gone: its row is removed and scans it left running are marked. */
export const PROCESS_TTL_MS = 2 * CLAIM_TTL_MS

export interface SharedOptions {
  repo: SharedWatchRepo
  /** Scans a process left running when it is gone (many watchers), and marking one interrupted. */
  scans: {
    interrupt(scanId: string, reason: string, at: string): boolean
    runningOf(runners: readonly string[]): { id: string; runner: string }[]
  }
  face: string
  /** Target kinds this watcher scans (empty: every kind). */
  onlyKinds: readonly string[]
  /** Target tags this watcher scans (empty: every target); a target with any of them is served. */
  tags: readonly string[]
}

export type SharedRunning = Running & { claim: Claim }

/** Whether a watcher limited to `onlyKinds` and `tags` serves the target. */
export function serves(t: Target, onlyKinds: readonly string[], tags: readonly string[]): boolean {
  if (onlyKinds.length > 0 && !onlyKinds.includes(t.kind)) return false
  if (tags.length === 0) return true
  const own = new Set(t.tags.map((g) => g.toLowerCase()))
  return tags.some((tag) => own.has(tag.toLowerCase()))
}

/** A process on the store as a person reads it in a scan's reason. */
const who = (p: StoreProcess | undefined, id: string) =>
  p ? `The watch process on ${p.host} (pid ${p.pid})` : `The watch process ${id}`

export class SharedMode {
  private renewTimer: unknown = null
  private registered = false

  constructor(
    private readonly d: SchedulerDeps,
    private readonly o: SharedOptions,
    private readonly worker: string,
    private readonly running: Map<string, Running>,
    private readonly time: { now(): number; random(): number },
    /** Looks at the runs again (each renewal does, so a lapsed claim elsewhere is noticed within a renewal). */
    private readonly tick: () => void,
  ) {}

  private iso(ms = this.time.now()): string {
    return new Date(ms).toISOString()
  }

  start(): void {
    if (!this.registered) {
      this.o.repo.register({
        id: this.worker,
        face: this.o.face,
        host: hostname(),
        pid: process.pid,
        onlyKinds: [...this.o.onlyKinds],
        tags: [...this.o.tags],
        startedAt: this.iso(),
      })
      this.registered = true
    }
    this.armRenew()
  }

  private armRenew(): void {
    if (this.renewTimer !== null) return
    this.renewTimer = this.d.timers.setTimeout(() => {
      this.renewTimer = null
      try {
        this.renew()
      } catch (err) {
        this.d.logger.log('error', 'watch claim renewal failed', { error: String(err) })
      }
      this.armRenew()
      this.tick()
    }, CLAIM_RENEW_MS)
  }

  /** Keeps this watcher's claims and its process row alive. */
  private renew(): void {
    const now = this.time.now()
    this.o.repo.renew(this.worker, this.iso(now + CLAIM_TTL_MS))
    // Cleared by another watcher that judged this one gone (a long stall): it says who it is again.
    if (!this.o.repo.seen(this.worker, this.iso(now))) {
      this.registered = false
      this.start()
    }
  }

  /** Stops renewing and leaves the store: claims still held are handed back (due again, for any watcher). */
  close(): void {
    if (this.renewTimer !== null) this.d.timers.clearTimeout(this.renewTimer)
    this.renewTimer = null
    for (const r of [...this.running.values()] as Partial<SharedRunning>[]) {
      // A "Run now" scan this process started without a claim (it does not watch) has none to hand back.
      if (!r.claim || !r.scheduleId || !r.targetId || !r.scanId) continue
      const run = this.d.repo.run(r.scheduleId, r.targetId)
      if (run) this.o.repo.finish(r.claim, this.worker, 'cancelled', this.iso(), afterCancel(run))
      this.running.delete(r.scanId)
    }
    if (this.registered) this.o.repo.forget(this.worker)
    this.registered = false
  }

  /** The processes gone silent: removed, and the scans they left running marked interrupted, naming them. */
  private prune(known: Map<string, StoreProcess>): void {
    const gone = this.o.repo.prune(this.iso(this.time.now() - PROCESS_TTL_MS))
    for (const scan of this.o.scans.runningOf(gone))
      this.o.scans.interrupt(
        scan.id,
        `${who(known.get(scan.runner), scan.runner)} stopped during this scan (no longer seen on the store)`,
        this.iso(),
      )
  }

  /** Claims what is due, up to the free lanes, and starts it. */
  plan(schedules: ScheduleRow[], all: Target[]): void {
    const { repo } = this.d
    const known = new Map(this.o.repo.processes().map((p) => [p.id, p]))
    this.prune(known)
    if (repo.paused()) return
    const settings = repo.settings()
    const free = settings.concurrency - this.running.size
    if (free <= 0) return
    const byId = new Map(all.map((t) => [t.id, t]))
    const sched = new Map(schedules.map((s) => [s.id, s]))
    const pausedTargets = repo.pausedTargets()
    const perKind = new Map<string, number>()
    for (const r of this.running.values()) perKind.set(r.kind, (perKind.get(r.kind) ?? 0) + 1)
    const taken = new Set<string>()
    const locked: DueRun[] = []
    const priority = (r: DueRun) => (sched.get(r.scheduleId)?.priority ? 1 : 0)
    const now = this.time.now()
    // How long claiming takes on this store (real time, whatever the clock): what many watchers contend for.
    const t0 = performance.now()
    const claims = this.o.repo.claimDue({
      worker: this.worker,
      now: this.iso(now),
      until: this.iso(now + CLAIM_TTL_MS),
      limit: free,
      // Priority schedules first, then the longest-waiting (as the single watcher orders them).
      order: (a, b) =>
        priority(b) - priority(a) ||
        a.nextRunAt.localeCompare(b.nextRunAt) ||
        a.scheduleId.localeCompare(b.scheduleId) ||
        a.targetId.localeCompare(b.targetId),
      accept: (r) => {
        const s = sched.get(r.scheduleId)
        const t = byId.get(r.targetId)
        if (!s || !t || s.paused || pausedTargets.has(t.id)) return false
        if (!serves(t, this.o.onlyKinds, this.o.tags)) return false
        const kindLimit = settings.perKind[t.kind]
        if (kindLimit !== undefined && (perKind.get(t.kind) ?? 0) >= kindLimit) return false
        // Never two scans of one target: a second schedule due for it waits for the first to finish.
        if (taken.has(t.id) || this.d.isScanning(t.id)) return false
        if (this.d.vaultLocked(t)) {
          locked.push(r)
          return false
        }
        taken.add(t.id)
        perKind.set(t.kind, (perKind.get(t.kind) ?? 0) + 1)
        return true
      },
    })
    this.d.logger.log('debug', 'watch claimed', {
      claimed: claims.length,
      ms: Math.round((performance.now() - t0) * 100) / 100,
    })
    for (const r of locked)
      if (r.status !== 'vault_locked')
        repo.holdRun(r.scheduleId, r.targetId, {
          status: 'vault_locked',
          detail: 'Waiting for the vault to be unlocked',
        })
    for (const claim of claims)
      this.launch(claim, sched.get(claim.scheduleId), byId.get(claim.targetId), known)
  }

  private launch(
    claim: Claim,
    s: ScheduleRow | undefined,
    t: Target | undefined,
    known: Map<string, StoreProcess>,
  ): void {
    const at = this.iso()
    if (claim.tookOver?.scanId) {
      const p = known.get(claim.tookOver.worker)
      this.o.scans.interrupt(
        claim.tookOver.scanId,
        `${who(p, claim.tookOver.worker)} stopped renewing its claim during this scan; another watcher scans this due time again`,
        at,
      )
      this.d.logger.log('warn', 'watch run taken over', {
        schedule: claim.scheduleId,
        targetId: claim.targetId,
        dueAt: claim.dueAt,
        from: claim.tookOver.worker,
        scanId: claim.tookOver.scanId,
        attempts: claim.attempts,
      })
    }
    const run = this.d.repo.run(claim.scheduleId, claim.targetId)
    if (!s || !t || !run) return
    if (claim.committed) {
      // Its scan was stored by the watcher that died before ending the run: ended here, not scanned again.
      this.end(claim, 'done', afterSuccess(s, run, this.time.now(), this.d.repo.settings(), this.time.random))
      return
    }
    try {
      const { scanId } = this.d.startScan(t, s.request)
      this.running.set(scanId, {
        scanId,
        scheduleId: s.id,
        targetId: t.id,
        kind: t.kind,
        claim,
      } as SharedRunning)
      if (!this.o.repo.started(claim, this.worker, scanId))
        this.d.logger.log('warn', 'watch claim lost before its scan started', { scanId, schedule: s.id })
      this.d.logger.log('info', 'watch scan started', {
        target: t.name,
        scanId,
        schedule: s.id,
        dueAt: claim.dueAt,
        attempts: claim.attempts,
      })
    } catch (err) {
      // Could not even start (content removed, a kind without a scanner): back off like a failed scan.
      const reason = (err as Error).message ?? String(err)
      const next = afterFailure(
        s,
        run,
        this.time.now(),
        this.d.repo.settings(),
        this.time.random,
        reason,
        'unavailable',
      )
      this.end(claim, 'failed', next)
    }
  }

  /** A "Run now" this process scans itself (no watcher anywhere): its scan's record, for the commit's fence. */
  startedHere(run: { scheduleId: string; targetId: string }, scanId: string): void {
    this.o.repo.startedHere(run, this.worker, scanId, this.iso())
  }

  /** That scan ended: a commit already marked its record done; any other end is written to it here. */
  endedHere(scanId: string, state: 'done' | 'failed' | 'cancelled' | 'interrupted'): void {
    if (state !== 'done')
      this.o.repo.endedHere(scanId, state === 'failed' ? 'failed' : 'cancelled', this.iso())
  }

  /** One of this watcher's scans ended: its run's next state, written only while the claim is still held. */
  finished(mine: SharedRunning, state: 'done' | 'failed' | 'cancelled' | 'interrupted', error: string): void {
    const s = this.d.repo.schedule(mine.scheduleId)
    const r = this.d.repo.run(mine.scheduleId, mine.targetId)
    if (!s || !r) return
    const settings = this.d.repo.settings()
    const now = this.time.now()
    const next =
      state === 'done'
        ? afterSuccess(s, r, now, settings, this.time.random)
        : state === 'failed'
          ? afterFailure(s, r, now, settings, this.time.random, error)
          : afterCancel(r)
    this.end(mine.claim, state === 'done' || state === 'failed' ? state : 'cancelled', next)
  }

  private end(claim: Claim, outcome: 'done' | 'failed' | 'cancelled', next: NextRun): void {
    const now = this.time.now()
    if (!this.o.repo.finish(claim, this.worker, outcome, this.iso(now), next)) {
      this.d.logger.log('warn', 'watch claim lost: another watcher took this run over', {
        schedule: claim.scheduleId,
        targetId: claim.targetId,
        dueAt: claim.dueAt,
      })
      return
    }
    if (outcome !== 'done') return
    const settings = this.d.repo.settings()
    for (const m of alsoDone(this.d.repo.runs(), claim, now, settings, (id) => this.d.repo.schedule(id)))
      this.d.repo.holdRun(m.scheduleId, m.targetId, { nextRunAt: m.nextRunAt })
  }
}

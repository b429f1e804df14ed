// The watch's scheduler: decides which target to scan when. Time comes only through the Clock and Timers ports,
// so every rule here (intervals, priority, jitter, limits, backoff, restarts, missed windows) runs on a fake
// clock in tests. State lives in the store (schedule_runs), so a restart resumes where the last process stopped.
//
// Two modes, one set of rules for what a run becomes when its scan ends (run-rules.ts):
// - One watcher (a SQLite store: one laptop, one auditor): the process holding the watch lease plans every run;
//   any other process waits for the lease. A second watcher on a laptop would add nothing but contention on one
//   file, so the lease keeps it simple and the desktop app and a `driftwatch watch` never both scan.
// - Many watchers (a PostgreSQL store shared by a team; `shared` set): every `driftwatch watch` registers
//   itself and claims due runs one by one with a lease it renews (shared-mode.ts), so any number of processes
//   on any computers split the work, each limited to its kinds and tags, and a run whose watcher died is taken
//   over. The lease is still taken, by one of them, only to pick who runs the process-wide duties (report
//   exports): `isLeader()`.
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { Target } from '../../../src-preload/contract'
import type { Clock, Logger, Timers } from '../ports'
import type { TargetsRepo } from '../store/targets'
import type { RunRow, ScheduleRow, WatchRepo } from '../store/watch'
import type { ScanRequest } from '../scanners/scanner'
import { afterFailure, afterSuccess, alsoDone, jitterOf } from './run-rules'
import { SharedMode, type SharedOptions, type SharedRunning } from './shared-mode'

export { nextSlot } from './run-rules'

export interface SchedulerDeps {
  repo: WatchRepo
  targets: TargetsRepo
  clock: Clock
  timers: Timers
  logger: Logger
  /** [0, 1): jitter and backoff; tests pass a fixed one. */
  random?: () => number
  /** Starts a scan through the same path as the UI (scan.start with trigger 'schedule'); throws if it cannot. */
  startScan(target: Target, req: ScanRequest): { scanId: string }
  /** True while any scan of the target runs (started by the watch or by hand). */
  isScanning(targetId: string): boolean
  /** Whether the target's credential is out of reach because the vault is locked. */
  vaultLocked(target: Target): boolean
  /** Told whenever run states change (the Watch page and the tray listen). */
  onChange?(): void
  /** Another process's pid is alive (lease take-over); default: process.kill(pid, 0). */
  alive?(pid: number): boolean
  /** This process's id on the store (the scans it runs name it); default: a new one. */
  owner?: string
  /** Many watchers on one store: plan through claims (see the header). */
  shared?: SharedOptions
}

/** Longest the scheduler sleeps without looking again (a wall clock can jump: sleep, manual changes). */
export const MAX_SLEEP_MS = 60_000
export const LEASE_TTL_MS = 3 * MAX_SLEEP_MS

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** What a saved schedule keeps of its calendar: days and zone only for the kinds that read them. */
export function calendarOf(req: Pick<ScheduleRow, 'kind' | 'dailyTimes' | 'days' | 'timeZone'>) {
  return {
    dailyTimes: req.dailyTimes,
    days: req.kind === 'weekly' || req.kind === 'monthly' ? [...new Set(req.days)].sort((a, b) => a - b) : [],
    timeZone: req.kind === 'interval' ? '' : req.timeZone,
  }
}

export interface Running {
  scanId: string
  scheduleId: string
  targetId: string
  kind: string
}

export class Scheduler {
  private timer: unknown = null
  private started = false
  /** Who holds the scheduling lease: this scheduler, not just this process (tests open two cores). */
  readonly owner: string
  private leaseHeld = false
  /** Many watchers on one store: this watcher's claims (null with one watcher per store). */
  private readonly shared: SharedMode | null
  /** Scans this scheduler started, by scan id. */
  readonly running = new Map<string, Running>()
  /** "Run now" in a process that does not watch: runs waiting for a free lane (settings.concurrency). */
  private here: { scheduleId: string; targetId: string }[] = []
  /** The heartbeat (/healthz, /metrics): when the last look at the runs ended, and its error ('' when it worked). */
  readonly heartbeat = { at: 0, okAt: 0, error: '', code: '' }

  constructor(private readonly d: SchedulerDeps) {
    this.owner = d.owner ?? randomUUID()
    this.shared = d.shared
      ? new SharedMode(
          d,
          d.shared,
          this.owner,
          this.running,
          { now: () => this.now(), random: () => this.random() },
          () => this.tick(),
        )
      : null
  }

  private now(): number {
    return this.d.clock.now().getTime()
  }
  private iso(ms = this.now()): string {
    return new Date(ms).toISOString()
  }
  private random(): number {
    return (this.d.random ?? Math.random)()
  }

  /** Whether this process schedules scans now (with many watchers, each one does). */
  isActive(): boolean {
    return this.started && (this.shared !== null || this.leaseHeld)
  }

  /** Whether this process holds the watch lease: it alone runs the process-wide duties (report exports). */
  isLeader(): boolean {
    return this.started && this.leaseHeld
  }

  /** Many watchers share this store's schedules (see the header). */
  isShared(): boolean {
    return this.shared !== null
  }

  /** Starts scheduling in this process (desktop app, `driftwatch watch`). */
  start(): void {
    if (this.started) return
    this.started = true
    this.shared?.start()
    this.tick()
  }

  /**
   * Starts nothing new. Scans already running finish and end their runs (with many watchers their claims are
   * still renewed until `close`).
   */
  stop(): void {
    this.started = false
    if (this.timer !== null) this.d.timers.clearTimeout(this.timer)
    this.timer = null
    if (this.leaseHeld) this.d.repo.releaseLease(this.owner)
    this.leaseHeld = false
  }

  /** Leaves the store: with many watchers, claims still held are handed back and the process row goes. */
  close(): void {
    this.stop()
    this.shared?.close()
  }

  /**
   * On taking the lease: runs the previous holder left 'running' did not finish (their scans are marked
   * interrupted), so they are due again, once, keeping their next-run time rather than skipping a cycle.
   */
  private resumeInterrupted(): void {
    for (const r of this.d.repo.runs())
      if (r.status === 'running' && !this.d.isScanning(r.targetId))
        this.d.repo.updateRun(r.scheduleId, r.targetId, {
          status: 'waiting',
          detail: 'Interrupted; runs again',
        })
  }

  /** The targets a schedule covers now (a group's members change as targets are edited). */
  private targetsOf(s: ScheduleRow, all: Target[]): Target[] {
    if (s.targetId) return all.filter((t) => t.id === s.targetId)
    const g = (s.group ?? '').toLowerCase()
    return all.filter((t) => t.groups.some((x) => x.toLowerCase() === g))
  }

  /** Creates missing run rows (due now, plus jitter) and drops rows of targets that left a schedule. */
  private sync(schedules: ScheduleRow[], all: Target[]): void {
    const now = this.now()
    // Read once: with thousands of targets, a statement per run on every look would dominate the watch.
    const runs = this.d.repo.runs()
    const have = new Set(runs.map((r) => `${r.scheduleId}\n${r.targetId}`))
    const count = new Map<string, number>()
    for (const r of runs) count.set(r.scheduleId, (count.get(r.scheduleId) ?? 0) + 1)
    for (const s of schedules) {
      const ids = this.targetsOf(s, all).map((t) => t.id)
      const covered = ids.filter((id) => have.has(`${s.id}\n${id}`)).length
      // Rows of targets that left the schedule: some rows are not among its targets.
      if ((count.get(s.id) ?? 0) > covered) this.d.repo.removeRunsExcept(s.id, ids)
      for (const id of ids)
        if (!have.has(`${s.id}\n${id}`))
          this.d.repo.insertRun(s.id, id, this.iso(now + jitterOf(s, () => this.random())))
    }
  }

  /** Looks at every run and starts what is due, within the limits; then sleeps until the next one. */
  tick(): void {
    if (!this.started) return
    if (this.timer !== null) this.d.timers.clearTimeout(this.timer)
    this.timer = null
    try {
      const had = this.leaseHeld
      this.leaseHeld =
        this.d.repo.acquireLease(
          this.owner,
          process.pid,
          this.iso(),
          LEASE_TTL_MS,
          this.d.alive ?? pidAlive,
          hostname(),
        ) !== null
      if (this.shared) {
        const all = this.d.targets.list()
        const schedules = this.d.repo.schedules()
        this.sync(schedules, all)
        this.shared.plan(schedules, all)
      } else {
        if (this.leaseHeld && !had) this.resumeInterrupted()
        if (this.leaseHeld) this.plan()
      }
      this.heartbeat.okAt = this.now()
      this.heartbeat.error = ''
      this.heartbeat.code = ''
    } catch (err) {
      this.heartbeat.error = String(err)
      this.heartbeat.code = String((err as { code?: unknown }).code ?? '')
      this.d.logger.log('error', 'watch tick failed', { error: String(err) })
    }
    this.heartbeat.at = this.now()
    this.arm()
    this.d.onChange?.()
  }

  private plan(): void {
    const { repo } = this.d
    const all = this.d.targets.list()
    const byId = new Map(all.map((t) => [t.id, t]))
    const schedules = repo.schedules()
    this.sync(schedules, all)
    if (repo.paused()) return
    const settings = repo.settings()
    const sched = new Map(schedules.map((s) => [s.id, s]))
    // Not running, time come, schedule and target not paused; priority schedules first, then the longest-waiting.
    const due = repo.dueRuns(this.iso())
    const perKind = new Map<string, number>()
    for (const r of this.running.values()) perKind.set(r.kind, (perKind.get(r.kind) ?? 0) + 1)
    const startedNow = new Set<string>()
    for (const r of due) {
      const s = sched.get(r.scheduleId)
      const t = byId.get(r.targetId)
      if (!s || !t) continue
      if (this.running.size >= settings.concurrency) break
      const kindLimit = settings.perKind[t.kind]
      if (kindLimit !== undefined && (perKind.get(t.kind) ?? 0) >= kindLimit) continue
      // Never two scans of one target: a second schedule due for it waits for the first to finish.
      if (startedNow.has(t.id) || this.d.isScanning(t.id)) continue
      if (this.d.vaultLocked(t)) {
        if (r.status !== 'vault_locked')
          repo.updateRun(r.scheduleId, r.targetId, {
            status: 'vault_locked',
            detail: 'Waiting for the vault to be unlocked',
          })
        continue
      }
      this.launch(s, t, r)
      startedNow.add(t.id)
      perKind.set(t.kind, (perKind.get(t.kind) ?? 0) + 1)
    }
  }

  /**
   * "Run now" when no process holds the watch: the schedule's targets (or every schedule's) are scanned in
   * this process, through the same path as Scan now, a few at a time; each one that cannot run says why.
   * Their runs are updated as the watch would (last run, failures, next run).
   */
  runHere(scheduleId?: string): { started: string[]; skipped: { targetId: string; reason: string }[] } {
    const { repo } = this.d
    const all = this.d.targets.list()
    const schedules = repo.schedules()
    this.sync(schedules, all)
    const paused = repo.pausedTargets()
    const started: string[] = []
    const skipped: { targetId: string; reason: string }[] = []
    const taken = new Set([...this.here.map((h) => h.targetId)])
    for (const s of schedules.filter((x) => !scheduleId || x.id === scheduleId))
      for (const t of this.targetsOf(s, all)) {
        if (taken.has(t.id)) continue
        taken.add(t.id)
        const reason = repo.paused()
          ? 'The watch is paused'
          : s.paused
            ? 'This schedule is paused'
            : paused.has(t.id)
              ? 'The watch is paused for this target'
              : this.d.isScanning(t.id)
                ? 'Already being scanned'
                : this.d.vaultLocked(t)
                  ? 'The vault is locked: unlock it to scan with its credential'
                  : ''
        if (reason) skipped.push({ targetId: t.id, reason })
        else {
          this.here.push({ scheduleId: s.id, targetId: t.id })
          started.push(t.id)
        }
      }
    for (const err of this.drainHere()) {
      started.splice(started.indexOf(err.targetId), 1)
      skipped.push(err)
    }
    return { started, skipped }
  }

  /** Starts waiting "run now" scans while lanes are free; returns those that could not start, with why. */
  private drainHere(): { targetId: string; reason: string }[] {
    const failed: { targetId: string; reason: string }[] = []
    const limit = this.d.repo.settings().concurrency
    while (this.here.length > 0 && this.running.size < limit) {
      const next = this.here.shift()!
      const s = this.d.repo.schedule(next.scheduleId)
      const t = this.d.targets.get(next.targetId)
      const r = this.d.repo.run(next.scheduleId, next.targetId)
      if (!s || !t || !r) continue
      const error = this.launch(s, t, r)
      if (error) failed.push({ targetId: t.id, reason: error })
    }
    return failed
  }

  /** Starts one run's scan; the reason it could not start, or '' (the run backs off as a failed scan would). */
  private launch(s: ScheduleRow, t: Target, r: RunRow): string {
    const at = this.iso()
    try {
      const { scanId } = this.d.startScan(t, s.request)
      this.running.set(scanId, { scanId, scheduleId: s.id, targetId: t.id, kind: t.kind })
      this.d.repo.startRun(s.id, t.id, scanId, at)
      // On a store watchers share, a "Run now" scanned here is recorded as the scheduled scan it is.
      this.shared?.startedHere({ scheduleId: s.id, targetId: t.id }, scanId)
      this.d.logger.log('info', 'watch scan started', { target: t.name, scanId, schedule: s.id })
      return ''
    } catch (err) {
      // Could not even start (content removed, a kind without a scanner): back off like a failed scan.
      const reason = (err as Error).message ?? String(err)
      this.backoff(s, r, reason, 'unavailable')
      return reason
    }
  }

  private backoff(
    s: ScheduleRow,
    r: RunRow,
    error: string,
    status: 'backoff' | 'unavailable' = 'backoff',
  ): void {
    const next = afterFailure(s, r, this.now(), this.d.repo.settings(), () => this.random(), error, status)
    this.d.repo.updateRun(s.id, r.targetId, next)
  }

  /** A scan ended (any scan: one of ours updates its run; any other frees its target). */
  onScanFinished(scanId: string, state: 'done' | 'failed' | 'cancelled' | 'interrupted', error = ''): void {
    const mine = this.running.get(scanId)
    // A claimed run (shared mode) ends through its claim; a "run now" scanned here, with no watcher anywhere,
    // holds no claim (on a shared store too) and ends its run as on a store of one's own.
    if (mine && this.shared && 'claim' in mine) {
      this.running.delete(scanId)
      this.shared.finished(mine as SharedRunning, state, error)
    } else if (mine) {
      this.running.delete(scanId)
      this.shared?.endedHere(scanId, state)
      const s = this.d.repo.schedule(mine.scheduleId)
      const r = this.d.repo.run(mine.scheduleId, mine.targetId)
      if (s && r) {
        if (state === 'done') this.succeeded(s, r)
        else if (state === 'failed') this.backoff(s, r, error)
        // Cancelled (pause, shutdown): the run stays due and runs again when the watch does.
        else this.d.repo.updateRun(s.id, r.targetId, { status: 'waiting', detail: 'Cancelled; runs again' })
      }
    }
    if (this.started) this.tick()
    else if (mine) this.drainHere()
  }

  private succeeded(s: ScheduleRow, r: RunRow): void {
    const settings = this.d.repo.settings()
    const now = this.now()
    this.d.repo.updateRun(
      s.id,
      r.targetId,
      afterSuccess(s, r, now, settings, () => this.random()),
    )
    for (const m of alsoDone(this.d.repo.runs(), r, now, settings, (id) => this.d.repo.schedule(id)))
      this.d.repo.updateRun(m.scheduleId, m.targetId, { nextRunAt: m.nextRunAt })
  }

  private arm(): void {
    if (!this.started) return
    const nowIso = this.iso()
    // The next run still to come; runs already due but held back (a limit, a paused target, the vault) are
    // looked at again when a scan ends or the vault opens, and at the latest after MAX_SLEEP_MS.
    const next = this.d.repo.runs().find((r) => r.status !== 'running' && r.nextRunAt > nowIso)?.nextRunAt
    const wait = next ? Date.parse(next) - Date.parse(nowIso) : MAX_SLEEP_MS
    this.timer = this.d.timers.setTimeout(
      () => {
        this.timer = null
        this.tick()
      },
      Math.min(wait, MAX_SLEEP_MS),
    )
  }

  /** For the Watch page. */
  lease() {
    return this.d.repo.lease()
  }
}

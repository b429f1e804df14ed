// The watch's persistent state: schedules, one run row per schedule and target (next run, last run, backoff),
// pauses, settings and the lease that lets only one Driftwatch process schedule at a time.
import type { Db } from './db'
import type { ScanRequest } from '../model/scan'
import { DEFAULT_THRESHOLDS, type Thresholds } from '../watch/drift'
import type { CalendarKind } from '../../../src-preload/calendar'

export interface ScheduleRow {
  id: string
  targetId: string | null
  group: string | null
  kind: ScheduleKind
  intervalMinutes: number
  /** Daily, weekly and monthly: "HH:MM" in `timeZone`. */
  dailyTimes: string[]
  /** Weekly: 0 (Sunday) to 6. Monthly: 1 to 31 (the month's last day when it is shorter). */
  days: number[]
  /** An IANA zone; '' is the computer's own. */
  timeZone: string
  priority: boolean
  jitterSeconds: number
  request: ScanRequest
  paused: boolean
  createdAt: string
  updatedAt: string
}

export type ScheduleKind = 'interval' | CalendarKind

export type RunStatus = 'waiting' | 'running' | 'backoff' | 'vault_locked' | 'unavailable'

export interface RunRow {
  scheduleId: string
  targetId: string
  nextRunAt: string
  lastRunAt: string | null
  lastScanId: string | null
  status: RunStatus
  detail: string
  failures: number
}

export interface WatchSettings {
  /** Scans the watch runs at once, over all targets. */
  concurrency: number
  /** …and per target kind (a kind not named here is limited by `concurrency` only). */
  perKind: Record<string, number>
  thresholds: Thresholds
  /** Priority schedules run this many times as often. */
  priorityFactor: number
  backoffBaseMinutes: number
  backoffCapMinutes: number
}

export const DEFAULT_WATCH_SETTINGS: WatchSettings = {
  concurrency: 2,
  perKind: { local: 1 },
  thresholds: DEFAULT_THRESHOLDS,
  priorityFactor: 2,
  backoffBaseMinutes: 1,
  backoffCapMinutes: 60,
}

type RawSchedule = {
  id: string
  target_id: string | null
  group_name: string | null
  kind: ScheduleKind
  interval_minutes: number
  daily_times: string
  days: string
  time_zone: string
  priority: number
  jitter_seconds: number
  request: string
  paused: number
  created_at: string
  updated_at: string
}
const toSchedule = (r: RawSchedule): ScheduleRow => ({
  id: r.id,
  targetId: r.target_id,
  group: r.group_name,
  kind: r.kind,
  intervalMinutes: r.interval_minutes,
  dailyTimes: JSON.parse(r.daily_times) as string[],
  days: JSON.parse(r.days) as number[],
  timeZone: r.time_zone,
  priority: r.priority === 1,
  jitterSeconds: r.jitter_seconds,
  request: JSON.parse(r.request) as ScanRequest,
  paused: r.paused === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

type RawRun = {
  schedule_id: string
  target_id: string
  next_run_at: string
  last_run_at: string | null
  last_scan_id: string | null
  status: RunStatus
  detail: string
  failures: number
}
const toRun = (r: RawRun): RunRow => ({
  scheduleId: r.schedule_id,
  targetId: r.target_id,
  nextRunAt: r.next_run_at,
  lastRunAt: r.last_run_at,
  lastScanId: r.last_scan_id,
  status: r.status,
  detail: r.detail,
  failures: r.failures,
})

export interface Lease {
  owner: string
  pid: number
  until: string
}

export class WatchRepo {
  constructor(private readonly db: Db) {}

  schedules(): ScheduleRow[] {
    return (this.db.prepare('SELECT * FROM schedules ORDER BY created_at, id').all() as RawSchedule[]).map(
      toSchedule,
    )
  }
  schedule(id: string): ScheduleRow | undefined {
    const r = this.db.prepare('SELECT * FROM schedules WHERE id = ?').get(id) as RawSchedule | undefined
    return r ? toSchedule(r) : undefined
  }
  saveSchedule(s: Omit<ScheduleRow, 'createdAt' | 'updatedAt'>, at: string): ScheduleRow {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO schedules (id, target_id, group_name, kind, interval_minutes, daily_times, days, time_zone,
             priority, jitter_seconds, request, paused, created_at, updated_at)
           VALUES (@id, @targetId, @group, @kind, @intervalMinutes, @dailyTimes, @days, @timeZone, @priority,
             @jitterSeconds, @request, @paused, @at, @at)
           ON CONFLICT (id) DO UPDATE SET target_id = excluded.target_id, group_name = excluded.group_name,
             kind = excluded.kind, interval_minutes = excluded.interval_minutes, daily_times = excluded.daily_times,
             days = excluded.days, time_zone = excluded.time_zone,
             priority = excluded.priority, jitter_seconds = excluded.jitter_seconds, request = excluded.request,
             paused = excluded.paused, updated_at = excluded.updated_at`,
        )
        .run({
          ...s,
          dailyTimes: JSON.stringify(s.dailyTimes),
          days: JSON.stringify(s.days),
          priority: s.priority ? 1 : 0,
          paused: s.paused ? 1 : 0,
          request: JSON.stringify(s.request),
          at,
        })
      // A changed schedule is planned afresh (the scheduler recreates the rows with their next run).
      this.db.prepare('DELETE FROM schedule_runs WHERE schedule_id = ? AND status <> ?').run(s.id, 'running')
    })()
    return this.schedule(s.id)!
  }
  removeSchedule(id: string): boolean {
    return this.db.prepare('DELETE FROM schedules WHERE id = ?').run(id).changes > 0
  }
  setSchedulePaused(id: string, paused: boolean, at: string): boolean {
    return (
      this.db
        .prepare('UPDATE schedules SET paused = ?, updated_at = ? WHERE id = ?')
        .run(paused ? 1 : 0, at, id).changes > 0
    )
  }

  runs(): RunRow[] {
    return (this.db.prepare('SELECT * FROM schedule_runs ORDER BY next_run_at').all() as RawRun[]).map(toRun)
  }
  run(scheduleId: string, targetId: string): RunRow | undefined {
    const r = this.db
      .prepare('SELECT * FROM schedule_runs WHERE schedule_id = ? AND target_id = ?')
      .get(scheduleId, targetId) as RawRun | undefined
    return r ? toRun(r) : undefined
  }
  insertRun(scheduleId: string, targetId: string, nextRunAt: string): void {
    this.db
      .prepare(
        `INSERT INTO schedule_runs (schedule_id, target_id, next_run_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(scheduleId, targetId, nextRunAt)
  }
  updateRun(
    scheduleId: string,
    targetId: string,
    change: Partial<Omit<RunRow, 'scheduleId' | 'targetId'>>,
  ): void {
    const cols: Record<string, string> = {
      nextRunAt: 'next_run_at',
      lastRunAt: 'last_run_at',
      lastScanId: 'last_scan_id',
      status: 'status',
      detail: 'detail',
      failures: 'failures',
    }
    const keys = Object.keys(change).filter((k) => k in cols)
    if (keys.length === 0) return
    this.db
      .prepare(
        `UPDATE schedule_runs SET ${keys.map((k) => `${cols[k]} = @${k}`).join(', ')}
         WHERE schedule_id = @scheduleId AND target_id = @targetId`,
      )
      .run({ ...change, scheduleId, targetId })
  }
  removeRunsExcept(scheduleId: string, targetIds: readonly string[]): void {
    const keep = new Set(targetIds)
    for (const r of this.db
      .prepare('SELECT target_id FROM schedule_runs WHERE schedule_id = ?')
      .all(scheduleId) as { target_id: string }[])
      if (!keep.has(r.target_id))
        this.db
          .prepare('DELETE FROM schedule_runs WHERE schedule_id = ? AND target_id = ?')
          .run(scheduleId, r.target_id)
  }
  /** "Scan all now" and "run this schedule now": due immediately. */
  makeDue(at: string, scheduleId?: string): number {
    return scheduleId
      ? this.db
          .prepare(`UPDATE schedule_runs SET next_run_at = ? WHERE schedule_id = ? AND status <> 'running'`)
          .run(at, scheduleId).changes
      : this.db.prepare(`UPDATE schedule_runs SET next_run_at = ? WHERE status <> 'running'`).run(at).changes
  }

  pausedTargets(): Set<string> {
    return new Set(
      (this.db.prepare('SELECT target_id FROM watch_pauses').all() as { target_id: string }[]).map(
        (r) => r.target_id,
      ),
    )
  }
  setTargetPaused(targetId: string, paused: boolean, at: string): void {
    if (paused)
      this.db
        .prepare('INSERT INTO watch_pauses (target_id, paused_at) VALUES (?, ?) ON CONFLICT DO NOTHING')
        .run(targetId, at)
    else this.db.prepare('DELETE FROM watch_pauses WHERE target_id = ?').run(targetId)
  }

  private getSetting<T>(key: string): T | undefined {
    const r = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as
      { value: string } | undefined
    return r ? (JSON.parse(r.value) as T) : undefined
  }
  private setSetting(key: string, value: unknown, at: string): void {
    this.db
      .prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, JSON.stringify(value), at)
  }

  paused(): boolean {
    return this.getSetting<boolean>('watch.paused') ?? false
  }
  setPaused(paused: boolean, at: string): void {
    this.setSetting('watch.paused', paused, at)
  }
  settings(): WatchSettings {
    const s = this.getSetting<Partial<WatchSettings>>('watch.settings') ?? {}
    return {
      ...DEFAULT_WATCH_SETTINGS,
      ...s,
      thresholds: { ...DEFAULT_WATCH_SETTINGS.thresholds, ...s.thresholds },
      perKind: s.perKind ?? DEFAULT_WATCH_SETTINGS.perKind,
    }
  }
  saveSettings(s: WatchSettings, at: string): WatchSettings {
    this.setSetting('watch.settings', s, at)
    return this.settings()
  }

  /**
   * Takes or renews the scheduling lease: free, expired, already ours, or held by a process that is gone.
   * Checked and written in one immediate transaction, so two processes starting together cannot both win.
   */
  acquireLease(
    owner: string,
    pid: number,
    at: string,
    ttlMs: number,
    alive: (pid: number) => boolean,
  ): Lease | null {
    return this.db
      .transaction(() => {
        const cur = this.getSetting<Lease>('watch.lease')
        if (cur && cur.owner !== owner && cur.until > at && alive(cur.pid)) return null
        const lease = { owner, pid, until: new Date(Date.parse(at) + ttlMs).toISOString() }
        this.setSetting('watch.lease', lease, at)
        return lease
      })
      .immediate()
  }
  lease(): Lease | undefined {
    return this.getSetting<Lease>('watch.lease')
  }
  releaseLease(owner: string): void {
    const cur = this.getSetting<Lease>('watch.lease')
    if (cur?.owner === owner) this.db.prepare("DELETE FROM settings WHERE key = 'watch.lease'").run()
  }
}

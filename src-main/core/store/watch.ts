// The watch's persistent state: schedules, one run row per schedule and target (next run, last run, backoff),
// pauses, settings and the lease that lets only one Driftwatch process schedule at a time.
import type { CompiledQuery, Selectable, Updateable } from 'kysely'
import type { Sql } from './sql/engine'
import type { ScheduleRuns, Schedules } from './sql/schema'
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

const toSchedule = (r: Selectable<Schedules>): ScheduleRow => ({
  id: r.id,
  targetId: r.target_id,
  group: r.group_name,
  kind: r.kind as ScheduleKind,
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

const toRun = (r: Selectable<ScheduleRuns>): RunRow => ({
  scheduleId: r.schedule_id,
  targetId: r.target_id,
  nextRunAt: r.next_run_at,
  lastRunAt: r.last_run_at,
  lastScanId: r.last_scan_id,
  status: r.status as RunStatus,
  detail: r.detail,
  failures: r.failures,
})

/** A run's fields as updateRun may change them, and the column each is kept in. */
const RUN_COLUMNS = {
  nextRunAt: 'next_run_at',
  lastRunAt: 'last_run_at',
  lastScanId: 'last_scan_id',
  status: 'status',
  detail: 'detail',
  failures: 'failures',
} as const satisfies Record<keyof Omit<RunRow, 'scheduleId' | 'targetId'>, keyof ScheduleRuns>

const LEASE_KEY = 'watch.lease'

export interface Lease {
  owner: string
  pid: number
  until: string
  /** The computer the holder runs on: its pid means something only there (a shared store has many). */
  host?: string
}

export class WatchRepo {
  // The scheduler reads these on every tick: built once, since building a statement costs more than running it.
  private readonly allSchedules: CompiledQuery<Selectable<Schedules>>
  private readonly allRuns: CompiledQuery<Selectable<ScheduleRuns>>
  /** Parameters: the key. */
  private readonly readSetting: CompiledQuery<{ value: string }>
  /** Parameters: key, value, updated_at. */
  private readonly writeSetting: CompiledQuery<unknown>

  constructor(private readonly sql: Sql) {
    const { q } = sql
    this.allSchedules = q.selectFrom('schedules').selectAll().orderBy('created_at').orderBy('id').compile()
    this.allRuns = q
      .selectFrom('schedule_runs')
      .selectAll()
      .orderBy('next_run_at')
      .orderBy('schedule_id')
      .orderBy('target_id')
      .compile()
    this.readSetting = q.selectFrom('settings').select('value').where('key', '=', '').compile()
    this.writeSetting = q
      .insertInto('settings')
      .values({ key: '', value: '', updated_at: '' })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({
          value: eb.ref('excluded.value'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .compile()
  }

  schedules(): ScheduleRow[] {
    return this.sql.all(this.allSchedules).map(toSchedule)
  }
  schedule(id: string): ScheduleRow | undefined {
    const { q } = this.sql
    const r = this.sql.get(q.selectFrom('schedules').selectAll().where('id', '=', id))
    return r ? toSchedule(r) : undefined
  }
  saveSchedule(s: Omit<ScheduleRow, 'createdAt' | 'updatedAt'>, at: string): ScheduleRow {
    const { q } = this.sql
    this.sql.transaction(() => {
      this.sql.run(
        q
          .insertInto('schedules')
          .values({
            id: s.id,
            target_id: s.targetId,
            group_name: s.group,
            kind: s.kind,
            interval_minutes: s.intervalMinutes,
            daily_times: JSON.stringify(s.dailyTimes),
            days: JSON.stringify(s.days),
            time_zone: s.timeZone,
            priority: s.priority ? 1 : 0,
            jitter_seconds: s.jitterSeconds,
            request: JSON.stringify(s.request),
            paused: s.paused ? 1 : 0,
            created_at: at,
            updated_at: at,
          })
          .onConflict((oc) =>
            oc.column('id').doUpdateSet((eb) => ({
              target_id: eb.ref('excluded.target_id'),
              group_name: eb.ref('excluded.group_name'),
              kind: eb.ref('excluded.kind'),
              interval_minutes: eb.ref('excluded.interval_minutes'),
              daily_times: eb.ref('excluded.daily_times'),
              days: eb.ref('excluded.days'),
              time_zone: eb.ref('excluded.time_zone'),
              priority: eb.ref('excluded.priority'),
              jitter_seconds: eb.ref('excluded.jitter_seconds'),
              request: eb.ref('excluded.request'),
              paused: eb.ref('excluded.paused'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          ),
      )
      // A changed schedule is planned afresh (the scheduler recreates the rows with their next run).
      this.sql.run(
        q.deleteFrom('schedule_runs').where('schedule_id', '=', s.id).where('status', '<>', 'running'),
      )
    })
    return this.schedule(s.id)!
  }
  removeSchedule(id: string): boolean {
    const { q } = this.sql
    return this.sql.run(q.deleteFrom('schedules').where('id', '=', id)).changes > 0
  }
  setSchedulePaused(id: string, paused: boolean, at: string): boolean {
    const { q } = this.sql
    return (
      this.sql.run(
        q
          .updateTable('schedules')
          .set({ paused: paused ? 1 : 0, updated_at: at })
          .where('id', '=', id),
      ).changes > 0
    )
  }

  /** Every run, soonest first. */
  runs(): RunRow[] {
    return this.sql.all(this.allRuns).map(toRun)
  }
  run(scheduleId: string, targetId: string): RunRow | undefined {
    const { q } = this.sql
    const r = this.sql.get(
      q
        .selectFrom('schedule_runs')
        .selectAll()
        .where('schedule_id', '=', scheduleId)
        .where('target_id', '=', targetId),
    )
    return r ? toRun(r) : undefined
  }

  /**
   * What is due at `at`: runs not already running whose time has come, of schedules and targets that are not
   * paused; priority schedules first, then the longest-waiting. (The watch-wide pause is the caller's.)
   */
  dueRuns(at: string): RunRow[] {
    const { q } = this.sql
    return this.sql
      .all(
        q
          .selectFrom('schedule_runs as r')
          .innerJoin('schedules as s', 's.id', 'r.schedule_id')
          .selectAll('r')
          .where('r.status', '<>', 'running')
          .where('r.next_run_at', '<=', at)
          .where('s.paused', '=', 0)
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('watch_pauses as p')
                  .select('p.target_id')
                  .whereRef('p.target_id', '=', 'r.target_id'),
              ),
            ),
          )
          .orderBy('s.priority', 'desc')
          .orderBy('r.next_run_at')
          .orderBy('r.schedule_id')
          .orderBy('r.target_id'),
      )
      .map(toRun)
  }

  /** Records that a run's scan started: running since `at`, as `scanId`. */
  startRun(scheduleId: string, targetId: string, scanId: string, at: string): void {
    this.updateRun(scheduleId, targetId, { status: 'running', detail: '', lastRunAt: at, lastScanId: scanId })
  }

  insertRun(scheduleId: string, targetId: string, nextRunAt: string): void {
    const { q } = this.sql
    this.sql.run(
      q
        .insertInto('schedule_runs')
        .values({ schedule_id: scheduleId, target_id: targetId, next_run_at: nextRunAt })
        .onConflict((oc) => oc.doNothing()),
    )
  }
  updateRun(
    scheduleId: string,
    targetId: string,
    change: Partial<Omit<RunRow, 'scheduleId' | 'targetId'>>,
  ): void {
    const set: Updateable<ScheduleRuns> = {}
    for (const [key, column] of Object.entries(RUN_COLUMNS))
      if (key in change) Object.assign(set, { [column]: change[key as keyof typeof RUN_COLUMNS] ?? null })
    if (Object.keys(set).length === 0) return
    const { q } = this.sql
    this.sql.run(
      q
        .updateTable('schedule_runs')
        .set(set)
        .where('schedule_id', '=', scheduleId)
        .where('target_id', '=', targetId),
    )
  }
  /**
   * Changes a run no watcher is scanning (many watchers: a run another one claimed meanwhile is left to it).
   */
  holdRun(
    scheduleId: string,
    targetId: string,
    change: Partial<Pick<RunRow, 'status' | 'detail' | 'nextRunAt'>>,
  ): void {
    const { q } = this.sql
    this.sql.run(
      q
        .updateTable('schedule_runs')
        .set({
          ...(change.status !== undefined && { status: change.status }),
          ...(change.detail !== undefined && { detail: change.detail }),
          ...(change.nextRunAt !== undefined && { next_run_at: change.nextRunAt }),
        })
        .where('schedule_id', '=', scheduleId)
        .where('target_id', '=', targetId)
        .where('status', '<>', 'running'),
    )
  }
  /** Drops the schedule's runs of targets it no longer covers. */
  removeRunsExcept(scheduleId: string, targetIds: readonly string[]): void {
    const { q } = this.sql
    this.sql.run(
      q
        .deleteFrom('schedule_runs')
        .where('schedule_id', '=', scheduleId)
        // An empty list keeps nothing (and `IN ()` is no statement).
        .$if(targetIds.length > 0, (qb) => qb.where('target_id', 'not in', [...targetIds])),
    )
  }
  /**
   * "Scan all now" and "run this schedule now": due immediately. Watchers sharing a store scan each due time
   * once (scheduled_scans), so a run made due at the very instant of a due time it already finished would be
   * passed over for good; such a run is made due just after the last due time it has a record of.
   */
  makeDue(at: string, scheduleId?: string): number {
    const { q } = this.sql
    return this.sql.transaction(() => {
      const changed = this.sql.run(
        q
          .updateTable('schedule_runs')
          .set({ next_run_at: at })
          .where('status', '<>', 'running')
          .$if(scheduleId !== undefined, (qb) => qb.where('schedule_id', '=', scheduleId!)),
      ).changes
      const taken = this.sql.all(
        q
          .selectFrom('scheduled_scans as ss')
          .innerJoin('schedule_runs as sr', (j) =>
            j.onRef('sr.schedule_id', '=', 'ss.schedule_id').onRef('sr.target_id', '=', 'ss.target_id'),
          )
          .select(['ss.schedule_id', 'ss.target_id', (eb) => eb.fn.max('ss.due_at').as('last')])
          .where('sr.next_run_at', '=', at)
          .where('sr.status', '<>', 'running')
          .where('ss.due_at', '>=', at)
          .$if(scheduleId !== undefined, (qb) => qb.where('ss.schedule_id', '=', scheduleId!))
          .groupBy(['ss.schedule_id', 'ss.target_id']),
      )
      for (const t of taken)
        this.sql.run(
          q
            .updateTable('schedule_runs')
            .set({ next_run_at: new Date(Date.parse(t.last) + 1).toISOString() })
            .where('schedule_id', '=', t.schedule_id)
            .where('target_id', '=', t.target_id),
        )
      return changed
    })
  }

  pausedTargets(): Set<string> {
    const { q } = this.sql
    return new Set(this.sql.all(q.selectFrom('watch_pauses').select('target_id')).map((r) => r.target_id))
  }
  setTargetPaused(targetId: string, paused: boolean, at: string): void {
    const { q } = this.sql
    if (paused)
      this.sql.run(
        q
          .insertInto('watch_pauses')
          .values({ target_id: targetId, paused_at: at })
          .onConflict((oc) => oc.doNothing()),
      )
    else this.sql.run(q.deleteFrom('watch_pauses').where('target_id', '=', targetId))
  }

  private getSetting<T>(key: string): T | undefined {
    const r = this.sql.get<{ value: string }>({ ...this.readSetting, parameters: [key] })
    return r ? (JSON.parse(r.value) as T) : undefined
  }
  private setSetting(key: string, value: unknown, at: string): void {
    this.sql.run({ ...this.writeSetting, parameters: [key, JSON.stringify(value), at] })
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
   * Checked and written in one transaction under the lease's lock, so two processes starting together (on one
   * SQLite file or one PostgreSQL database) cannot both win.
   */
  acquireLease(
    owner: string,
    pid: number,
    at: string,
    ttlMs: number,
    alive: (pid: number) => boolean,
    host = '',
  ): Lease | null {
    return this.sql.transaction(() => {
      this.sql.lock(LEASE_KEY)
      const cur = this.getSetting<Lease>(LEASE_KEY)
      // A holder on another computer is alive until its lease lapses: its pid says nothing here.
      const elsewhere = Boolean(cur?.host) && cur?.host !== host
      if (cur && cur.owner !== owner && cur.until > at && (elsewhere || alive(cur.pid))) return null
      const lease = { owner, pid, until: new Date(Date.parse(at) + ttlMs).toISOString(), host }
      this.setSetting(LEASE_KEY, lease, at)
      return lease
    })
  }
  lease(): Lease | undefined {
    return this.getSetting<Lease>(LEASE_KEY)
  }
  releaseLease(owner: string): void {
    this.sql.transaction(() => {
      this.sql.lock(LEASE_KEY)
      const cur = this.getSetting<Lease>(LEASE_KEY)
      if (cur?.owner === owner) this.sql.run(this.sql.q.deleteFrom('settings').where('key', '=', LEASE_KEY))
    })
  }
}

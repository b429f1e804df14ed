// Alert channels, alerts and the delivery outbox. Alerts open and resolve inside the scan's commit (one open
// alert per target and rule: no repeat while it stays failing), and each channel's message for that scan is
// queued in the same transaction, so a crash can neither lose a message nor send it twice.
import type { Selectable } from 'kysely'
import { violation, type Sql } from './sql/engine'
import type { AlertChannels, AlertDeliveries, Alerts } from './sql/schema'
import { AppError } from '../errors'
import { alerting } from '../watch/drift'
import { passes, type ChannelFilter } from '../watch/alerts/filter'
import { toEvent, type DriftEventRow } from './drift'

export const CHANNEL_KINDS = ['webhook', 'slack', 'github-issue', 'email'] as const
export type ChannelKind = (typeof CHANNEL_KINDS)[number]

export interface ChannelRow {
  id: string
  kind: ChannelKind
  name: string
  enabled: boolean
  config: Record<string, unknown>
  credentialId: string | null
  throttleMinutes: number
  createdAt: string
  updatedAt: string
}

export interface AlertRow {
  id: number
  targetId: string
  ruleId: string
  eventId: number
  state: 'open' | 'acknowledged' | 'resolved'
  openedAt: string
  acknowledgedAt: string | null
  resolvedAt: string | null
}

export interface DeliveryRow {
  id: number
  channelId: string
  targetId: string | null
  scanId: string | null
  eventIds: number[]
  test: boolean
  state: 'pending' | 'sent' | 'failed'
  attempts: number
  nextAttemptAt: string
  lastError: string
  createdAt: string
  sentAt: string | null
}

const toChannel = (r: Selectable<AlertChannels>): ChannelRow => ({
  id: r.id,
  kind: r.kind as ChannelKind,
  name: r.name,
  enabled: r.enabled === 1,
  config: JSON.parse(r.config) as Record<string, unknown>,
  credentialId: r.credential_id,
  throttleMinutes: r.throttle_minutes,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

const toAlert = (r: Selectable<Alerts>): AlertRow => ({
  id: Number(r.id),
  targetId: r.target_id,
  ruleId: r.rule_id,
  eventId: r.event_id,
  state: r.state as AlertRow['state'],
  openedAt: r.opened_at,
  acknowledgedAt: r.acknowledged_at,
  resolvedAt: r.resolved_at,
})

const toDelivery = (r: Selectable<AlertDeliveries>): DeliveryRow => ({
  id: Number(r.id),
  channelId: r.channel_id,
  targetId: r.target_id,
  scanId: r.scan_id,
  eventIds: JSON.parse(r.event_ids) as number[],
  test: r.test === 1,
  state: r.state as DeliveryRow['state'],
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  sentAt: r.sent_at,
})

const addMinutes = (iso: string, m: number) => new Date(Date.parse(iso) + m * 60_000).toISOString()

/** Where a "send test" message waits: far in the future, so no outbox but the sender's picks it up. */
const PARKED = '9999-12-31T00:00:00.000Z'

export class AlertsRepo {
  constructor(private readonly sql: Sql) {}

  // ---- channels ----
  /** By name, without regard to case (names are unique that way). */
  channels(): ChannelRow[] {
    const { q } = this.sql
    return this.sql
      .all(
        q
          .selectFrom('alert_channels')
          .selectAll()
          .orderBy((eb) => eb.fn('lower', ['name'])),
      )
      .map(toChannel)
  }
  channel(id: string): ChannelRow | undefined {
    const { q } = this.sql
    const r = this.sql.get(q.selectFrom('alert_channels').selectAll().where('id', '=', id))
    return r ? toChannel(r) : undefined
  }
  /** Inserts or updates; a name another channel has (in any case) is refused. */
  saveChannel(c: Omit<ChannelRow, 'createdAt' | 'updatedAt'>, at: string): ChannelRow {
    const { q } = this.sql
    try {
      this.sql.run(
        q
          .insertInto('alert_channels')
          .values({
            id: c.id,
            kind: c.kind,
            name: c.name,
            enabled: c.enabled ? 1 : 0,
            config: JSON.stringify(c.config),
            credential_id: c.credentialId,
            throttle_minutes: c.throttleMinutes,
            created_at: at,
            updated_at: at,
          })
          .onConflict((oc) =>
            oc.column('id').doUpdateSet((eb) => ({
              kind: eb.ref('excluded.kind'),
              name: eb.ref('excluded.name'),
              enabled: eb.ref('excluded.enabled'),
              config: eb.ref('excluded.config'),
              credential_id: eb.ref('excluded.credential_id'),
              throttle_minutes: eb.ref('excluded.throttle_minutes'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          ),
      )
    } catch (err) {
      if (violation(err) === 'unique')
        throw new AppError('conflict', `An alert channel named "${c.name}" exists already`, [
          { path: 'name', message: 'Name already used' },
        ])
      throw err
    }
    return this.channel(c.id)!
  }
  removeChannel(id: string): boolean {
    const { q } = this.sql
    return this.sql.run(q.deleteFrom('alert_channels').where('id', '=', id)).changes > 0
  }

  // ---- alerts (inside the scan commit) ----
  /**
   * Opens an alert for each alerting event whose rule has none open, resolves alerts whose rule was fixed (or
   * whose score recovered), and queues one message per enabled channel for the new alerts of this scan.
   */
  recordDrift(
    scan: { id: string; targetId: string },
    events: readonly DriftEventRow[],
    at: string,
  ): number[] {
    const fresh: DriftEventRow[] = []
    for (const e of events) {
      if (e.type === 'fixed' || (e.type === 'score' && e.severity === 'improvement')) this.resolve(e, at)
      else if (alerting(e) && this.open(e, at)) fresh.push(e)
    }
    if (fresh.length === 0) return []
    const ids: number[] = []
    for (const c of this.channels().filter((x) => x.enabled)) {
      // Each channel gets the new alerts its check filter lets through, or no message at all.
      const mine = fresh.filter((e) => passes(c.config as ChannelFilter, e))
      if (mine.length === 0) continue
      // One message per channel and scan: a second recording of the same scan queues nothing.
      const id = this.queue(c, scan.targetId, scan.id, mine, at)
      if (id !== undefined) ids.push(id)
    }
    return ids
  }

  /**
   * Drift found outside a scan (an exception expired): an alert opens as for a regression, and each enabled
   * channel gets one message (not tied to a scan, so the scan's own message does not swallow it).
   */
  recordUnscanned(targetId: string, events: readonly DriftEventRow[], at: string): number[] {
    if (events.length === 0) return []
    for (const e of events) this.open(e, at)
    const ids: number[] = []
    for (const c of this.channels().filter((x) => x.enabled)) {
      const mine = events.filter((e) => passes(c.config as ChannelFilter, e))
      if (mine.length === 0) continue
      const id = this.queue(c, targetId, null, mine, at)
      if (id !== undefined) ids.push(id)
    }
    return ids
  }

  /**
   * An open alert for the event's target and rule, unless one is open already: the partial unique index
   * alerts_one_open says so, so two processes committing scans at once cannot open two. Its id, or undefined.
   */
  private open(e: DriftEventRow, at: string): number | undefined {
    const { q } = this.sql
    const r = this.sql.get(
      q
        .insertInto('alerts')
        .values({ target_id: e.targetId, rule_id: e.ruleId, event_id: e.id, state: 'open', opened_at: at })
        .onConflict((oc) => oc.doNothing())
        .returning('id'),
    )
    return r ? Number(r.id) : undefined
  }

  private resolve(e: DriftEventRow, at: string): void {
    const { q } = this.sql
    this.sql.run(
      q
        .updateTable('alerts')
        .set({ state: 'resolved', resolved_at: at, resolved_event: e.id })
        .where('target_id', '=', e.targetId)
        .where('rule_id', '=', e.ruleId)
        .where('state', '<>', 'resolved'),
    )
  }

  /** Queues one channel's message for these events (throttled per target); undefined when already queued. */
  private queue(
    c: ChannelRow,
    targetId: string,
    scanId: string | null,
    events: readonly DriftEventRow[],
    at: string,
  ): number | undefined {
    const { q } = this.sql
    const r = this.sql.get(
      q
        .insertInto('alert_deliveries')
        .values({
          channel_id: c.id,
          target_id: targetId,
          scan_id: scanId,
          event_ids: JSON.stringify(events.map((e) => e.id)),
          state: 'pending',
          next_attempt_at: this.throttledUntil(c, targetId, at),
          created_at: at,
        })
        .onConflict((oc) => oc.doNothing())
        .returning('id'),
    )
    return r ? Number(r.id) : undefined
  }

  /** Per-target throttling: a channel sends at most one message per target every throttleMinutes. */
  private throttledUntil(c: ChannelRow, targetId: string, at: string): string {
    if (c.throttleMinutes <= 0) return at
    const { q } = this.sql
    const last = this.sql.get(
      q
        .selectFrom('alert_deliveries')
        .select((eb) => eb.fn.max(eb.fn.coalesce('sent_at', 'next_attempt_at')).as('t'))
        .where('channel_id', '=', c.id)
        .where('target_id', '=', targetId)
        .where('test', '=', 0)
        .where('state', '<>', 'failed'),
    )
    if (!last?.t) return at
    const until = addMinutes(last.t, c.throttleMinutes)
    return until > at ? until : at
  }

  /** The newest thousand alerts (of one state), newest first. */
  alerts(state?: AlertRow['state']): AlertRow[] {
    const { q } = this.sql
    return this.sql
      .all(
        q
          .selectFrom('alerts')
          .selectAll()
          .$if(state !== undefined, (qb) => qb.where('state', '=', state!))
          .orderBy('id', 'desc')
          .limit(1000),
      )
      .map(toAlert)
  }
  /** An open alert becomes acknowledged; false when it is not open (already acknowledged, resolved, unknown). */
  acknowledge(id: number, at: string): boolean {
    const { q } = this.sql
    return (
      this.sql.run(
        q
          .updateTable('alerts')
          .set({ state: 'acknowledged', acknowledged_at: at })
          .where('id', '=', id)
          .where('state', '=', 'open'),
      ).changes > 0
    )
  }

  // ---- deliveries ----
  /**
   * A "send test" message, sent at once by the process where the button was pressed; parked far in the future
   * so the outbox of a watch running elsewhere does not send it too (a retry after a failure re-times it).
   */
  queueTest(channelId: string, at: string): number {
    const { q } = this.sql
    const r = this.sql.get(
      q
        .insertInto('alert_deliveries')
        .values({ channel_id: channelId, test: 1, state: 'pending', next_attempt_at: PARKED, created_at: at })
        .returning('id'),
    )
    return Number(r!.id)
  }
  delivery(id: number): DeliveryRow | undefined {
    const { q } = this.sql
    const r = this.sql.get(q.selectFrom('alert_deliveries').selectAll().where('id', '=', id))
    return r ? toDelivery(r) : undefined
  }
  /** The newest deliveries (of one channel), newest first. */
  deliveries(channelId?: string, limit = 200): DeliveryRow[] {
    const { q } = this.sql
    return this.sql
      .all(
        q
          .selectFrom('alert_deliveries')
          .selectAll()
          .$if(channelId !== undefined, (qb) => qb.where('channel_id', '=', channelId!))
          .orderBy('id', 'desc')
          .limit(limit),
      )
      .map(toDelivery)
  }
  /** The outbox: pending messages whose (re)try time has come, oldest first. */
  due(at: string): DeliveryRow[] {
    const { q } = this.sql
    return this.sql
      .all(
        q
          .selectFrom('alert_deliveries')
          .selectAll()
          .where('state', '=', 'pending')
          .where('next_attempt_at', '<=', at)
          .orderBy('id'),
      )
      .map(toDelivery)
  }
  /**
   * Takes up to `limit` due messages for `worker` until `until`: pending ones whose time has come and that no
   * other sender holds (or whose sender's claim lapsed). Each is locked FOR UPDATE SKIP LOCKED on PostgreSQL,
   * so senders claiming at once pass over each other's messages: a message goes out from one process only.
   */
  claimDue(worker: string, at: string, until: string, limit = 50): DeliveryRow[] {
    const { q } = this.sql
    const free = () =>
      q
        .selectFrom('alert_deliveries')
        .selectAll()
        .where('state', '=', 'pending')
        .where('next_attempt_at', '<=', at)
        .where((eb) => eb.or([eb('claim_until', 'is', null), eb('claim_until', '<', at)]))
    return this.sql.transaction(() => {
      const rows = this.sql.all(
        free()
          .orderBy('id')
          .limit(limit)
          .$if(this.sql.dialect === 'postgresql', (qb) => qb.forUpdate().skipLocked()),
      )
      const ids = rows.map((r) => Number(r.id))
      if (ids.length > 0)
        this.sql.run(
          q
            .updateTable('alert_deliveries')
            .set({ claimed_by: worker, claim_until: until })
            .where('id', 'in', ids),
        )
      return rows.map(toDelivery)
    })
  }
  /** Whether `worker` still holds its claim on the message (checked just before it goes out). */
  holdsDelivery(id: number, worker: string, at: string): boolean {
    const { q } = this.sql
    return (
      this.sql.get(
        q
          .selectFrom('alert_deliveries')
          .select('id')
          .where('id', '=', id)
          .where('state', '=', 'pending')
          .where('claimed_by', '=', worker)
          .where('claim_until', '>=', at),
      ) !== undefined
    )
  }
  nextDue(): string | null {
    const { q } = this.sql
    return (
      this.sql.get(
        q
          .selectFrom('alert_deliveries')
          .select((eb) => eb.fn.min('next_attempt_at').as('t'))
          .where('state', '=', 'pending'),
      )?.t ?? null
    )
  }
  markSent(id: number, at: string): void {
    const { q } = this.sql
    this.sql.run(
      q
        .updateTable('alert_deliveries')
        .set((eb) => ({
          state: 'sent',
          sent_at: at,
          attempts: eb('attempts', '+', 1),
          last_error: '',
          claimed_by: null,
          claim_until: null,
        }))
        .where('id', '=', id),
    )
  }
  /** A failed attempt: retried at `retryAt`, or given up on (state failed) when that is null. */
  markFailed(id: number, error: string, retryAt: string | null): void {
    const { q } = this.sql
    this.sql.run(
      q
        .updateTable('alert_deliveries')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          last_error: error,
          claimed_by: null,
          claim_until: null,
          ...(retryAt === null ? { state: 'failed' } : { state: 'pending', next_attempt_at: retryAt }),
        }))
        .where('id', '=', id),
    )
  }
  /** Waiting on something outside (a locked vault): retried later without counting as an attempt. */
  postpone(id: number, reason: string, until: string): void {
    const { q } = this.sql
    this.sql.run(
      q
        .updateTable('alert_deliveries')
        .set({ last_error: reason, next_attempt_at: until, claimed_by: null, claim_until: null })
        .where('id', '=', id),
    )
  }

  /** The vault was unlocked: messages that waited for it are due now. */
  wake(reason: string, at: string): number {
    const { q } = this.sql
    return this.sql.run(
      q
        .updateTable('alert_deliveries')
        .set({ next_attempt_at: at })
        .where('state', '=', 'pending')
        .where('last_error', '=', reason),
    ).changes
  }

  /** Drift events by id, in id order (an empty list reads nothing). */
  events(ids: readonly number[]): DriftEventRow[] {
    if (ids.length === 0) return []
    const { q } = this.sql
    return this.sql
      .all(
        q
          .selectFrom('drift_events')
          .selectAll()
          .where('id', 'in', [...ids])
          .orderBy('id'),
      )
      .map(toEvent)
  }
}

// Alert channels, alerts and the delivery outbox. Alerts open and resolve inside the scan's commit (one open
// alert per target and rule: no repeat while it stays failing), and each channel's message for that scan is
// queued in the same transaction, so a crash can neither lose a message nor send it twice.
import type { Db } from './db'
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

type RawChannel = {
  id: string
  kind: ChannelKind
  name: string
  enabled: number
  config: string
  credential_id: string | null
  throttle_minutes: number
  created_at: string
  updated_at: string
}
const toChannel = (r: RawChannel): ChannelRow => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  enabled: r.enabled === 1,
  config: JSON.parse(r.config) as Record<string, unknown>,
  credentialId: r.credential_id,
  throttleMinutes: r.throttle_minutes,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

type RawAlert = {
  id: number
  target_id: string
  rule_id: string
  event_id: number
  state: AlertRow['state']
  opened_at: string
  acknowledged_at: string | null
  resolved_at: string | null
}
const toAlert = (r: RawAlert): AlertRow => ({
  id: r.id,
  targetId: r.target_id,
  ruleId: r.rule_id,
  eventId: r.event_id,
  state: r.state,
  openedAt: r.opened_at,
  acknowledgedAt: r.acknowledged_at,
  resolvedAt: r.resolved_at,
})

type RawDelivery = {
  id: number
  channel_id: string
  target_id: string | null
  scan_id: string | null
  event_ids: string
  test: number
  state: DeliveryRow['state']
  attempts: number
  next_attempt_at: string
  last_error: string
  created_at: string
  sent_at: string | null
}
const toDelivery = (r: RawDelivery): DeliveryRow => ({
  id: r.id,
  channelId: r.channel_id,
  targetId: r.target_id,
  scanId: r.scan_id,
  eventIds: JSON.parse(r.event_ids) as number[],
  test: r.test === 1,
  state: r.state,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  sentAt: r.sent_at,
})

const addMinutes = (iso: string, m: number) => new Date(Date.parse(iso) + m * 60_000).toISOString()

export class AlertsRepo {
  constructor(private readonly db: Db) {}

  // ---- channels ----
  channels(): ChannelRow[] {
    return (this.db.prepare('SELECT * FROM alert_channels ORDER BY name').all() as RawChannel[]).map(
      toChannel,
    )
  }
  channel(id: string): ChannelRow | undefined {
    const r = this.db.prepare('SELECT * FROM alert_channels WHERE id = ?').get(id) as RawChannel | undefined
    return r ? toChannel(r) : undefined
  }
  saveChannel(c: Omit<ChannelRow, 'createdAt' | 'updatedAt'>, at: string): ChannelRow {
    this.db
      .prepare(
        `INSERT INTO alert_channels (id, kind, name, enabled, config, credential_id, throttle_minutes, created_at, updated_at)
         VALUES (@id, @kind, @name, @enabled, @config, @credentialId, @throttleMinutes, @at, @at)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, enabled = excluded.enabled,
           config = excluded.config, credential_id = excluded.credential_id,
           throttle_minutes = excluded.throttle_minutes, updated_at = excluded.updated_at`,
      )
      .run({ ...c, enabled: c.enabled ? 1 : 0, config: JSON.stringify(c.config), at })
    return this.channel(c.id)!
  }
  removeChannel(id: string): boolean {
    return this.db.prepare('DELETE FROM alert_channels WHERE id = ?').run(id).changes > 0
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
    const openOne = this.db.prepare(
      `INSERT INTO alerts (target_id, rule_id, event_id, state, opened_at) VALUES (?, ?, ?, 'open', ?)
       ON CONFLICT DO NOTHING RETURNING id`,
    )
    const resolve = this.db.prepare(
      `UPDATE alerts SET state = 'resolved', resolved_at = ?, resolved_event = ?
       WHERE target_id = ? AND rule_id = ? AND state <> 'resolved'`,
    )
    const fresh: DriftEventRow[] = []
    for (const e of events) {
      if (e.type === 'fixed' || (e.type === 'score' && e.severity === 'improvement'))
        resolve.run(at, e.id, e.targetId, e.ruleId)
      else if (alerting(e) && openOne.get(e.targetId, e.ruleId, e.id, at)) fresh.push(e)
    }
    if (fresh.length === 0) return []
    const ids: number[] = []
    for (const c of this.channels().filter((x) => x.enabled)) {
      // Each channel gets the new alerts its check filter lets through, or no message at all.
      const mine = fresh.filter((e) => passes(c.config as ChannelFilter, e))
      if (mine.length === 0) continue
      const eventIds = JSON.stringify(mine.map((e) => e.id))
      const due = this.throttledUntil(c, scan.targetId, at)
      const r = this.db
        .prepare(
          `INSERT INTO alert_deliveries (channel_id, target_id, scan_id, event_ids, state, next_attempt_at, created_at)
           VALUES (?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
        )
        .get(c.id, scan.targetId, scan.id, eventIds, due, at) as { id: number } | undefined
      if (r) ids.push(r.id)
    }
    return ids
  }

  /**
   * Drift found outside a scan (an exception expired): an alert opens as for a regression, and each enabled
   * channel gets one message (not tied to a scan, so the scan's own message does not swallow it).
   */
  recordUnscanned(targetId: string, events: readonly DriftEventRow[], at: string): number[] {
    if (events.length === 0) return []
    const openOne = this.db.prepare(
      `INSERT INTO alerts (target_id, rule_id, event_id, state, opened_at) VALUES (?, ?, ?, 'open', ?)
       ON CONFLICT DO NOTHING`,
    )
    for (const e of events) openOne.run(e.targetId, e.ruleId, e.id, at)
    const ids: number[] = []
    for (const c of this.channels().filter((x) => x.enabled)) {
      const mine = events.filter((e) => passes(c.config as ChannelFilter, e))
      if (mine.length === 0) continue
      const r = this.db
        .prepare(
          `INSERT INTO alert_deliveries (channel_id, target_id, scan_id, event_ids, state, next_attempt_at, created_at)
           VALUES (?, ?, NULL, ?, 'pending', ?, ?) RETURNING id`,
        )
        .get(
          c.id,
          targetId,
          JSON.stringify(mine.map((e) => e.id)),
          this.throttledUntil(c, targetId, at),
          at,
        ) as {
        id: number
      }
      ids.push(r.id)
    }
    return ids
  }

  /** Per-target throttling: a channel sends at most one message per target every throttleMinutes. */
  private throttledUntil(c: ChannelRow, targetId: string, at: string): string {
    if (c.throttleMinutes <= 0) return at
    const last = this.db
      .prepare(
        `SELECT max(coalesce(sent_at, next_attempt_at)) AS t FROM alert_deliveries
         WHERE channel_id = ? AND target_id = ? AND test = 0 AND state <> 'failed'`,
      )
      .get(c.id, targetId) as { t: string | null }
    if (!last.t) return at
    const until = addMinutes(last.t, c.throttleMinutes)
    return until > at ? until : at
  }

  alerts(state?: AlertRow['state']): AlertRow[] {
    const rows = (
      state
        ? this.db.prepare('SELECT * FROM alerts WHERE state = ? ORDER BY id DESC LIMIT 1000').all(state)
        : this.db.prepare('SELECT * FROM alerts ORDER BY id DESC LIMIT 1000').all()
    ) as RawAlert[]
    return rows.map(toAlert)
  }
  acknowledge(id: number, at: string): boolean {
    return (
      this.db
        .prepare(
          `UPDATE alerts SET state = 'acknowledged', acknowledged_at = ? WHERE id = ? AND state = 'open'`,
        )
        .run(at, id).changes > 0
    )
  }

  // ---- deliveries ----
  /**
   * A "send test" message, sent at once by the process where the button was pressed; parked far in the future
   * so the outbox of a watch running elsewhere does not send it too (a retry after a failure re-times it).
   */
  queueTest(channelId: string, at: string): number {
    return (
      this.db
        .prepare(
          `INSERT INTO alert_deliveries (channel_id, test, state, next_attempt_at, created_at)
           VALUES (?, 1, 'pending', '9999-12-31T00:00:00.000Z', ?) RETURNING id`,
        )
        .get(channelId, at) as { id: number }
    ).id
  }
  delivery(id: number): DeliveryRow | undefined {
    const r = this.db.prepare('SELECT * FROM alert_deliveries WHERE id = ?').get(id) as
      RawDelivery | undefined
    return r ? toDelivery(r) : undefined
  }
  deliveries(channelId?: string, limit = 200): DeliveryRow[] {
    const rows = (
      channelId
        ? this.db
            .prepare('SELECT * FROM alert_deliveries WHERE channel_id = ? ORDER BY id DESC LIMIT ?')
            .all(channelId, limit)
        : this.db.prepare('SELECT * FROM alert_deliveries ORDER BY id DESC LIMIT ?').all(limit)
    ) as RawDelivery[]
    return rows.map(toDelivery)
  }
  due(at: string): DeliveryRow[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM alert_deliveries WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY id`,
        )
        .all(at) as RawDelivery[]
    ).map(toDelivery)
  }
  nextDue(): string | null {
    return (
      this.db
        .prepare(`SELECT min(next_attempt_at) AS t FROM alert_deliveries WHERE state = 'pending'`)
        .get() as {
        t: string | null
      }
    ).t
  }
  markSent(id: number, at: string): void {
    this.db
      .prepare(
        `UPDATE alert_deliveries SET state = 'sent', sent_at = ?, attempts = attempts + 1, last_error = '' WHERE id = ?`,
      )
      .run(at, id)
  }
  /** A failed attempt: retried at `retryAt`, or given up on (state failed) when that is null. */
  markFailed(id: number, error: string, retryAt: string | null): void {
    this.db
      .prepare(
        `UPDATE alert_deliveries SET attempts = attempts + 1, last_error = ?,
           state = CASE WHEN ? IS NULL THEN 'failed' ELSE 'pending' END,
           next_attempt_at = coalesce(?, next_attempt_at) WHERE id = ?`,
      )
      .run(error, retryAt, retryAt, id)
  }
  /** Waiting on something outside (a locked vault): retried later without counting as an attempt. */
  postpone(id: number, reason: string, until: string): void {
    this.db
      .prepare('UPDATE alert_deliveries SET last_error = ?, next_attempt_at = ? WHERE id = ?')
      .run(reason, until, id)
  }

  /** The vault was unlocked: messages that waited for it are due now. */
  wake(reason: string, at: string): number {
    return this.db
      .prepare(`UPDATE alert_deliveries SET next_attempt_at = ? WHERE state = 'pending' AND last_error = ?`)
      .run(at, reason).changes
  }

  events(ids: readonly number[]): DriftEventRow[] {
    if (ids.length === 0) return []
    return (
      this.db
        .prepare(`SELECT * FROM drift_events WHERE id IN (${ids.map(() => '?').join(',')}) ORDER BY id`)
        .all(...ids) as Parameters<typeof toEvent>[0][]
    ).map(toEvent)
  }
}

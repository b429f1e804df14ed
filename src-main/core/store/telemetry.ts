// The store's figures /metrics reads at each scrape: rules by status per target, run states, the alert outbox.
import type { Db } from './db'

export interface OutboxFigures {
  sent: number
  failed: number
  pending: number
  failedAttempts: number
  throttled: number
}

export class TelemetryRepo {
  constructor(private readonly db: Db) {}

  rulesByStatus(): { targetId: string; status: string; n: number }[] {
    return this.db
      .prepare(
        'SELECT target_id AS targetId, status, count(*) AS n FROM current_status GROUP BY target_id, status',
      )
      .all() as { targetId: string; status: string; n: number }[]
  }

  runs(): { status: string; nextRunAt: string }[] {
    return this.db.prepare('SELECT status, next_run_at AS nextRunAt FROM schedule_runs').all() as {
      status: string
      nextRunAt: string
    }[]
  }

  /** Messages (not tests): sent, given up, waiting; failed attempts; held back by a throttle now. */
  outbox(): OutboxFigures {
    const r = this.db
      .prepare(
        `SELECT
           sum(state = 'sent') AS sent,
           sum(state = 'failed') AS failed,
           sum(state = 'pending') AS pending,
           sum(attempts - (state = 'sent')) AS failedAttempts,
           sum(state = 'pending' AND attempts = 0 AND last_error = '' AND next_attempt_at > created_at) AS throttled
         FROM alert_deliveries WHERE test = 0`,
      )
      .get() as Record<keyof OutboxFigures, number | null>
    return {
      sent: r.sent ?? 0,
      failed: r.failed ?? 0,
      pending: r.pending ?? 0,
      failedAttempts: r.failedAttempts ?? 0,
      throttled: r.throttled ?? 0,
    }
  }
}

// The store's figures /metrics reads at each scrape: rules by status per target, run states, the alert outbox.
import { sql as raw, type RawBuilder } from 'kysely'
import type { Sql } from './sql/engine'

export interface OutboxFigures {
  sent: number
  failed: number
  pending: number
  failedAttempts: number
  throttled: number
}

/** 1 where `condition` holds, else 0: a count both engines sum (PostgreSQL sums no booleans). */
const oneIf = (condition: RawBuilder<unknown>) => raw<number>`CASE WHEN ${condition} THEN 1 ELSE 0 END`

export class TelemetryRepo {
  constructor(private readonly sql: Sql) {}

  rulesByStatus(): { targetId: string; status: string; n: number }[] {
    const { q } = this.sql
    return this.sql.all(
      q
        .selectFrom('current_status')
        .select(({ fn }) => ['target_id as targetId', 'status', fn.countAll<number>().as('n')])
        .groupBy(['target_id', 'status']),
    )
  }

  runs(): { status: string; nextRunAt: string }[] {
    const { q } = this.sql
    return this.sql.all(q.selectFrom('schedule_runs').select(['status', 'next_run_at as nextRunAt']))
  }

  /** Messages (not tests): sent, given up, waiting; failed attempts; held back by a throttle now. */
  outbox(): OutboxFigures {
    const { q } = this.sql
    const sent = oneIf(raw`state = 'sent'`)
    const r = this.sql.get(
      q
        .selectFrom('alert_deliveries')
        .select(({ fn }) => [
          fn.sum<number | null>(sent).as('sent'),
          fn.sum<number | null>(oneIf(raw`state = 'failed'`)).as('failed'),
          fn.sum<number | null>(oneIf(raw`state = 'pending'`)).as('pending'),
          fn.sum<number | null>(raw`attempts - ${sent}`).as('failedAttempts'),
          fn
            .sum<number | null>(
              oneIf(
                raw`state = 'pending' AND attempts = 0 AND last_error = '' AND next_attempt_at > created_at`,
              ),
            )
            .as('throttled'),
        ])
        .where('test', '=', 0),
    )
    return {
      sent: r?.sent ?? 0,
      failed: r?.failed ?? 0,
      pending: r?.pending ?? 0,
      failedAttempts: r?.failedAttempts ?? 0,
      throttled: r?.throttled ?? 0,
    }
  }
}

// The alert outbox with many senders on one store: a due message is claimed by one sender for a while, passed
// over by the others, and claimable again once that claim lapses; on SQLite and on a real PostgreSQL, where two
// connections claiming at once skip each other's rows (FOR UPDATE SKIP LOCKED).
import { beforeEach, describe, expect, it } from 'vitest'
import type { Sql } from '../../src-main/core/store/sql/engine'
import { AlertsRepo } from '../../src-main/core/store/alerts'
import { ENGINES, freshPostgresUrl, migratedSql } from '../helpers/engines'
import { openStore } from '../../src-main/core/store/open'

const T0 = '2026-12-03T08:00:00.000Z'
const at = (min: number) => new Date(Date.parse(T0) + min * 60_000).toISOString()

function seed(sql: Sql, n: number): void {
  const { q } = sql
  sql.run(
    q.insertInto('alert_channels').values({
      id: 'c1',
      kind: 'webhook',
      name: 'SOC',
      config: '{}',
      created_at: T0,
      updated_at: T0,
    }),
  )
  for (let i = 0; i < n; i++)
    sql.run(
      q
        .insertInto('alert_deliveries')
        .values({ channel_id: 'c1', state: 'pending', next_attempt_at: T0, created_at: T0 }),
    )
}

describe.each(ENGINES)('delivery claims on %s', (engine) => {
  let sql: Sql
  let alerts: AlertsRepo
  beforeEach(async () => {
    sql = await migratedSql(engine)
    alerts = new AlertsRepo(sql)
    seed(sql, 3)
  })

  it('gives each due message to one sender until its claim lapses', () => {
    const first = alerts.claimDue('w1', at(0), at(2), 2)
    const second = alerts.claimDue('w2', at(0), at(2), 10)
    expect(first).toHaveLength(2)
    expect(second).toHaveLength(1)
    expect(new Set([...first, ...second].map((d) => d.id)).size).toBe(3)
    expect(alerts.claimDue('w3', at(1), at(3))).toEqual([])
    expect(alerts.holdsDelivery(first[0]!.id, 'w1', at(1))).toBe(true)
    // w1 sends one; the other it holds lapses with its claim, and w3 takes it over.
    alerts.markSent(first[0]!.id, at(1))
    const later = alerts.claimDue('w3', at(3), at(5))
    expect(later.map((d) => d.id).sort()).toEqual([first[1]!.id, second[0]!.id].sort())
    expect(alerts.holdsDelivery(first[1]!.id, 'w1', at(3))).toBe(false)
    expect(alerts.delivery(first[0]!.id)).toMatchObject({ state: 'sent', attempts: 1 })
  })
})

describe('delivery claims on PostgreSQL from two connections', () => {
  it('pass over a message another sender is claiming instead of waiting for it (SKIP LOCKED)', async () => {
    const url = await freshPostgresUrl()
    const a = openStore(url)
    const b = openStore(url)
    try {
      seed(a, 2)
      const mine = new AlertsRepo(a)
      const theirs = new AlertsRepo(b)
      // A's claim stays open (its transaction not yet committed) while B claims: B takes the other one.
      const got = a.transaction(() => {
        const held = mine.claimDue('w1', at(0), at(2), 1)
        const other = theirs.claimDue('w2', at(0), at(2), 10)
        return { held, other }
      })
      expect(got.held).toHaveLength(1)
      expect(got.other).toHaveLength(1)
      expect(got.other[0]!.id).not.toBe(got.held[0]!.id)
    } finally {
      a.close()
      b.close()
    }
  })
})

// Many watchers on one store: each due run is claimed by one watcher, a lapsed claim is taken over, and a scan
// whose claim was taken over can neither finish its run nor commit — on SQLite and on a real PostgreSQL.
import { beforeEach, describe, expect, it } from 'vitest'
import type { Sql } from '../../src-main/core/store/sql/engine'
import { SharedWatchRepo, type DueRun } from '../../src-main/core/store/shared-watch'
import { WatchRepo } from '../../src-main/core/store/watch'
import { ENGINES, freshPostgresUrl, migratedSql } from '../helpers/engines'
import { openStore } from '../../src-main/core/store/open'

const T0 = '2026-12-03T08:00:00.000Z'
const at = (min: number) => new Date(Date.parse(T0) + min * 60_000).toISOString()
const oldestFirst = (a: DueRun, b: DueRun) => a.nextRunAt.localeCompare(b.nextRunAt)

function seed(sql: Sql, targets: string[]): void {
  const { q } = sql
  for (const id of targets) {
    sql.run(
      q
        .insertInto('targets')
        .values({ id, name: id, kind: 'postgres', settings: '{}', created_at: T0, updated_at: T0 }),
    )
    sql.run(
      q.insertInto('schedules').values({
        id: `s-${id}`,
        target_id: id,
        kind: 'interval',
        interval_minutes: 1,
        created_at: T0,
        updated_at: T0,
      }),
    )
    sql.run(q.insertInto('schedule_runs').values({ schedule_id: `s-${id}`, target_id: id, next_run_at: T0 }))
  }
}

function scan(sql: Sql, id: string, targetId: string): void {
  sql.run(
    sql.q
      .insertInto('scans')
      .values({ id, target_id: targetId, trigger: 'schedule', state: 'running', started_at: T0 }),
  )
}

describe.each(ENGINES)('claims on %s', (engine) => {
  let sql: Sql
  let repo: SharedWatchRepo
  beforeEach(async () => {
    sql = await migratedSql(engine)
    repo = new SharedWatchRepo(sql)
    seed(sql, ['a', 'b', 'c'])
  })

  const claim = (
    worker: string,
    now: string,
    opts: { limit?: number; accept?: (r: DueRun) => boolean } = {},
  ) =>
    repo.claimDue({
      worker,
      now,
      until: at(Date.parse(now) / 60_000 - Date.parse(T0) / 60_000 + 3),
      limit: opts.limit ?? 10,
      order: oldestFirst,
      accept: opts.accept ?? (() => true),
    })

  it('gives each due run to one watcher only', () => {
    const first = claim('w1', at(0), { limit: 2 })
    const second = claim('w2', at(0))
    expect(first.map((c) => c.targetId).sort()).toEqual(['a', 'b'])
    expect(second.map((c) => c.targetId)).toEqual(['c'])
    expect(claim('w3', at(0))).toEqual([])
    expect(first[0]).toMatchObject({ dueAt: T0, attempts: 1, tookOver: null })
  })

  it('claims only what the watcher accepts (its kinds, tags and limits)', () => {
    expect(claim('w1', at(0), { accept: (r) => r.targetId === 'b' }).map((c) => c.targetId)).toEqual(['b'])
  })

  it('lets another watcher take a run over once its lease lapsed, and fences the first one out', () => {
    const [mine] = claim('w1', at(0), { accept: (r) => r.targetId === 'a' })
    scan(sql, 'scan-1', 'a')
    expect(repo.started(mine!, 'w1', 'scan-1')).toBe(true)
    // Within the lease, nobody else may take it.
    expect(claim('w2', at(2), { accept: (r) => r.targetId === 'a' })).toEqual([])
    // w1 goes silent; the lease (3 minutes) lapses.
    const [theirs] = claim('w2', at(4), { accept: (r) => r.targetId === 'a' })
    expect(theirs).toMatchObject({ dueAt: T0, attempts: 2, tookOver: { worker: 'w1', scanId: 'scan-1' } })
    scan(sql, 'scan-2', 'a')
    expect(repo.started(theirs!, 'w2', 'scan-2')).toBe(true)
    // w1 comes back: its scan may not commit and it cannot end the run.
    expect(repo.holds('scan-1')).toBe(false)
    expect(repo.holds('scan-2')).toBe(true)
    const run = { status: 'waiting', detail: '', failures: 0, nextRunAt: at(1) }
    expect(repo.finish(mine!, 'w1', 'done', at(5), run)).toBe(false)
    expect(repo.finish(theirs!, 'w2', 'done', at(5), run)).toBe(true)
    const history = repo.history('s-a', 'a')
    expect(history).toHaveLength(1)
    expect(history[0]).toMatchObject({
      due_at: T0,
      worker: 'w2',
      scan_id: 'scan-2',
      state: 'done',
      attempts: 2,
    })
  })

  it('does not run a due time twice, even when its run is set back to it by hand', () => {
    const [c] = claim('w1', at(0), { accept: (r) => r.targetId === 'a' })
    repo.finish(c!, 'w1', 'done', at(1), { status: 'waiting', detail: '', failures: 0, nextRunAt: at(1) })
    sql.run(sql.q.updateTable('schedule_runs').set({ next_run_at: T0 }).where('target_id', '=', 'a'))
    expect(claim('w2', at(2), { accept: (r) => r.targetId === 'a' })).toEqual([])
    expect(repo.history('s-a', 'a')).toHaveLength(1)
  })

  it('scans a "Run now" made at the very instant of a due time already scanned, just after it', () => {
    const [c] = claim('w1', at(0), { accept: (r) => r.targetId === 'a' })
    repo.finish(c!, 'w1', 'done', at(0), { status: 'waiting', detail: '', failures: 0, nextRunAt: at(1) })
    // Run now, on a clock that reads the same instant (the run was due at T0 and T0 is scanned).
    expect(new WatchRepo(sql).makeDue(T0, 's-a')).toBe(1)
    const next = new Date(Date.parse(T0) + 1).toISOString()
    const run = () =>
      sql.get(sql.q.selectFrom('schedule_runs').select('next_run_at').where('target_id', '=', 'a'))!
        .next_run_at
    expect(run()).toBe(next)
    const [again] = claim('w2', next, { accept: (r) => r.targetId === 'a' })
    expect(again?.dueAt).toBe(next)
    expect(repo.history('s-a', 'a')).toHaveLength(2)
    // A Run now at any other instant is due then, as before.
    expect(new WatchRepo(sql).makeDue(at(5), 's-b')).toBe(1)
    expect(
      sql.get(sql.q.selectFrom('schedule_runs').select('next_run_at').where('target_id', '=', 'b'))!
        .next_run_at,
    ).toBe(at(5))
  })

  it('records a "Run now" scanned here with no watcher, so its scan may commit, and how it ended', () => {
    scan(sql, 'here-1', 'a')
    // A scheduled scan no record names is one that lost its claim: refused.
    expect(repo.holds('here-1')).toBe(false)
    repo.startedHere({ scheduleId: 's-a', targetId: 'a' }, 'p1', 'here-1', T0)
    expect(repo.holds('here-1')).toBe(true)
    // A second one at the same instant gets the next millisecond; it fails, and its record says so.
    scan(sql, 'here-2', 'a')
    repo.startedHere({ scheduleId: 's-a', targetId: 'a' }, 'p1', 'here-2', T0)
    repo.endedHere('here-2', 'failed', at(1))
    expect(repo.history('s-a', 'a').map((r) => [r.due_at, r.scan_id, r.state])).toEqual([
      [T0, 'here-1', 'running'],
      [new Date(Date.parse(T0) + 1).toISOString(), 'here-2', 'failed'],
    ])
  })

  it('keeps a lease alive while the scan runs', () => {
    claim('w1', at(0), { accept: (r) => r.targetId === 'a' })
    expect(repo.renew('w1', at(6))).toBe(1)
    expect(claim('w2', at(4), { accept: (r) => r.targetId === 'a' })).toEqual([])
    expect(repo.renew('w2', at(6))).toBe(0)
  })

  it('lets a scan started by hand commit', () => {
    sql.run(
      sql.q
        .insertInto('scans')
        .values({ id: 'manual-scan', target_id: 'a', trigger: 'manual', state: 'running', started_at: T0 }),
    )
    expect(repo.holds('manual-scan')).toBe(true)
    expect(repo.isScheduled('manual-scan')).toBe(false)
  })

  it('knows the processes on the store and when each was last seen', () => {
    repo.register({
      id: 'p1',
      face: 'watch',
      host: 'east-1',
      pid: 42,
      onlyKinds: ['ssh'],
      tags: ['dc-east'],
      startedAt: T0,
    })
    expect(repo.seen('p1', at(1))).toBe(true)
    expect(repo.processes()).toEqual([
      {
        id: 'p1',
        face: 'watch',
        host: 'east-1',
        pid: 42,
        onlyKinds: ['ssh'],
        tags: ['dc-east'],
        startedAt: T0,
        seenAt: at(1),
      },
    ])
    repo.forget('p1')
    expect(repo.seen('p1', at(2))).toBe(false)
  })
})

describe('claims on PostgreSQL from two connections', () => {
  it('pass over a run another watcher is claiming instead of waiting for it (SKIP LOCKED)', async () => {
    const url = await freshPostgresUrl()
    const one = openStore(url)
    const two = openStore(url)
    try {
      seed(one, ['x', 'y'])
      const order = (a: DueRun, b: DueRun) => a.targetId.localeCompare(b.targetId)
      const args = { now: at(0), until: at(3), limit: 1, order, accept: () => true }
      // Watcher one is inside its claim (its row locked, not yet committed) when watcher two claims: two must
      // neither wait for one (this thread would hang) nor take the same run.
      const got = one.transaction(() => {
        const mine = new SharedWatchRepo(one).claimDue({ ...args, worker: 'one' })
        const theirs = new SharedWatchRepo(two).claimDue({ ...args, worker: 'two' })
        return { mine, theirs }
      })
      expect(got.mine.map((c) => c.targetId)).toEqual(['x'])
      expect(got.theirs.map((c) => c.targetId)).toEqual(['y'])
    } finally {
      one.close()
      two.close()
    }
  })
})

// Many watchers on one store, through real cores on a fake clock, on SQLite and on a real PostgreSQL: due runs
// split between watchers with each due time scanned once, a watcher that stops renewing is taken over (its scan
// marked interrupted naming it, and fenced out of the commit when it comes back), and a watcher limited to kinds
// and tags scans only those.
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { call, useCores } from '../helpers/core'
import { deferred, fakeTime, rule, scriptedScanner, type FakeTime } from '../helpers/watch'
import { ENGINES, freshPostgresUrl } from '../helpers/engines'
import { useTmpDirs } from '../helpers/tmp-dir'
import type { Core } from '../../src-main/core/app'
import { openStore } from '../../src-main/core/store/open'
import type { Dialect } from '../../src-main/core/store/sql/engine'

const cores = useCores()
const tmp = useTmpDirs()
const MIN = 60_000

async function storeFor(engine: Dialect): Promise<string> {
  return engine === 'sqlite' ? join(tmp.make('dw-shared-'), 'store.db') : await freshPostgresUrl()
}

function watcher(store: string, time: FakeTime) {
  const scanner = scriptedScanner(time)
  const core = cores.open({ store, clock: time, timers: time, scanners: [scanner], sharedWatch: true })
  return { core, script: scanner.script }
}

async function db(core: Core, name: string, kind: 'postgres' | 'mysql' = 'postgres', tags: string[] = []) {
  const target =
    kind === 'postgres'
      ? { kind, name, host: '127.0.0.1', user: 'u', tls: 'disable' as const, tags }
      : { kind, name, host: '127.0.0.1', user: 'u', tags }
  return (await call(core, 'targets.create', { target })).id
}

/** Per scan row of the store: its target's name, trigger, state and error, and the due time it was for. */
function facts(store: string) {
  const sql = openStore(store)
  try {
    const scans = sql.all<{ id: string; name: string; state: string; error: string; results: number }>({
      sql:
        'SELECT s.id, t.name, s.state, s.error, (SELECT count(*) FROM results r WHERE r.scan_id = s.id) AS results ' +
        'FROM scans s JOIN targets t ON t.id = s.target_id ORDER BY t.name, s.started_at',
      parameters: [],
    } as never)
    const records = sql.all<{
      name: string
      due_at: string
      state: string
      attempts: number
      scan_id: string
    }>({
      sql:
        'SELECT t.name, x.due_at, x.state, x.attempts, x.scan_id FROM scheduled_scans x ' +
        'JOIN targets t ON t.id = x.target_id ORDER BY t.name, x.due_at',
      parameters: [],
    } as never)
    return { scans: scans.map((s) => ({ ...s, results: Number(s.results) })), records }
  } finally {
    sql.close()
  }
}

describe.each(ENGINES)('many watchers on %s', (engine) => {
  it('split the due runs between them and scan each due time once', async () => {
    const store = await storeFor(engine)
    const time = fakeTime()
    const a = watcher(store, time)
    const b = watcher(store, time)
    for (const name of ['db-1', 'db-2', 'db-3', 'db-4']) {
      const id = await db(a.core, name)
      await call(a.core, 'watch.schedules.save', { targetId: id, intervalMinutes: 1 })
    }
    a.core.watch.start()
    b.core.watch.start()
    await time.advance(0)
    await time.advance(3 * MIN)
    const names = (s: { target: string }[]) => s.map((x) => x.target)
    // Both took part; together they scanned every target once per minute, never twice for one due time.
    expect(a.script.started.length).toBeGreaterThan(0)
    expect(b.script.started.length).toBeGreaterThan(0)
    const all = [...names(a.script.started), ...names(b.script.started)]
    for (const name of ['db-1', 'db-2', 'db-3', 'db-4']) expect(all.filter((n) => n === name)).toHaveLength(4)
    const f = facts(store)
    expect(f.scans.every((s) => s.state === 'done')).toBe(true)
    expect(f.records).toHaveLength(16)
    expect(new Set(f.records.map((r) => `${r.name} ${r.due_at}`)).size).toBe(16)
    expect(f.records.every((r) => r.state === 'done' && r.attempts === 1)).toBe(true)
    // Each record names the one scan stored for it.
    expect(new Set(f.records.map((r) => r.scan_id)).size).toBe(16)
    expect((await call(a.core, 'watch.status', {})).active).toBe(true)
  })

  it('takes over the run of a watcher that stopped renewing, and fences its scan out when it comes back', async () => {
    const store = await storeFor(engine)
    const frozen = fakeTime()
    const time = fakeTime()
    const a = watcher(store, frozen)
    const id = await db(a.core, 'db-1')
    await call(a.core, 'watch.schedules.save', { targetId: id, intervalMinutes: 60 })
    // A's scan hangs (a host that stopped answering), and A's clock stands still: it renews nothing.
    const gate = deferred()
    a.script.gates.set('db-1', gate.promise)
    a.script.results.set('db-1', [rule('r1', 'fail')])
    a.core.watch.start()
    await frozen.advance(0)
    expect(a.script.started).toHaveLength(1)
    const b = watcher(store, time)
    b.script.results.set('db-1', [rule('r1', 'pass')])
    b.core.watch.start()
    await time.advance(0)
    // Within A's claim, B leaves the run alone.
    expect(b.script.started).toHaveLength(0)
    await time.advance(2 * MIN)
    expect(b.script.started).toHaveLength(1)
    const mid = facts(store)
    const aScan = mid.scans.find((s) => s.state === 'interrupted')
    expect(aScan?.error).toMatch(/^The watch process on .+ \(pid \d+\) stopped renewing its claim/)
    expect(mid.records).toMatchObject([{ name: 'db-1', state: 'done', attempts: 2 }])
    // A comes back and its scan ends: it is not stored (no results, no drift), and the row still says why.
    gate.resolve()
    await frozen.advance(0)
    await a.core.idle()
    const end = facts(store)
    expect(end.scans).toHaveLength(2)
    expect(end.scans.find((s) => s.id === aScan!.id)).toMatchObject({ state: 'interrupted', results: 0 })
    expect(end.scans.filter((s) => s.state === 'done')).toMatchObject([{ results: 1 }])
    expect(end.records).toMatchObject([
      { state: 'done', attempts: 2, scan_id: end.scans.find((s) => s.state === 'done')!.id },
    ])
    const events = await call(b.core, 'drift.events', {})
    expect(events.events.filter((e) => e.scanId === aScan!.id)).toEqual([])
    const runs = (await call(b.core, 'watch.status', {})).runs
    expect(runs[0]).toMatchObject({ status: 'waiting', failures: 0 })
  })

  it('scans only the kinds and tags a watcher is limited to', async () => {
    const store = await storeFor(engine)
    const time = fakeTime()
    const east = watcher(store, time)
    const pgOnly = watcher(store, time)
    const ids = [
      await db(east.core, 'pg-east', 'postgres', ['DC-East']),
      await db(east.core, 'pg-west', 'postgres', ['dc-west']),
      await db(east.core, 'my-east', 'mysql', ['dc-east']),
      await db(east.core, 'my-west', 'mysql', ['dc-west']),
    ]
    for (const targetId of ids)
      await call(east.core, 'watch.schedules.save', { targetId, intervalMinutes: 60 })
    east.core.watch.start({ onlyKinds: [], tags: ['dc-east'] })
    pgOnly.core.watch.start({ onlyKinds: ['postgres'], tags: [] })
    await time.advance(0)
    await time.advance(MIN)
    const all = [...east.script.started, ...pgOnly.script.started]
    expect(east.script.started.every((s) => s.target.endsWith('-east'))).toBe(true)
    expect(pgOnly.script.started.every((s) => s.target.startsWith('pg-'))).toBe(true)
    // my-west is served by neither: it waits.
    expect(all.map((s) => s.target).sort()).toEqual(['my-east', 'pg-east', 'pg-west'])
  })
})

// The watch's costs: how long from a scan's commit to its signed webhook landing on a receiver (beside a bare
// POST of the same body), the Drift page's timeline query for a target with 365 scans of 1,500 rules (beside a
// bare SELECT of the scores), and the process's memory across 10,000 accelerated watch cycles on a fake clock.
import { it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { createCore } from '../src-main/core/app'
import { openDatabase } from '../src-main/core/store/db'
import { sqliteSql } from '../src-main/core/store/sql/sqlite'
import { ScansRepo } from '../src-main/core/store/scans'
import { AlertsRepo } from '../src-main/core/store/alerts'
import { WatchRepo } from '../src-main/core/store/watch'
import { DriftRepo } from '../src-main/core/store/drift'
import { commitHooks } from '../src-main/core/watch/watch'
import type { RuleResult } from '../src-main/core/scanners/scanner'
import { fakeTime, rule, scriptedScanner } from '../test/helpers/watch'
import { startReceiver } from '../test/helpers/receiver'
import { call } from '../test/helpers/core'
import { report, time } from './report'

setFlagsFromString('--expose_gc')
const gc = runInNewContext('gc') as () => void

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const tmp = () => mkdtempSync(join(tmpdir(), 'dw-bench-watch-'))

it('watch: commit to webhook, timeline query, memory over 10,000 cycles', async () => {
  // ---- 1. scan commit → signed webhook received ----
  const rx = await startReceiver()
  const dir1 = tmp()
  const clock = { now: () => new Date() }
  const scanner = scriptedScanner(clock)
  const core = createCore({
    face: 'cli',
    dataDir: dir1,
    scanners: [scanner],
    unsafeKdfForTests: { N: 1024, r: 8, p: 1 },
  })
  await core.invoke('vault.init', { passphrase: 'bench passphrase 1' })
  const target = await call(core, 'targets.create', {
    target: { kind: 'postgres', name: 'db', host: '127.0.0.1', user: 'u', tls: 'disable' },
  })
  const ch = await core.invoke('alerts.channels.save', {
    kind: 'webhook',
    name: 'hook',
    config: { url: `${rx.url}/h` },
    secret: 'k',
  })
  if (!ch.ok) throw new Error(ch.error.message)
  core.watch.start()
  const rules = (failing: boolean): RuleResult[] =>
    Array.from({ length: 100 }, (_, i) =>
      rule(`r${i}`, failing && i === 0 ? 'fail' : 'pass', failing && i === 0 ? 'off' : 'on'),
    )
  let committedAt = 0
  core.subscribe((name) => {
    if (name === 'drift.detected') committedAt = performance.now()
  })
  const latencies: number[] = []
  const ROUNDS = 30
  for (let i = 0; i < ROUNDS * 2; i++) {
    scanner.script.results.set('db', rules(i % 2 === 1))
    const before = rx.received.length
    await core.invoke('scan.start', { targetId: target.id })
    await core.idle()
    if (i % 2 === 1) {
      while (rx.received.length === before) await new Promise((r) => setImmediate(r))
      latencies.push(performance.now() - committedAt)
    }
  }
  const body = rx.received.at(-1)!.body
  const bare: number[] = []
  for (let i = 0; i < ROUNDS; i++)
    bare.push(
      await time(() =>
        fetch(`${rx.url}/h`, { method: 'POST', body, headers: { 'content-type': 'application/json' } }).then(
          (r) => r.text(),
        ),
      ),
    )
  core.close()
  await rx.close()
  rmSync(dir1, { recursive: true, force: true })

  // ---- 2. the timeline of one target with 365 scans × 1,500 rules ----
  const dir2 = tmp()
  const db = openDatabase(join(dir2, 'driftwatch.db'))
  const sql = sqliteSql(db)
  const stores = { watch: new WatchRepo(sql), alerts: new AlertsRepo(sql), drift: new DriftRepo(sql) }
  const scans = new ScansRepo(sql, commitHooks(stores))
  db.prepare(
    `INSERT INTO targets (id, name, kind, host, settings, created_at, updated_at) VALUES ('t1', 'big', 'postgres', 'h', '{"host":"h","port":5432,"database":"postgres","user":"u","credentialId":null,"tls":"disable","caFile":""}', 't', 't')`,
  ).run()
  const RULES = 1500
  const DAYS = 365
  const seed = Date.parse('2029-01-01T00:00:00Z')
  const fill = await time(() => {
    for (let d = 0; d < DAYS; d++) {
      const at = new Date(seed + d * 86_400_000).toISOString()
      const id = `s${d}`
      scans.begin({
        id,
        targetId: 't1',
        trigger: 'schedule',
        profileId: 'p',
        tailoringId: null,
        startedAt: at,
      })
      // A few rules change each day, so the year has drift events of every kind.
      const results = Array.from({ length: RULES }, (_, i) =>
        rule(`rule-${i}`, (i * 7 + d) % 97 < 3 ? 'fail' : 'pass', (i + d) % 211 === 0 ? String(d) : 'x'),
      )
      scans.commit(id, { results, evidence: [], info: {} }, at)
    }
  })
  const events = (db.prepare('SELECT count(*) AS n FROM drift_events').get() as { n: number }).n
  db.close()
  const reader = createCore({ face: 'cli', dataDir: dir2 })
  const q: number[] = []
  let points = 0
  for (let i = 0; i < 25; i++)
    q.push(
      await time(async () => {
        points = (await call(reader, 'drift.timeline', { targetId: 't1' })).points.length
      }),
    )
  reader.close()
  const rawDb = openDatabase(join(dir2, 'driftwatch.db'))
  const bareQ: number[] = []
  for (let i = 0; i < 25; i++)
    bareQ.push(
      await time(() =>
        rawDb.prepare("SELECT id, score FROM scans WHERE target_id = 't1' ORDER BY started_at").all(),
      ),
    )
  rawDb.close()
  rmSync(dir2, { recursive: true, force: true })

  // ---- 3. memory across 10,000 accelerated cycles ----
  const dir3 = tmp()
  const ft = fakeTime()
  const s3 = scriptedScanner(ft)
  const c3 = createCore({
    face: 'cli',
    dataDir: dir3,
    clock: ft,
    timers: ft,
    scanners: [s3],
    random: () => 0.5,
  })
  const t3 = await call(c3, 'targets.create', {
    target: { kind: 'postgres', name: 'db', host: '127.0.0.1', user: 'u', tls: 'disable' },
  })
  await c3.invoke('watch.schedules.save', { targetId: t3.id, intervalMinutes: 1 })
  c3.watch.start()
  const CYCLES = 10_000
  const WARMUP = 1_000
  const sample = () => {
    gc()
    return process.memoryUsage().rss
  }
  let rssStart = 0
  const cycles = await time(async () => {
    for (let i = 0; i < CYCLES; i++) {
      // Every other cycle a rule fails, so each cycle records drift and opens or resolves an alert.
      s3.script.results.set('db', [
        rule('a', i % 2 ? 'fail' : 'pass', String(i % 2)),
        rule('b', 'pass'),
        rule('c', 'fail'),
      ])
      await ft.advance(60_000)
      if (i === WARMUP) rssStart = sample()
    }
  })
  const rssEnd = sample()
  const ran = s3.script.started.length
  c3.close()
  rmSync(dir3, { recursive: true, force: true })

  // Baseline for one cycle: the bare writes of a scan and its three results, in one transaction.
  const dir4 = tmp()
  const raw = openDatabase(join(dir4, 'raw.db'))
  raw.exec(
    'CREATE TABLE s (id TEXT PRIMARY KEY, at TEXT); CREATE TABLE r (s TEXT, rule TEXT, status TEXT, actual TEXT)',
  )
  const insS = raw.prepare('INSERT INTO s VALUES (?, ?)')
  const insR = raw.prepare('INSERT INTO r VALUES (?, ?, ?, ?)')
  const bareCycles = 2000
  const bareCycle =
    (await time(() => {
      for (let i = 0; i < bareCycles; i++)
        raw.transaction(() => {
          insS.run(`s${i}`, 't')
          for (const x of ['a', 'b', 'c']) insR.run(`s${i}`, x, 'pass', '1')
        })()
    })) / bareCycles
  raw.close()
  rmSync(dir4, { recursive: true, force: true })

  report('watch', [
    {
      figure: `scan commit → signed webhook received (median of ${ROUNDS}; max ${Math.max(...latencies).toFixed(1)} ms)`,
      ms: median(latencies),
      baselineMs: median(bare),
      baseline: 'bare fetch POST of the same body',
    },
    {
      figure: `drift.timeline for one target, ${points} scans × ${RULES} rules, ${events} drift events (median of 25)`,
      ms: median(q),
      baselineMs: median(bareQ),
      baseline: 'bare SELECT of the scores',
    },
    {
      figure: `one accelerated watch cycle (tick, scan, commit with drift, alert state, events), mean of ${ran}`,
      ms: cycles / ran,
      baselineMs: bareCycle,
      baseline: 'bare INSERT of a scan and 3 results in one transaction',
    },
  ])
  const mb = (b: number) => (b / 1024 / 1024).toFixed(1)
  console.log(
    `  RSS after ${WARMUP} cycles ${mb(rssStart)} MB → after ${CYCLES}: ${mb(rssEnd)} MB  | growth ${(((rssEnd - rssStart) / rssStart) * 100).toFixed(1)}% (aim ≤ 10%)\n` +
      `  filling the 365-day store took ${(fill / 1000).toFixed(1)} s`,
  )
}, 600_000)

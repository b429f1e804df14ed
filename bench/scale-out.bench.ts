// Scale-out: 1, 2 and 4 real `driftwatch watch --store postgres://…` processes sharing one PostgreSQL store and
// the same simulated targets, to see what each added watcher buys. The targets are PostgreSQL databases reached
// through a 127.0.0.1 proxy that delays every packet (test/services/tcp-proxy.ts, as the three-watcher test's
// slow targets), so a scan mostly waits, as a scan of a remote database does. Every target is on a 1-minute
// schedule and each watcher's clock runs FACTOR times faster (test/helpers/fast-clock.mjs), so more runs fall
// due than the watchers can scan: the figure is what they can do, not what the schedules ask for.
//
// Printed for each number of watchers, beside one watcher (ratio = figure / one watcher's):
// - throughput: scans stored as done per real minute, counted in the store's scans table over a window after a
//   warm-up (each worker count gets a fresh copy of the same store);
// - claim latency p99: how long one claim takes (SharedWatchRepo.claimDue: the transaction that reads the due
//   runs and locks what it takes), in real milliseconds, from each watcher's `watch claimed` debug line. This
//   and not due-to-claim time, because with more due runs than lanes due-to-claim is the queue's length (it
//   grows with the window, whatever the claim costs); the claim's own time is what watchers contend for on one
//   store, and what would stop more watchers from helping.
// The machine's load is printed too: on a 2-core machine the watchers share the cores with PostgreSQL, the proxy
// and each other, so throughput stops growing once they are CPU-bound (the scan's median time grows: printed).
// Scans that did not end done are counted, not hidden: a scan's own timeouts run on the sped-up clock too (its
// 10 s connect timeout is 2 s real), so an overloaded machine shows a few "No answer … within 10 s".
import { it } from 'vitest'
import { join } from 'node:path'
import { loadavg } from 'node:os'
import pg from 'pg'
import { createCore } from '../src-main/core/app'
import { startPostgres } from '../test/services/lib'
import { startTcpProxy } from '../test/services/tcp-proxy'
import { ensureBuilt, ROOT } from '../test/helpers/cli'
import { call } from '../test/helpers/core'
import { useTmpDirs } from '../test/helpers/tmp-dir'
import { startWatchDaemon, type Daemon } from '../test/helpers/daemon'

const PASS = 'scale-out bench passphrase'
const TARGETS = Number(process.env.SCALE_OUT_TARGETS ?? 200)
/** Delay added to every packet each way between a watcher and its targets (ms). */
const LATENCY = Number(process.env.SCALE_OUT_LATENCY_MS ?? 5)
/** Each watcher's minute lasts 60 / FACTOR real seconds (claim leases shrink with it: keep it modest). */
const FACTOR = 5
const LANES = 4
const WARMUP_S = Number(process.env.SCALE_OUT_WARMUP_S ?? 15)
const WINDOW_S = Number(process.env.SCALE_OUT_WINDOW_S ?? 40)
const WORKERS = [1, 2, 4]
const tmp = useTmpDirs('all')

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN
}

interface Figures {
  workers: number
  perMinute: number
  claimP99: number
  claimP50: number
  claims: number
  failed: number
  /** Median real seconds from a scan's start to its end. */
  scanS: number
  load: number
}

it(`scale-out: ${WORKERS.join(', ')} watchers on one PostgreSQL store, ${TARGETS} simulated targets`, async () => {
  ensureBuilt()
  const pgs = await startPostgres({ name: 'scale-out-bench' })
  const proxy = await startTcpProxy({ port: pgs.port })
  proxy.latency(LATENCY)
  const url = (db: string) =>
    `postgres://${pgs.user}:${encodeURIComponent(pgs.password)}@127.0.0.1:${pgs.port}/${db}`
  const admin = new pg.Client({ host: '127.0.0.1', port: pgs.port, user: pgs.user, password: pgs.password })
  await admin.connect()
  const dataDir = tmp.make('dw-bench-scale-out-')
  const live: Daemon[] = []
  try {
    // One store set up once, copied (CREATE DATABASE … TEMPLATE) for each number of watchers.
    await admin.query('CREATE DATABASE dw_scale_template')
    const core = createCore({ face: 'cli', dataDir, store: url('dw_scale_template') })
    try {
      await call(core, 'vault.init', { passphrase: PASS })
      await call(core, 'vault.setAutoLock', { minutes: 0 })
      const cred = await call(core, 'credentials.create', {
        credential: {
          kind: 'db-password',
          name: 'sim',
          username: pgs.user,
          secret: { password: pgs.password },
        },
      })
      for (let i = 0; i < TARGETS; i++)
        await call(core, 'targets.create', {
          target: {
            kind: 'postgres',
            name: `sim-${i}`,
            host: '127.0.0.1',
            port: proxy.port,
            user: pgs.user,
            tls: 'disable',
            credentialId: cred.id,
            groups: ['sim'],
          },
        })
      await call(core, 'watch.schedules.save', { group: 'sim', intervalMinutes: 1 })
      const { settings } = await call(core, 'watch.status', {})
      await call(core, 'watch.settings', { ...settings, concurrency: LANES, perKind: {} })
    } finally {
      core.close()
    }

    const results: Figures[] = []
    for (const n of WORKERS) {
      const name = `dw_scale_${n}`
      await admin.query(`CREATE DATABASE ${name} TEMPLATE dw_scale_template`)
      const db = new pg.Client({ connectionString: url(name) })
      await db.connect()
      const done = async () =>
        Number(
          (await db.query<{ n: string }>(`SELECT count(*) AS n FROM scans WHERE state = 'done'`)).rows[0]!.n,
        )
      const origin = Date.now()
      const workers = Array.from({ length: n }, () =>
        startWatchDaemon(
          dataDir,
          ['--store', url(name)],
          {
            DRIFTWATCH_VAULT_PASSPHRASE: PASS,
            DRIFTWATCH_LOG: 'debug',
            FAST_CLOCK_FACTOR: String(FACTOR),
            FAST_CLOCK_ORIGIN: String(origin),
          },
          ['--import', join(ROOT, 'test/helpers/fast-clock.mjs')],
        ),
      )
      live.push(...workers)
      try {
        for (const w of workers)
          await w.waitLog((l) => l.msg === 'watch started' && l.shared === true, 60_000)
        await sleep(WARMUP_S * 1000)
        const from = workers.map((w) => w.logs.length)
        const c0 = await done()
        const t0 = performance.now()
        await sleep(WINDOW_S * 1000)
        const c1 = await done()
        const minutes = (performance.now() - t0) / 60_000
        const claimMs = workers.flatMap((w, i) =>
          w.logs
            .slice(from[i], w.logs.length)
            .filter((l) => l.msg === 'watch claimed')
            .map((l) => Number(l.ms)),
        )
        const failed = Number(
          (
            await db.query<{ n: string }>(
              `SELECT count(*) AS n FROM scans WHERE state NOT IN ('done', 'running')`,
            )
          ).rows[0]!.n,
        )
        // Stored times are the watchers' sped-up clock: divided by FACTOR, real seconds.
        const scanS =
          Number(
            (
              await db.query<{ s: string }>(
                `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM
                   finished_at::timestamptz - started_at::timestamptz)) AS s FROM scans WHERE state = 'done'`,
              )
            ).rows[0]!.s,
          ) / FACTOR
        if (failed > 0)
          console.log(
            (
              await db.query(
                `SELECT state, left(error, 200) AS error, count(*) AS n FROM scans WHERE state NOT IN ('done', 'running')
                  GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 3`,
              )
            ).rows,
          )
        results.push({
          workers: n,
          perMinute: (c1 - c0) / minutes,
          claimP99: pct(claimMs, 99),
          claimP50: pct(claimMs, 50),
          claims: claimMs.length,
          failed,
          scanS,
          load: loadavg()[0]!,
        })
        if (claimMs.length === 0)
          throw new Error(`no "watch claimed" debug line from ${n} watcher(s): is DRIFTWATCH_LOG=debug read?`)
      } finally {
        for (const w of workers) w.child.kill('SIGTERM')
        for (const w of workers) await w.exited
        await db.end()
      }
    }

    const one = results[0]!
    const lines = results.map(
      (r) =>
        `  ${r.workers} watcher${r.workers > 1 ? 's' : ' '}: ${r.perMinute.toFixed(0)} scans/min (ratio ${(r.perMinute / one.perMinute).toFixed(2)})` +
        `  | claim p99 ${r.claimP99.toFixed(1)} ms (ratio ${(r.claimP99 / one.claimP99).toFixed(2)}), p50 ${r.claimP50.toFixed(1)} ms over ${r.claims} claims` +
        `  | scan p50 ${r.scanS.toFixed(1)} s, ${r.failed} failed or interrupted  | load ${r.load.toFixed(2)}`,
    )
    console.log(
      `bench scale-out: ${TARGETS} targets behind a ${LATENCY} ms/packet proxy, 1-minute schedules at ×${FACTOR} ` +
        `(${TARGETS * FACTOR} runs due per real minute), ${LANES} lanes per watcher, ${WINDOW_S} s window after ${WARMUP_S} s\n` +
        lines.join('\n'),
    )
  } finally {
    for (const w of live)
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL')
    await admin.end()
    await proxy.close()
    await pgs.stop()
  }
})

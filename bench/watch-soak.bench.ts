// The watch left running: 1,000 GitHub repositories (10 organisations of 100, on the local GitHub API server)
// and 20 database targets (10 on a real PostgreSQL 15, 10 on a real MariaDB 10.11), every one on a 1-minute
// schedule, for 30 minutes of accelerated clock (the scheduler's clock and timers are fake; scans, the store,
// the webhook and the servers are real). Drift is made as it goes (a repository's setting flipped each
// minute, PostgreSQL's log_connections every 5 minutes) so alerts flow. Printed: RSS growth after warm-up,
// event-loop lag p99 (beside the same process idle), alert latency p99 from the drift's commit to the signed
// webhook landing (beside a bare POST of the same body), and one /metrics render (beside a bare count query).
import { it } from 'vitest'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import pg from 'pg'
import { createCore } from '../src-main/core/app'
import { openDatabase } from '../src-main/core/store/db'
import { hardenedRepo, startGithubServer, ALL_SCOPES, type RepoSpec } from '../test/services/github-server'
import { startMariadb, startPostgres } from '../test/services/lib'
import { fakeTime } from '../test/helpers/watch'
import { call } from '../test/helpers/core'
import { time } from './report'

setFlagsFromString('--expose_gc')
const gc = runInNewContext('gc') as () => void

const ORGS = 10
const PER_ORG = 100
const DB_EACH = 10
const MINUTES = Number(process.env.SOAK_MINUTES ?? 30)
const WARMUP = 3
const STALL_MS = 300_000
const TOKEN = 'ghp_soak00000000000000000000000000000007'
const MB = 1024 * 1024

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

it(`watch soak: ${ORGS * PER_ORG} GitHub repositories + ${DB_EACH * 2} databases, 1-minute schedules, ${MINUTES} accelerated minutes`, async () => {
  const repos: RepoSpec[] = []
  for (let o = 0; o < ORGS; o++)
    for (let i = 0; i < PER_ORG; i++) repos.push(hardenedRepo(`soak-${o}/repo-${i}`))
  const [gh, pgs, maria] = await Promise.all([
    startGithubServer({
      orgs: Array.from({ length: ORGS }, (_, o) => ({ login: `soak-${o}` })),
      repos,
      tokens: { [TOKEN]: ALL_SCOPES },
      rateLimit: 1_000_000,
    }),
    startPostgres({ name: 'soak' }),
    startMariadb({ name: 'soak' }),
  ])
  // The webhook receiver, noting when each message lands.
  const landed: { at: number; scanId: string | null; type: string }[] = []
  const rx = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const at = performance.now()
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        scanId: string | null
        type: string
      }
      landed.push({ at, scanId: body.scanId, type: body.type })
      res.end('ok')
    })
  })
  await new Promise<void>((ok) => rx.listen(0, '127.0.0.1', ok))
  const rxUrl = `http://127.0.0.1:${(rx.address() as AddressInfo).port}/hook`

  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-soak-'))
  const ft = fakeTime(new Date().toISOString())
  const core = createCore({
    face: 'cli',
    dataDir: dir,
    clock: ft,
    timers: ft,
    random: () => 0.5,
    unsafeKdfForTests: { N: 1024, r: 8, p: 1 },
  })
  const admin = new pg.Client({ host: pgs.host, port: pgs.port, user: pgs.user, password: pgs.password })
  try {
    await call(core, 'vault.init', { passphrase: 'soak passphrase 1234' })
    // A daemon has no person to be idle: `driftwatch watch` unlocks again from its passphrase file after the
    // idle auto-lock (cli/watch-vault.ts). Driving the core directly, the soak turns the auto-lock off instead,
    // or every run would wait on a locked vault from the 15th accelerated minute on.
    await call(core, 'vault.setAutoLock', { minutes: 0 })
    const ghCred = await call(core, 'credentials.create', {
      credential: { kind: 'github-token', name: 'gh', secret: { token: TOKEN } },
    })
    const pgCred = await call(core, 'credentials.create', {
      credential: { kind: 'db-password', name: 'pg', username: pgs.user, secret: { password: pgs.password } },
    })
    const myCred = await call(core, 'credentials.create', {
      credential: {
        kind: 'db-password',
        name: 'maria',
        username: maria.user,
        secret: { password: maria.password },
      },
    })
    const ids: string[] = []
    for (let o = 0; o < ORGS; o++)
      ids.push(
        (
          await call(core, 'targets.create', {
            target: {
              kind: 'github',
              name: `org ${o}`,
              org: `soak-${o}`,
              apiBaseUrl: gh.url,
              credentialId: ghCred.id,
            },
          })
        ).id,
      )
    for (let i = 0; i < DB_EACH; i++) {
      ids.push(
        (
          await call(core, 'targets.create', {
            target: {
              kind: 'postgres',
              name: `pg-${i}`,
              host: pgs.host,
              port: pgs.port,
              user: pgs.user,
              tls: 'disable',
              credentialId: pgCred.id,
            },
          })
        ).id,
      )
      ids.push(
        (
          await call(core, 'targets.create', {
            target: {
              kind: 'mysql',
              name: `maria-${i}`,
              host: maria.host,
              port: maria.port,
              database: '',
              user: maria.user,
              tls: 'disable',
              caFile: '',
              credentialId: myCred.id,
            },
          })
        ).id,
      )
    }
    await call(core, 'alerts.channels.save', {
      kind: 'webhook',
      name: 'soc',
      config: { url: rxUrl },
      secret: 'soak-hmac-key',
      throttleMinutes: 0,
    })
    const st = await call(core, 'watch.status', {})
    await call(core, 'watch.settings', { ...st.settings, concurrency: 8 })
    for (const targetId of ids) await call(core, 'watch.schedules.save', { targetId, intervalMinutes: 1 })

    // When each scan's drift was committed (the alert's clock starts there).
    const driftAt = new Map<string, number>()
    core.subscribe((name, payload) => {
      if (name === 'drift.detected') driftAt.set((payload as { scanId: string }).scanId, performance.now())
    })
    await admin.connect()

    // The same process idle, for the lag baseline.
    const idle = monitorEventLoopDelay({ resolution: 10 })
    idle.enable()
    await sleep(5000)
    idle.disable()

    const lag = monitorEventLoopDelay({ resolution: 10 })
    let rssWarm = 0
    const renders: number[] = []
    let scans = 0
    core.subscribe((name) => {
      if (name === 'scan.finished') scans++
    })
    core.watch.start()
    const wall = await time(async () => {
      for (let minute = 0; minute < MINUTES; minute++) {
        if (minute === WARMUP) {
          gc()
          rssWarm = process.memoryUsage().rss
          lag.enable()
        }
        // Drift: one repository per minute loses "delete branch on merge"/gets it back; PostgreSQL flips
        // log_connections every five minutes (all ten pg targets see it).
        const o = minute % ORGS
        gh.update(`soak-${o}/repo-${minute % PER_ORG}`, {
          deleteBranchOnMerge: minute % 2 === 1,
          pushedAt: new Date(ft.now().getTime()).toISOString(),
          updatedAt: new Date(ft.now().getTime()).toISOString(),
        })
        if (minute % 5 === 0) {
          await admin.query(`ALTER SYSTEM SET log_connections = ${minute % 10 === 0 ? 'on' : 'off'}`)
          await admin.query('SELECT pg_reload_conf()')
        }
        await ft.advance(60_000)
        // The minute's runs, all of them, and their alerts. A minute that does not settle within STALL_MS
        // of wall time is reported with what is still due or running, rather than left to the timeout.
        const began = performance.now()
        for (;;) {
          await core.idle()
          await core.watch.dispatcher.idle()
          const now = ft.iso()
          const s = core.watch.status()
          const due = s.runs.filter((r) => r.status !== 'running' && r.nextRunAt <= now)
          if (!due.length && core.watch.scheduler.running.size === 0) break
          if (performance.now() - began > STALL_MS) {
            const running = s.runs.filter((r) => r.status === 'running')
            throw new Error(
              `accelerated minute ${minute + 1} did not settle in ${STALL_MS / 1000} s: ${due.length} due ` +
                `(${due
                  .slice(0, 3)
                  .map((r) => `${r.targetId} ${r.status} next ${r.nextRunAt}`)
                  .join('; ')}), ` +
                `${core.watch.scheduler.running.size} running (${running
                  .slice(0, 3)
                  .map((r) => r.targetId)
                  .join(', ')}); clock ${now}`,
            )
          }
          await sleep(10)
        }
        renders.push(await time(() => core.metrics.render()))
        process.stderr.write(
          `soak: minute ${minute + 1}/${MINUTES}, ${scans} scans, ${landed.length} alerts, ` +
            `RSS ${(process.memoryUsage().rss / MB).toFixed(0)} MB, ${((performance.now() - began) / 1000).toFixed(1)} s\n`,
        )
      }
    })
    lag.disable()
    gc()
    const rssEnd = process.memoryUsage().rss

    // Alert latency: drift committed → signed webhook landed, per message tied to a scan.
    const latencies = landed
      .filter((l) => l.type === 'driftwatch.drift' && l.scanId && driftAt.has(l.scanId))
      .map((l) => l.at - driftAt.get(l.scanId!)!)
    const bare: number[] = []
    for (let i = 0; i < 50; i++)
      bare.push(
        await time(() =>
          fetch(rxUrl, {
            method: 'POST',
            body: JSON.stringify({ type: 'bare', scanId: null }),
            headers: { 'content-type': 'application/json' },
          }).then((r) => r.text()),
        ),
      )
    const metricsText = core.metrics.render()
    const raw = openDatabase(join(dir, 'driftwatch.db'))
    const bareCount: number[] = []
    for (let i = 0; i < 20; i++)
      bareCount.push(await time(() => raw.prepare('SELECT count(*) FROM current_status').get()))
    raw.close()
    const saved = /driftwatch_github_requests_saved_total\{target="org 0"\} (\d+)/.exec(metricsText)?.[1]

    const ms = (v: number) => `${v.toFixed(1)} ms`
    console.log(
      [
        `bench watch-soak (${ORGS * PER_ORG} repositories in ${ORGS} GitHub targets + ${DB_EACH} PostgreSQL + ${DB_EACH} MariaDB targets, 1-minute schedules, ${MINUTES} accelerated minutes, concurrency 8)`,
        `  ${scans} scans in ${(wall / 1000).toFixed(1)} s of wall time; ${landed.filter((l) => l.type === 'driftwatch.drift').length} drift alerts received`,
        `  RSS after ${WARMUP}-minute warm-up ${(rssWarm / MB).toFixed(1)} MB → after ${MINUTES}: ${(rssEnd / MB).toFixed(1)} MB  | growth ${(((rssEnd - rssWarm) / rssWarm) * 100).toFixed(1)}%`,
        `  event-loop lag p99 ${ms(lag.percentile(99) / 1e6)} (max ${ms(lag.max / 1e6)})  | baseline (same process idle, 5 s): p99 ${ms(idle.percentile(99) / 1e6)}  | ratio ${(lag.percentile(99) / idle.percentile(99)).toFixed(2)}`,
        `  alert latency (drift commit → signed webhook landed) p99 ${ms(pct(latencies, 99))}, median ${ms(pct(latencies, 50))} of ${latencies.length}  | baseline (bare fetch POST, p99 of 50): ${ms(pct(bare, 99))}  | ratio ${(pct(latencies, 99) / pct(bare, 99)).toFixed(2)}`,
        `  /metrics render median ${ms(pct(renders, 50))} (${metricsText.length} bytes)  | baseline (bare SELECT count(*) FROM current_status): ${ms(pct(bareCount, 50))}  | ratio ${(pct(renders, 50) / pct(bareCount, 50)).toFixed(2)}`,
        `  GitHub requests saved by ETags for org 0: ${saved ?? '?'}`,
      ].join('\n'),
    )
  } finally {
    core.close()
    await admin.end().catch(() => undefined)
    await new Promise<void>((r) => rx.close(() => r()))
    await Promise.all([gh.close(), pgs.stop(), maria.stop()])
    rmSync(dir, { recursive: true, force: true })
  }
}, 3_600_000)

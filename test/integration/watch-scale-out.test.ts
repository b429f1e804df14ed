// Many watchers on one store, as a team runs them: three real `driftwatch watch --store postgres://…` processes
// share 300 targets on 1-minute interval schedules (real PostgreSQL targets, slow ones behind a 127.0.0.1 proxy
// that delays every packet, and organisations on the GitHub test server), each process's time sped up by a
// test-only preload (test/helpers/fast-clock.mjs). Every due run is scanned and stored exactly once; a watcher
// killed with SIGKILL while it scans has its runs taken over by the others (its scans marked interrupted, naming
// it); and the regression every PostgreSQL target then shows reaches a real webhook receiver once per delivery.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import pg from 'pg'
import { createCore } from '../../src-main/core/app'
import { startPostgres, type PgService } from '../services/lib'
import { startTcpProxy, type TcpProxy } from '../services/tcp-proxy'
import { ALL_SCOPES, hardenedRepo, startGithubServer, type GithubServer } from '../services/github-server'
import { ensureBuilt, ROOT, runCli } from '../helpers/cli'
import { call } from '../helpers/core'
import { useTmpDirs } from '../helpers/tmp-dir'
import { startWatchDaemon, type Daemon } from '../helpers/daemon'
import { startReceiver, type Receiver } from '../helpers/receiver'
import { setLogConnections } from '../helpers/pg-settings'

const PASS = 'scale-out passphrase 7'
const TOKEN = 'ghp_scaleout0123456789abcdefghijklmnopqr'
/** Each watcher's minute lasts 60 / FACTOR real seconds. */
const FACTOR = 5
const DIRECT = 150
const SLOW = 50
const GITHUB = 100
const PG_TARGETS = DIRECT + SLOW
const tmp = useTmpDirs('all')

let pgs: PgService
let proxy: TcpProxy
let gh: GithubServer
let rx: Receiver
let store: string
let dataDir: string
let db: pg.Client

const q = async <R extends pg.QueryResultRow>(text: string, params: unknown[] = []) =>
  (await db.query<R>(text, params)).rows
const count = async (text: string, params: unknown[] = []) =>
  Number((await q<{ n: string }>(text, params))[0]!.n)

beforeAll(async () => {
  ensureBuilt()
  ;[pgs, gh, rx] = await Promise.all([
    startPostgres({ name: 'scale-out' }),
    startGithubServer({
      orgs: [{ login: 'acme' }],
      repos: [hardenedRepo('acme/app')],
      tokens: { [TOKEN]: ALL_SCOPES },
      rateLimit: 1_000_000,
    }),
    startReceiver(),
  ])
  await setLogConnections(pgs, 'on')
  proxy = await startTcpProxy({ port: pgs.port })
  proxy.latency(4)
  const admin = new pg.Client({ host: '127.0.0.1', port: pgs.port, user: pgs.user, password: pgs.password })
  await admin.connect()
  await admin.query('CREATE DATABASE dw_team_store')
  await admin.end()
  store = `postgres://${pgs.user}:${encodeURIComponent(pgs.password)}@127.0.0.1:${pgs.port}/dw_team_store`
  dataDir = tmp.make('dw-scale-out-')
  const core = createCore({ face: 'cli', dataDir, store })
  try {
    await call(core, 'vault.init', { passphrase: PASS })
    await call(core, 'vault.setAutoLock', { minutes: 0 })
    const pgCred = await call(core, 'credentials.create', {
      credential: { kind: 'db-password', name: 'pg', username: pgs.user, secret: { password: pgs.password } },
    })
    // A credential is bound to the address it is used at: the slow targets' proxy is another address.
    const slowCred = await call(core, 'credentials.create', {
      credential: {
        kind: 'db-password',
        name: 'pg slow',
        username: pgs.user,
        secret: { password: pgs.password },
      },
    })
    const ghCred = await call(core, 'credentials.create', {
      credential: { kind: 'github-token', name: 'gh', secret: { token: TOKEN } },
    })
    const pgTarget = (name: string, port: number, group: string, credentialId = pgCred.id) => ({
      kind: 'postgres' as const,
      name,
      host: '127.0.0.1',
      port,
      user: pgs.user,
      tls: 'disable' as const,
      credentialId,
      groups: [group],
    })
    for (let i = 0; i < DIRECT; i++)
      await call(core, 'targets.create', { target: pgTarget(`pg-${i}`, pgs.port, 'direct') })
    for (let i = 0; i < SLOW; i++)
      await call(core, 'targets.create', { target: pgTarget(`slow-${i}`, proxy.port, 'slow', slowCred.id) })
    for (let i = 0; i < GITHUB; i++)
      await call(core, 'targets.create', {
        target: {
          kind: 'github',
          name: `gh-${i}`,
          org: 'acme',
          apiBaseUrl: gh.url,
          credentialId: ghCred.id,
          groups: ['github'],
        },
      })
    for (const group of ['direct', 'slow', 'github'])
      await call(core, 'watch.schedules.save', { group, intervalMinutes: 1 })
    const { settings } = await call(core, 'watch.status', {})
    await call(core, 'watch.settings', { ...settings, concurrency: 4, perKind: {} })
    await call(core, 'alerts.channels.save', {
      kind: 'webhook',
      name: 'SOC',
      config: { url: `${rx.url}/hook` },
      secret: 'scale-out-hmac-key',
    })
  } finally {
    core.close()
  }
  db = new pg.Client({ connectionString: store })
  await db.connect()
}, 180_000)

afterAll(async () => {
  await db?.end()
  await proxy?.close()
  await rx?.close()
  await gh?.close()
  await pgs?.stop()
})

/** The three watchers share one sped-up clock, counted from when the first starts. */
let origin = 0
const watcher = () =>
  startWatchDaemon(
    dataDir,
    ['--store', store],
    {
      DRIFTWATCH_VAULT_PASSPHRASE: PASS,
      FAST_CLOCK_FACTOR: String(FACTOR),
      FAST_CLOCK_ORIGIN: String(origin),
    },
    ['--import', join(ROOT, 'test/helpers/fast-clock.mjs')],
  )

/** The scans a daemon started that it has not seen end. */
function runningIn(d: Daemon): string[] {
  const started = d.logs.filter((l) => l.msg === 'watch scan started').map((l) => String(l.scanId))
  const ended = new Set(d.logs.filter((l) => l.msg === 'scan finished').map((l) => String(l.scanId)))
  return started.filter((id) => !ended.has(id))
}

// Green since the PostgreSQL store's statements wait for their own numbered answer (sync-channel.ts, issue 23:
// a late wake-up had made a watcher read the answer of its previous statement, which showed here as scans that
// "vanished", take-overs naming two pids and a SIGTERM'd watcher exiting 1). It takes about 3 minutes on
// 2 shared cores, so it runs when DRIFTWATCH_SCALE_OUT=1 is set
// (`DRIFTWATCH_SCALE_OUT=1 npx vitest run test/integration/watch-scale-out.test.ts`) and is reported as skipped
// otherwise.
const RUN = process.env.DRIFTWATCH_SCALE_OUT === '1'

describe.skipIf(!RUN)('three driftwatch watch processes on one PostgreSQL store', () => {
  it('refuses --only with a kind it does not know, naming the known ones', async () => {
    const r = await runCli(
      ['watch', '--once', '--only', 'mainframe', '--data-dir', dataDir, '--store', store],
      {
        env: { DRIFTWATCH_VAULT_PASSPHRASE: PASS },
      },
    )
    expect(r.code).toBe(64)
    expect(r.stderr).toMatch(/--only "mainframe" is not a target kind: expected one of .*postgres.*github/)
  })

  it('scans every due run once, survives a SIGKILLed watcher, and sends each alert once', async () => {
    origin = Date.now()
    const workers = [watcher(), watcher(), watcher()]
    try {
      for (const w of workers) await w.waitLog((l) => l.msg === 'watch started' && l.shared === true, 60_000)
      // Round one: every target has a baseline.
      await expect
        .poll(() => count(`SELECT count(DISTINCT target_id) AS n FROM scans WHERE state = 'done'`), {
          timeout: 180_000,
          interval: 500,
        })
        .toBe(PG_TARGETS + GITHUB)
      // Someone turns connection logging off: the next scan of every PostgreSQL target is a regression.
      await setLogConnections(pgs, 'off')
      const changedAt = new Date().toISOString()

      // One watcher dies while it scans (slow targets keep scans running).
      const victim = workers[0]!
      await expect.poll(() => runningIn(victim).length, { timeout: 30_000, interval: 20 }).toBeGreaterThan(0)
      const victimPid = victim.child.pid!
      victim.child.kill('SIGKILL')
      await victim.exited

      // The others take its runs over and finish the cycle: every PostgreSQL target alerted and sent.
      await expect
        .poll(
          () =>
            count(
              `SELECT count(DISTINCT target_id) AS n FROM alert_deliveries WHERE state = 'sent' AND created_at >= $1`,
              [changedAt.slice(0, 10)],
            ),
          { timeout: 180_000, interval: 500 },
        )
        .toBe(PG_TARGETS)
      await expect
        .poll(
          () => count(`SELECT count(*) AS n FROM scans WHERE error LIKE '%stopped renewing its claim%'`),
          {
            timeout: 30_000,
            interval: 200,
          },
        )
        .toBeGreaterThan(0)
      for (const w of workers.slice(1)) w.child.kill('SIGTERM')
      for (const w of workers.slice(1)) {
        const code = await w.exited
        // Its last words, when it did not stop cleanly.
        if (code !== 0) console.error(w.logs.slice(-15))
        expect(code).toBe(0)
      }

      // Exactly once: every due time's record names one stored scan, and no stored scheduled scan is without one.
      const records = await q<{ state: string; scan_id: string | null; attempts: number }>(
        `SELECT state, scan_id, attempts FROM scheduled_scans`,
      )
      const done = records.filter((r) => r.state === 'done')
      expect(done.length).toBeGreaterThanOrEqual(2 * (PG_TARGETS + GITHUB))
      expect(done.every((r) => r.scan_id !== null)).toBe(true)
      expect(new Set(done.map((r) => r.scan_id)).size).toBe(done.length)
      const stored = await q<{ id: string }>(
        `SELECT id FROM scans WHERE trigger = 'schedule' AND state = 'done'`,
      )
      expect(stored.map((s) => s.id).sort()).toEqual(done.map((r) => r.scan_id).sort())
      // Every target was scanned in more than one cycle (each its own due time).
      expect(
        await count(
          `SELECT count(*) AS n FROM (SELECT target_id FROM scheduled_scans WHERE state = 'done'
             GROUP BY target_id HAVING count(*) >= 2) x`,
        ),
      ).toBe(PG_TARGETS + GITHUB)

      // The killed watcher's scans say who stopped; their due times were scanned again by another watcher.
      const taken = await q<{ target_id: string; error: string }>(
        `SELECT target_id, error FROM scans WHERE error LIKE '%stopped renewing its claim%'`,
      )
      for (const s of taken) expect(s.error).toContain(`(pid ${victimPid}) stopped renewing its claim`)
      expect(
        await count(
          `SELECT count(DISTINCT target_id) AS n FROM scheduled_scans
            WHERE attempts >= 2 AND state = 'done' AND target_id = ANY($1)`,
          [taken.map((s) => s.target_id)],
        ),
      ).toBe(new Set(taken.map((s) => s.target_id)).size)
      expect(await count(`SELECT count(*) AS n FROM scans WHERE state = 'running'`)).toBe(0)

      // Alerts exactly once at the receiver: one request per delivery id, for every delivery sent.
      const sent = await q<{ id: string }>(`SELECT id FROM alert_deliveries WHERE state = 'sent'`)
      const perId = new Map<string, number>()
      for (const r of rx.received) {
        const id = String(r.headers['x-driftwatch-delivery'])
        expect(r.headers['idempotency-key']).toBe(`driftwatch-delivery-${id}`)
        perId.set(id, (perId.get(id) ?? 0) + 1)
      }
      expect([...perId.keys()].sort()).toEqual(sent.map((s) => String(s.id)).sort())
      expect([...perId.values()].every((n) => n === 1)).toBe(true)
    } catch (err) {
      // What the store says, to tell a slow machine from a wrong one.
      console.error(
        await q(
          `SELECT state, left(error, 160) AS error, count(*) AS n FROM scans GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 12`,
        ),
      )
      throw err
    } finally {
      for (const w of workers)
        if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL')
    }
  }, 480_000)
})

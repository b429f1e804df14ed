// The watch end to end, as a daemon: `driftwatch watch` scans a real PostgreSQL 15 on a schedule; turning
// log_connections off (ALTER SYSTEM + reload) makes the next cycle record a regression and a webhook receiver on
// 127.0.0.1 get exactly one signed alert, even though the daemon is killed (SIGKILL) in the middle of that cycle
// and restarted. Also: SIGTERM stops it cleanly and the PID file goes; --once runs one pass; a second watcher on a
// PostgreSQL store says it shares the due runs with the first (it does not wait for it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { hostname } from 'node:os'
import pg from 'pg'
import { createCore } from '../../src-main/core/app'
import { openDatabase } from '../../src-main/core/store/db'
import { startPostgres, type PgService } from '../services/lib'
import { ensureBuilt, runCli } from '../helpers/cli'
import { call } from '../helpers/core'
import { freshPostgresUrl } from '../helpers/engines'
import { useTmpDirs } from '../helpers/tmp-dir'
import { startWatchDaemon, type Daemon } from '../helpers/daemon'
import { signatureValid, startReceiver, type Receiver } from '../helpers/receiver'
import { setLogConnections } from '../helpers/pg-settings'
import { vaultWithPostgresTarget } from '../helpers/vault-target'
import { FLOOR_KDF } from '../helpers/vault-cost'

const PASS = 'watch-e2e passphrase 41'
const KEY = 'e2e-hmac-key-b7f03a'
const RULE = 'pg-log-connections'
const tmp = useTmpDirs('all')
let pgs: PgService
let rx: Receiver
let dataDir: string
let targetId: string

function startWatch(args: string[] = []): Daemon {
  return startWatchDaemon(dataDir, args, { DRIFTWATCH_VAULT_PASSPHRASE: PASS })
}

/** Reads the store directly (no core: opening one would mark the daemon's running scan interrupted). */
function facts() {
  const db = openDatabase(join(dataDir, 'driftwatch.db'))
  try {
    return {
      scans: (
        db.prepare('SELECT state, trigger FROM scans ORDER BY started_at, rowid').all() as {
          state: string
          trigger: string
        }[]
      ).map((s) => `${s.trigger}:${s.state}`),
      regressions: db
        .prepare(
          `SELECT rule_id, from_status, to_status, from_actual, to_actual FROM drift_events WHERE type = 'regression'`,
        )
        .all(),
      deliveries: db.prepare('SELECT state, attempts, event_ids FROM alert_deliveries').all() as {
        state: string
        attempts: number
      }[],
      alerts: db.prepare('SELECT rule_id, state FROM alerts').all(),
    }
  } finally {
    db.close()
  }
}

beforeAll(async () => {
  ensureBuilt()
  ;[pgs, rx] = await Promise.all([startPostgres({ name: 'watch' }), startReceiver()])
  await setLogConnections(pgs, 'on')
  dataDir = join(tmp.make('dw-watch-pg-'), 'data')
  const core = createCore({ face: 'cli', dataDir, unsafeKdfForTests: FLOOR_KDF })
  try {
    ;({ targetId } = await vaultWithPostgresTarget(core, pgs, { passphrase: PASS }))
    await call(core, 'alerts.channels.save', {
      kind: 'webhook',
      name: 'SOC',
      config: { url: `${rx.url}/hook` },
      secret: KEY,
    })
    await call(core, 'watch.schedules.save', { targetId, intervalMinutes: 60 })
  } finally {
    core.close()
  }
}, 120_000)

afterAll(async () => {
  await rx?.close()
  await pgs?.stop()
})

describe('driftwatch watch against PostgreSQL', () => {
  it('records the regression once and sends one signed alert, even when killed mid-cycle and restarted', async () => {
    const pidFile = join(dataDir, '..', 'watch.pid')
    // Cycle 1: the baseline. SIGTERM then stops the daemon cleanly and removes its PID file.
    const first = startWatch(['--pid-file', pidFile])
    await first.waitLog((l) => l.msg === 'scan finished' && l.state === 'done')
    expect(readFileSync(pidFile, 'utf8').trim()).toBe(String(first.child.pid))
    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    expect(existsSync(pidFile)).toBe(false)
    expect(first.logs.map((l) => l.msg)).toContain('watch stopped')
    expect(facts()).toMatchObject({ scans: ['schedule:done'], regressions: [], deliveries: [] })

    // Someone turns connection logging off.
    await setLogConnections(pgs, 'off')
    // The next cycle is due now (as if the hour had passed).
    const db = openDatabase(join(dataDir, 'driftwatch.db'))
    db.prepare('UPDATE schedule_runs SET next_run_at = ?').run(new Date().toISOString())
    db.close()

    // Cycle 2, killed in the middle: a lock held on pg_settings makes the scan wait inside PostgreSQL.
    const blocker = new pg.Client({
      host: pgs.host,
      port: pgs.port,
      user: pgs.user,
      password: pgs.password,
      database: 'postgres',
    })
    await blocker.connect()
    await blocker.query('BEGIN')
    await blocker.query('LOCK TABLE pg_catalog.pg_settings IN ACCESS EXCLUSIVE MODE')
    const second = startWatch()
    await second.waitLog((l) => l.msg === 'watch scan started')
    await expect
      .poll(
        async () =>
          (await blocker.query('SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted')).rows[0].n,
        {
          timeout: 10_000,
          interval: 20,
        },
      )
      .toBeGreaterThan(0)
    second.child.kill('SIGKILL')
    await second.exited
    await blocker.query('ROLLBACK')
    await blocker.end()
    expect(facts()).toMatchObject({
      scans: ['schedule:done', 'schedule:running'],
      regressions: [],
      deliveries: [],
    })
    expect(rx.received).toHaveLength(0)

    // Restarted: the killed scan is marked interrupted and the cycle runs again, once.
    const third = startWatch()
    await third.waitLog((l) => l.msg === 'drift detected')
    await third.waitLog((l) => l.msg === 'alert sent')
    third.child.kill('SIGTERM')
    expect(await third.exited).toBe(0)

    const f = facts()
    expect(f.scans).toEqual(['schedule:done', 'schedule:interrupted', 'schedule:done'])
    expect(f.regressions).toEqual([
      { rule_id: RULE, from_status: 'pass', to_status: 'fail', from_actual: 'on', to_actual: 'off' },
    ])
    expect(f.deliveries).toMatchObject([{ state: 'sent', attempts: 1 }])
    expect(f.alerts).toContainEqual({ rule_id: RULE, state: 'open' })
    expect(rx.received).toHaveLength(1)
    const msg = rx.received[0]!
    expect(signatureValid(KEY, msg)).toBe(true)
    const body = JSON.parse(msg.body) as {
      target: { name: string }
      events: { type: string; ruleId: string }[]
    }
    expect(body.target.name).toBe('billing-pg')
    expect(body.events).toContainEqual(
      expect.objectContaining({ type: 'regression', ruleId: RULE, from: 'pass', to: 'fail' }),
    )

    // One more pass changes nothing: no new events, no new alert.
    const db2 = openDatabase(join(dataDir, 'driftwatch.db'))
    db2.prepare('UPDATE schedule_runs SET next_run_at = ?').run(new Date().toISOString())
    db2.close()
    const once = await runCli(['watch', '--once', '--data-dir', dataDir], {
      env: { DRIFTWATCH_VAULT_PASSPHRASE: PASS },
    })
    expect(once.code).toBe(0)
    expect(facts().scans).toEqual(['schedule:done', 'schedule:interrupted', 'schedule:done', 'schedule:done'])
    expect(facts().regressions).toHaveLength(1)
    expect(rx.received).toHaveLength(1)
    // Logs are JSON lines and never carry the secrets.
    const all = [...first.logs, ...second.logs, ...third.logs]
    expect(all.every((l) => typeof l.time === 'string' && typeof l.level === 'string')).toBe(true)
    expect(JSON.stringify(all) + once.stderr).not.toContain(KEY)
    expect(JSON.stringify(all) + once.stderr).not.toContain(pgs.password)
  }, 120_000)

  it('on SIGTERM lets a running scan finish within the grace period, or cancels it and records that', async () => {
    const makeDue = () => {
      const db = openDatabase(join(dataDir, 'driftwatch.db'))
      db.prepare('UPDATE schedule_runs SET next_run_at = ?').run(new Date().toISOString())
      db.close()
    }
    const holdSettings = async () => {
      const c = new pg.Client({ host: pgs.host, port: pgs.port, user: pgs.user, password: pgs.password })
      await c.connect()
      await c.query('BEGIN')
      await c.query('LOCK TABLE pg_catalog.pg_settings IN ACCESS EXCLUSIVE MODE')
      return c
    }
    const waitingOn = (c: pg.Client) =>
      expect
        .poll(
          async () => (await c.query('SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted')).rows[0].n,
          {
            timeout: 10_000,
            interval: 20,
          },
        )
        .toBeGreaterThan(0)
    const before = facts().scans.length

    // Within the grace period: the scan is waited for and stored.
    makeDue()
    let lock = await holdSettings()
    const patient = startWatch(['--grace', '30'])
    await patient.waitLog((l) => l.msg === 'watch scan started')
    await waitingOn(lock)
    patient.child.kill('SIGTERM')
    await patient.waitLog((l) => l.msg === 'stopping')
    await lock.query('ROLLBACK')
    await lock.end()
    expect(await patient.exited).toBe(0)
    expect(facts().scans.slice(before)).toEqual(['schedule:done'])

    // Past it: cancelled, and recorded as cancelled (not left running or marked interrupted later).
    makeDue()
    lock = await holdSettings()
    const hurried = startWatch(['--grace', '1'])
    await hurried.waitLog((l) => l.msg === 'watch scan started')
    await waitingOn(lock)
    hurried.child.kill('SIGTERM')
    expect(await hurried.exited).toBe(0)
    await lock.query('ROLLBACK')
    await lock.end()
    expect(hurried.logs.map((l) => l.msg)).toContain('cancelling scans still running after the grace period')
    expect(facts().scans.slice(before)).toEqual(['schedule:done', 'schedule:cancelled'])
    expect(facts().regressions).toHaveLength(1)
    expect(rx.received).toHaveLength(1)
  }, 60_000)

  it('refuses a second daemon on a live PID file', async () => {
    const pidFile = join(dataDir, '..', 'busy.pid')
    const d = startWatch(['--pid-file', pidFile])
    await d.waitLog((l) => l.msg === 'watch started')
    const r = await runCli(['watch', '--pid-file', pidFile, '--data-dir', dataDir])
    expect(r.code).toBe(64)
    expect(r.stderr).toContain(`another driftwatch watch is running (pid ${d.child.pid}`)
    d.child.kill('SIGTERM')
    expect(await d.exited).toBe(0)
  }, 60_000)

  it('a second watcher on a PostgreSQL store says it shares the due runs, not that it waits', async () => {
    const store = await freshPostgresUrl()
    const dir = join(tmp.make('dw-watch-shared-'), 'data')
    createCore({ face: 'cli', dataDir: dir, store }).close()
    const first = startWatchDaemon(dir, ['--store', store], {})
    let second: Daemon | undefined
    try {
      await first.waitLog((l) => l.msg === 'watch started' && l.shared === true)
      second = startWatchDaemon(dir, ['--store', store], {})
      await second.waitLog((l) => l.msg === 'watch started' && l.shared === true)
      // The second names the first; it does not say it waits, since both scan.
      const said = second.logs.slice(
        0,
        second.logs.findIndex((l) => l.msg === 'watch started'),
      )
      expect(said.map((l) => l.msg)).not.toContainEqual(expect.stringContaining('waiting'))
      expect(said).toContainEqual(
        expect.objectContaining({
          level: 'info',
          msg: `other watchers share this store (1 Driftwatch watcher (${hostname()} pid ${first.child.pid})); due runs are split between them`,
        }),
      )
    } finally {
      expect(await first.stop()).toBe(0)
      expect(await second?.stop()).toBe(0)
    }
  }, 60_000)
})

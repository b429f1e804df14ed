// `driftwatch migrate-store` through the real CLI: a laptop's SQLite store filled by the real product (vault and
// credentials, targets with labels, scans with results and evidence, drift, alerts delivered to a real webhook
// receiver, an exception, an attestation, a signed export and the audit log) is copied into a fresh database
// on a real PostgreSQL 15 and back into a new SQLite file. Every table comes back row for row; the final file,
// in a data folder of its own, exports a bundle that `driftwatch verify` passes, and its audit chain verifies.
// A store that holds data, an interrupted copy and a wrong password are each refused with nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { Kysely } from 'kysely'
import { createCore, DB_FILE } from '../../src-main/core/app'
import { STORE_TABLES } from '../../src-main/core/store/copy-tables'
import { openStore } from '../../src-main/core/store/open'
import type { Sql } from '../../src-main/core/store/sql/engine'
import { BIN, ensureBuilt, ROOT, runCli, type CliResult } from '../helpers/cli'
import { call } from '../helpers/core'
import { freshPostgresUrl } from '../helpers/engines'
import { useTmpDirs } from '../helpers/tmp-dir'
import { fakeTime, rule, scriptedScanner } from '../helpers/watch'
import { startReceiver, type Receiver } from '../helpers/receiver'
import { FLOOR_KDF } from '../helpers/vault-cost'

const PASS = 'migrate-store passphrase 7f2'
const DAY = 86_400_000
const tmp = useTmpDirs('all')
let rx: Receiver
let dir: string
let laptop: string
let pgUrl: string
let back: string
let signedBy: string
const opened: Sql[] = []

const withPass = { env: { DRIFTWATCH_VAULT_PASSPHRASE: PASS } }
const migrate = (from: string, to: string, json = true) =>
  runCli(['migrate-store', '--from', from, '--to', to, ...(json ? ['--json'] : [])])

/** Every row of every table of a SQLite store, in key order, as better-sqlite3 reads them. */
function dump(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true })
  try {
    return Object.fromEntries(
      STORE_TABLES.map((t) => [
        t.name,
        db.prepare(`SELECT * FROM ${t.name} ORDER BY ${t.key.join(', ')}`).all() as unknown[],
      ]),
    )
  } finally {
    db.close()
  }
}

function rowsOn(url: string): Record<string, number> {
  const sql = openStore(url)
  opened.push(sql)
  return Object.fromEntries(
    STORE_TABLES.map((t) => [
      t.name,
      Number(
        sql.get<{ n: number }>(
          (sql.q as unknown as Kysely<Record<string, Record<string, unknown>>>)
            .selectFrom(t.name)
            .select((eb) => eb.fn.countAll<number>().as('n')),
        )!.n,
      ),
    ]),
  )
}

beforeAll(async () => {
  ensureBuilt()
  rx = await startReceiver()
  dir = tmp.make('dw-migrate-store-')
  const dataDir = join(dir, 'laptop')
  laptop = join(dataDir, DB_FILE)
  const time = fakeTime('2030-03-01T09:00:00.000Z')
  const scanner = scriptedScanner(time)
  const core = createCore({
    face: 'cli',
    dataDir,
    clock: time,
    timers: time,
    scanners: [scanner],
    unsafeKdfForTests: FLOOR_KDF,
  })
  try {
    await call(core, 'vault.init', { passphrase: PASS })
    await call(core, 'vault.setAutoLock', { minutes: 0 })
    const cred = await call(core, 'credentials.create', {
      credential: {
        kind: 'db-password',
        name: 'billing ro',
        username: 'ro',
        secret: { password: 'pw-in-vault' },
      },
    })
    const target = await call(core, 'targets.create', {
      target: {
        kind: 'postgres',
        name: 'billing-db',
        host: '127.0.0.1',
        user: 'ro',
        tls: 'disable',
        credentialId: cred.id,
        tags: ['prod'],
        groups: ['finance'],
      },
    })
    await call(core, 'alerts.channels.save', {
      kind: 'webhook',
      name: 'SOC',
      config: { url: `${rx.url}/hook` },
      secret: 'whsec-migrate-1',
    })
    const scan = async (results: ReturnType<typeof rule>[]) => {
      scanner.script.results.set('billing-db', results)
      await call(core, 'scan.start', { targetId: target.id })
      await core.idle()
      time.advance(DAY)
    }
    await scan([
      rule('log_connections', 'pass', 'on', 'high'),
      rule('ssl', 'pass', 'on'),
      rule('restore_tested', 'notchecked', ''),
    ])
    await scan([
      rule('log_connections', 'fail', 'off', 'high'),
      rule('ssl', 'pass', 'on'),
      rule('restore_tested', 'notchecked', ''),
    ])
    await call(core, 'exceptions.save', {
      rulePattern: 'log_connections',
      scope: 'target',
      targetId: target.id,
      justification: 'pgbouncer logs connections until the Q3 migration',
      approvedBy: 'CISO Dana Reyes',
      expiresAt: new Date(time.now().getTime() + 30 * DAY).toISOString(),
    })
    await call(core, 'attestations.save', {
      ruleId: 'restore_tested',
      targetId: target.id,
      status: 'passed',
      explanation: 'Restore drill witnessed on 2030-02-20',
      attestedBy: 'DBA Sam Ode',
      frequency: 'quarterly',
    })
    await core.idle()
  } finally {
    core.close()
  }
  // A signed export made on the laptop: the signing key and its audit entry are part of what moves.
  const bundle = join(dir, 'laptop-bundle.zip')
  const exp = await runCli(['export', '--format', 'bundle', '--out', bundle, '--data-dir', dataDir], withPass)
  expect(exp.code, exp.stderr).toBe(0)
  const v = await runCli(['verify', bundle, '--json'])
  expect(v.code, v.stdout + v.stderr).toBe(0)
  signedBy = (JSON.parse(v.stdout) as { signedBy: string }).signedBy
}, 180_000)

afterAll(async () => {
  for (const s of opened.splice(0)) s.close()
  await rx?.close()
})

describe('migrate-store SQLite → PostgreSQL → SQLite', () => {
  it('copies every table into PostgreSQL and back row for row, printing progress and "verified"', async () => {
    const original = dump(laptop)
    for (const t of [
      'vault',
      'credentials',
      'targets',
      'target_labels',
      'scans',
      'results',
      'evidence',
      'current_status',
      'drift_events',
      'alert_channels',
      'alerts',
      'alert_deliveries',
      'exceptions',
      'attestations',
      'signing_keys',
      'audit_log',
    ])
      expect(original[t]!.length, `${t} has rows to copy`).toBeGreaterThan(0)

    pgUrl = await freshPostgresUrl()
    const password = decodeURIComponent(new URL(pgUrl).password)
    const up = await migrate(laptop, pgUrl)
    expect(up.code, up.stderr).toBe(0)
    expect(up.stderr + up.stdout).not.toContain(password)
    const summary = JSON.parse(up.stdout) as {
      verified: boolean
      to: string
      tables: { name: string; rows: number; digest: string }[]
    }
    expect(summary.verified).toBe(true)
    expect(summary.to).toContain('****')
    expect(Object.fromEntries(summary.tables.map((t) => [t.name, t.rows]))).toEqual(
      Object.fromEntries(STORE_TABLES.map((t) => [t.name, original[t.name]!.length])),
    )
    expect(up.stderr).toMatch(
      new RegExp(`audit_log: ${original.audit_log!.length}/${original.audit_log!.length} rows`),
    )
    expect(up.stderr).toMatch(/\(source\) into postgres:\/\/[^ ]*:\*\*\*\*@.* \(destination\)/)
    expect(rowsOn(pgUrl)).toEqual(
      Object.fromEntries(STORE_TABLES.map((t) => [t.name, original[t.name]!.length])),
    )

    const backDir = join(dir, 'back')
    mkdirSync(backDir)
    back = join(backDir, DB_FILE)
    const down = await migrate(pgUrl, back, false)
    expect(down.code, down.stderr).toBe(0)
    expect(down.stdout).toMatch(/verified/)
    expect(down.stdout + down.stderr).not.toContain(password)
    const copied = dump(back)
    for (const t of STORE_TABLES) expect(copied[t.name], t.name).toEqual(original[t.name])
  }, 120_000)

  it('the copy, in a data folder of its own, exports a bundle that verify passes, and its audit chain verifies', async () => {
    const dataDir = join(dir, 'back')
    const audit = await runCli(['verify', '--audit-log', '--data-dir', dataDir])
    expect(audit.code, audit.stdout + audit.stderr).toBe(0)
    expect(audit.stdout).toMatch(/The audit log is intact: \d+ entries/)
    const bundle = join(dir, 'back-bundle.zip')
    const exp = await runCli(
      ['export', '--format', 'bundle', '--out', bundle, '--data-dir', dataDir],
      withPass,
    )
    expect(exp.code, exp.stderr).toBe(0)
    const v = await runCli(['verify', bundle, '--json'])
    expect(v.code, v.stdout + v.stderr).toBe(0)
    // Signed by the laptop's own key, which moved with the store (sealed in its vault).
    expect((JSON.parse(v.stdout) as { signedBy: string }).signedBy).toBe(signedBy)
  }, 120_000)

  it('on PostgreSQL, a drift event and an alert recorded after the copy get new ids', () => {
    const sql = openStore(pgUrl)
    opened.push(sql)
    const max = sql.get(sql.q.selectFrom('drift_events').select((eb) => eb.fn.max('id').as('id')))!.id!
    const { id: _id, ...event } = sql.get(sql.q.selectFrom('drift_events').selectAll().where('id', '=', max))!
    const fresh = sql.get(
      sql.q
        .insertInto('drift_events')
        .values({ ...event, rule_id: `${event.rule_id}-after` })
        .returning('id'),
    )!
    expect(fresh.id).toBeGreaterThan(max)
    const maxAlert = sql.get(sql.q.selectFrom('alerts').select((eb) => eb.fn.max('id').as('id')))!.id!
    const { id: _a, ...alert } = sql.get(sql.q.selectFrom('alerts').selectAll().where('id', '=', maxAlert))!
    const next = sql.get(
      sql.q
        .insertInto('alerts')
        .values({ ...alert, rule_id: `${alert.rule_id}-after`, event_id: fresh.id as number })
        .returning('id'),
    )!
    expect(next.id).toBeGreaterThan(maxAlert)
  })
})

describe('migrate-store refuses, and writes nothing', () => {
  it('a destination that already holds data, PostgreSQL or SQLite, naming it', async () => {
    const before = rowsOn(pgUrl)
    const r = await migrate(laptop, pgUrl)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/The destination postgres:\/\/.*\*\*\*\*.* already holds data \(.*targets: 1/)
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'conflict' } })
    expect(rowsOn(pgUrl)).toEqual(before)
    const lite = await migrate(laptop, back)
    expect(lite.code).toBe(1)
    expect(lite.stderr).toContain(`The destination ${back} already holds data`)
  }, 60_000)

  it('a wrong password: the message names the destination and the failure, never the password', async () => {
    const url = new URL(await freshPostgresUrl())
    url.password = 'not-the-password-91c'
    const r = await migrate(laptop, url.toString())
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /Cannot open the destination store postgres:\/\/.*:\*\*\*\*@.*password authentication failed/,
    )
    expect(r.stdout + r.stderr).not.toContain('not-the-password-91c')
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'unavailable' } })
    const asSource = await migrate(url.toString(), join(dir, 'never.db'))
    expect(asSource.code).toBe(1)
    expect(asSource.stderr).toMatch(
      /Cannot open the source store postgres:\/\/.*:\*\*\*\*@.*password authentication failed/,
    )
    expect(asSource.stdout + asSource.stderr).not.toContain('not-the-password-91c')
    expect(existsSync(join(dir, 'never.db'))).toBe(false)
  }, 60_000)

  it('Ctrl-C in the middle of a large table leaves the PostgreSQL destination empty', async () => {
    // The laptop's store with 100,000 more results, so the copy is still running when the signal arrives.
    const big = join(dir, 'big.db')
    copyFileSync(laptop, big)
    const db = new Database(big)
    const scanId = (db.prepare('SELECT id FROM scans LIMIT 1').get() as { id: string }).id
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
       INSERT INTO results (scan_id, rule_id, status, severity, title) SELECT ?, 'bulk_' || i, 'pass', 'low', 'bulk rule ' || i FROM n`,
    ).run(scanId)
    db.close()
    const url = await freshPostgresUrl()
    const child = spawn(process.execPath, [BIN, 'migrate-store', '--from', big, '--to', url], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const done = new Promise<CliResult>((resolve) => {
      let stdout = ''
      let stderr = ''
      let sent = false
      child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s))
      child.stderr.setEncoding('utf8').on('data', (s: string) => {
        stderr += s
        if (!sent && /results: 10000\/\d+ rows/.test(stderr)) {
          sent = true
          child.kill('SIGINT')
        }
      })
      child.on('close', (code) => resolve({ code, stdout, stderr }))
    })
    const r = await done
    expect(r.stderr).toMatch(/results: 10000\/100\d\d\d rows/)
    expect(r.code, r.stderr).toBe(130)
    expect(r.stderr).toMatch(/Interrupted: nothing was written to postgres:\/\//)
    expect(r.stderr).not.toMatch(/results: 100\d\d\d\/100\d\d\d rows/)
    expect(Object.values(rowsOn(url)).every((n) => n === 0)).toBe(true)
  }, 120_000)
})

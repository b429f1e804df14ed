// The least-privilege scan accounts the README documents, created on real PostgreSQL 15 and MariaDB 10.11 from
// the very SQL "Test connection" offers: scanning as them raises no privilege warning and every built-in rule
// reaches the same verdict as a superuser's scan of the same server, except the rules the README names as
// needing more, which say which privilege they need.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { createCore, type Core } from '../../src-main/core/app'
import { leastPrivilegeSql } from '../../src-main/core/scanners/sql/privileges'
import type { Res, Target } from '../../src-preload/contract'
import { startMariadb, startPostgres, stopAll, type MariadbService, type PgService } from '../services/lib'
import { useTmpDirs } from '../helpers/tmp-dir'
import { call } from '../helpers/core'

const tmp = useTmpDirs('all')
const ROLE_PASSWORD = 'least-Priv-scan-73'
let core: Core
let pgSvc: PgService
let maria: MariadbService

/** The SQL exactly as offered, with the password placeholder filled in. */
const grantSql = (kind: 'postgres' | 'mysql') =>
  leastPrivilegeSql(kind)
    .replaceAll('choose-a-password', ROLE_PASSWORD)
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('--'))

const pgConn = () => ({
  host: pgSvc.host,
  port: pgSvc.port,
  user: pgSvc.user,
  password: pgSvc.password,
  database: pgSvc.database,
})

let n = 0
async function targetFor(
  kind: 'postgres' | 'mysql',
  svc: PgService | MariadbService,
  user: string,
  password: string,
) {
  const name = `${kind} ${user} ${++n}`
  const cred = await call(core, 'credentials.create', {
    credential: { kind: 'db-password', name: `${name} password`, secret: { password } },
  })
  return call(core, 'targets.create', {
    target: {
      kind,
      name,
      host: svc.host,
      port: svc.port,
      database: svc.database,
      user,
      credentialId: cred.id,
      tls: 'disable',
      caFile: '',
    },
  })
}

async function scan(t: Target): Promise<Res<'scan.results'>> {
  const { scanId } = await call(core, 'scan.start', { targetId: t.id })
  await core.idle()
  return call(core, 'scan.results', { scanId })
}

/** Rule → status, for a side-by-side comparison whose failure message lists every difference. */
const statuses = (r: Res<'scan.results'>) => Object.fromEntries(r.results.map((x) => [x.ruleId, x.status]))

beforeAll(async () => {
  ;[pgSvc, maria] = await Promise.all([
    startPostgres({ name: 'least-priv' }),
    startMariadb({ name: 'least-priv' }),
  ])
  core = createCore({
    face: 'cli',
    dataDir: tmp.make('dw-least-priv-'),
    unsafeKdfForTests: { N: 1024, r: 8, p: 1 },
  })
  await call(core, 'vault.init', { passphrase: 'least privilege passphrase' })
  const pc = new pg.Client(pgConn())
  await pc.connect()
  for (const stmt of grantSql('postgres')) await pc.query(stmt)
  await pc.end()
  const mc = await mysql.createConnection({ socketPath: maria.socketPath, user: 'root' })
  for (const stmt of grantSql('mysql')) await mc.query(stmt)
  await mc.end()
}, 120_000)

afterAll(async () => {
  core?.close()
  await stopAll()
})

describe('the documented least-privilege role', () => {
  it('the README shows exactly the SQL Test connection offers', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8')
    expect(readme).toContain('```sql\n' + leastPrivilegeSql('postgres') + '\n```')
    expect(readme).toContain('```sql\n' + leastPrivilegeSql('mysql') + '\n```')
  })

  it('PostgreSQL: postgres-cis as driftwatch_scan matches the superuser scan, with no privilege warning', async () => {
    // Another session without TLS, so the rule that lists other sessions' encryption (pg_monitor) has one to see.
    const other = new pg.Client({ ...pgConn(), application_name: 'other-app' })
    await other.connect()
    const su = await scan(await targetFor('postgres', pgSvc, pgSvc.user, pgSvc.password))
    const least = await scan(await targetFor('postgres', pgSvc, 'driftwatch_scan', ROLE_PASSWORD))
    expect(su.scan.state).toBe('done')
    expect(least.scan.state).toBe('done')
    expect(su.scan.info.privilegeWarning).toMatch(/^The scan account postgres is a superuser/)
    expect(least.scan.info.privilegeWarning).toBeUndefined()
    await other.end()
    // The README names these as the rules only a superuser can check: they read password hashes.
    const superuserOnly = ['pg-login-roles-have-passwords', 'pg-login-roles-scram']
    for (const id of superuserOnly) {
      expect(least.results.find((r) => r.ruleId === id)).toMatchObject({
        status: 'error',
        message: expect.stringMatching(
          /^Insufficient privilege: this check needs superuser \(pg_authid, which holds the password hashes, is readable only by superusers\)\. The server said: permission denied for table pg_authid$/,
        ),
      })
      expect(su.results.find((r) => r.ruleId === id)?.status).toBe('pass')
    }
    const others = (r: Res<'scan.results'>) =>
      Object.fromEntries(Object.entries(statuses(r)).filter(([id]) => !superuserOnly.includes(id)))
    expect(others(least)).toEqual(others(su))
    expect(Object.keys(others(least))).toHaveLength(su.results.length - 2)
    // The pg_hba_file_rules grants are what let these through: the superuser's verdicts, one failing.
    expect(statuses(least)['pg-hba-no-trust']).toBe('pass')
    expect(statuses(least)['pg-hba-hostssl-only']).toBe('fail')
    expect(least.results.find((r) => r.ruleId === 'pg-unencrypted-client-connections')).toMatchObject({
      status: 'fail',
      actual: '2 rows',
    })
  }, 60_000)

  it('MariaDB: mysql-cis as driftwatch_scan matches the superuser scan, with no privilege warning', async () => {
    const su = await scan(await targetFor('mysql', maria, maria.user, maria.password))
    const least = await scan(await targetFor('mysql', maria, 'driftwatch_scan', ROLE_PASSWORD))
    expect(su.scan.state).toBe('done')
    expect(least.scan.state).toBe('done')
    expect(su.scan.info.privilegeWarning).toMatch(/^The scan account dwadmin holds ALL PRIVILEGES ON \*\.\*/)
    expect(least.scan.info.privilegeWarning).toBeUndefined()
    expect(statuses(least)).toEqual(statuses(su))
    // As the README says: the scan account reads the mysql schema, so the rule on that lists it (for both).
    expect(least.results.find((r) => r.ruleId === 'my-mysql-schema-access')).toMatchObject({
      status: 'fail',
      actual: 'driftwatch_scan@%',
    })
  }, 60_000)

  for (const kind of ['postgres', 'mysql'] as const)
    it(`${kind}: Test connection flags the superuser with the role's SQL to copy, and passes the role`, async () => {
      const svc = kind === 'postgres' ? pgSvc : maria
      const admin = await targetFor(kind, svc, svc.user, svc.password)
      const su = await call(core, 'targets.testConnection', { id: admin.id })
      // Still ready to scan: the account works, it only holds too much.
      expect(su.status).toBe('ok')
      expect(su.message).toMatch(/\. Warning: The scan account \w+ (is a superuser|holds ALL PRIVILEGES)/)
      expect(su.steps.find((s) => s.step === 'privileges')).toEqual({
        step: 'privileges',
        ok: false,
        detail: expect.stringMatching(/Scan with a least-privilege (role|account) instead/),
        fix: leastPrivilegeSql(kind),
      })
      const least = await targetFor(kind, svc, 'driftwatch_scan', ROLE_PASSWORD)
      const ok = await call(core, 'targets.testConnection', { id: least.id })
      expect(ok.status).toBe('ok')
      expect(ok.message).not.toContain('Warning')
      expect(ok.steps.map((s) => [s.step, s.ok])).toEqual([
        ['connect', true],
        ['auth', true],
        ['version', true],
        ['privileges', true],
      ])
      expect(ok.steps.at(-1)).toEqual({
        step: 'privileges',
        ok: true,
        detail: 'driftwatch_scan holds no file, program or superuser rights',
      })
    })
})

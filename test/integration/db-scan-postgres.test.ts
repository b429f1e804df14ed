// Scanning PostgreSQL 15 with the postgres-cis pack against two real servers from test/services — one
// hardened (TLS with a self-signed CA, SCRAM, logging, checksums, …) and one with the packaged defaults — and
// the edges a person meets: TLS verification, slow queries, wrong passwords, a server that is down, a locked
// vault, missing privileges, rules for another flavour or version, and rules that try to write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import pg from 'pg'
import YAML from 'yaml'
import { createCore, type Core } from '../../src-main/core/app'
import { openPostgresReadOnly } from '../../src-main/core/scanners/sql/postgres'
import type { SqlTarget } from '../../src-main/core/scanners/sql/connect'
import { QueryError } from '../../src-main/core/scanners/sql/read-only'
import type { Res, Target } from '../../src-preload/contract'
import { freePort, makeTlsFiles, startPostgres, stopAll, type PgService } from '../services/lib'
import { useTmpDirs } from '../helpers/tmp-dir'
import { call, callError } from '../helpers/core'
import { ensureBuilt, runCli } from '../helpers/cli'
import { withDataStore } from '../helpers/data-store'
import { floorCostVault } from '../helpers/vault-cost'

const tmp = useTmpDirs('all')
let hardened: PgService
let stock: PgService
let core: Core
let dataDir: string
let hardTarget: Target
let stockTarget: Target

const admin = async <T>(svc: PgService, fn: (c: pg.Client) => Promise<T>): Promise<T> => {
  const c = new pg.Client({
    host: svc.host,
    port: svc.port,
    user: svc.user,
    password: svc.password,
    database: svc.database,
    ssl: svc.caCertPath ? { ca: readFileSync(svc.caCertPath, 'utf8') } : false,
  })
  await c.connect()
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

let n = 0
async function targetFor(
  svc: PgService,
  opts: {
    user?: string
    password?: string
    tls?: 'disable' | 'verify-full'
    caFile?: string
    port?: number
  } = {},
): Promise<Target> {
  const name = `pg ${++n}`
  const cred = await call(core, 'credentials.create', {
    credential: {
      kind: 'db-password',
      name: `${name} password`,
      secret: { password: opts.password ?? svc.password },
    },
  })
  return call(core, 'targets.create', {
    target: {
      kind: 'postgres',
      name,
      host: svc.host,
      port: opts.port ?? svc.port,
      database: svc.database,
      user: opts.user ?? svc.user,
      credentialId: cred.id,
      tls: opts.tls ?? (svc.caCertPath ? 'verify-full' : 'disable'),
      caFile: opts.caFile ?? svc.caCertPath ?? '',
    },
  })
}

async function scan(targetId: string, profileId?: string): Promise<Res<'scan.results'>> {
  const { scanId } = await call(core, 'scan.start', { targetId, profileId })
  await core.idle()
  return call(core, 'scan.results', { scanId })
}
const byId = (r: Res<'scan.results'>) => new Map(r.results.map((x) => [x.ruleId, x]))

/** The JSON evidence artefact a scan stored, read back from the store as an export would. */
function evidenceOf(r: Res<'scan.results'>): {
  session: Record<string, string>
  server: { flavour: string; version: string }
  rules: { id: string; status: string; rows?: Record<string, unknown>[]; actual?: string }[]
} {
  const row = withDataStore(dataDir, (s) =>
    s.get(s.q.selectFrom('evidence').select(['media_type', 'gz']).where('sha256', '=', r.scan.evidence!)),
  )
  expect(row?.media_type).toBe('application/json')
  return JSON.parse(gunzipSync(row!.gz).toString('utf8'))
}

const importPack = (pack: Record<string, unknown>) =>
  call(core, 'rules.import', { text: YAML.stringify(pack) })

beforeAll(async () => {
  ;[hardened, stock] = await Promise.all([
    startPostgres({ hardened: true, name: 'scan-hardened' }),
    startPostgres({ name: 'scan-default' }),
  ])
  dataDir = tmp.make('dw-db-scan-pg-')
  core = createCore({ face: 'cli', dataDir, unsafeKdfForTests: { N: 1024, r: 8, p: 1 } })
  await call(core, 'vault.init', { passphrase: 'database scan passphrase' })
  hardTarget = await targetFor(hardened)
  stockTarget = await targetFor(stock)
}, 120_000)

afterAll(async () => {
  core?.close()
  await stopAll()
})

describe('PostgreSQL 15, hardened and default', () => {
  // Rule → [actual on the hardened server, actual on the default one].
  const NAMED: Record<string, [string, string]> = {
    'pg-ssl': ['on', 'off'],
    'pg-log-connections': ['on', 'off'],
    'pg-log-disconnections': ['on', 'off'],
    'pg-logging-collector': ['on', 'off'],
    'pg-log-statement': ['ddl', 'none'],
    'pg-log-line-prefix': ['%m [%p]: user=%u,db=%d,app=%a,client=%h ', '%m [%p] '],
    'pg-log-lock-waits': ['on', 'off'],
    'pg-log-temp-files': ['0', '-1'],
    'pg-hba-hostssl-only': ['0 rows', '1 rows'],
    'pg-this-connection-encrypted': ['true', 'false'],
    'pg-unencrypted-client-connections': ['0 rows', '1 rows'],
    'pg-data-checksums': ['on', 'off'],
    'pg-unix-socket-permissions': ['0770', '0777'],
    'pg-passwordcheck-loaded': ['true', 'false'],
    'pg-archive-mode': ['on', 'off'],
    'pg-idle-in-transaction-timeout': ['600000', '0'],
  }
  let hard: Res<'scan.results'>
  let soft: Res<'scan.results'>

  beforeAll(async () => {
    hard = await scan(hardTarget.id)
    soft = await scan(stockTarget.id)
  })

  it('named rules pass on the hardened server and fail on the default one, with actual values', () => {
    expect(hard.scan.state, hard.scan.error).toBe('done')
    expect(soft.scan.state, soft.scan.error).toBe('done')
    expect(hard.scan.profileId).toBe('postgres-cis')
    const h = byId(hard)
    const s = byId(soft)
    console.log(
      `rule                                 hardened       default\n` +
        hard.results
          .map((r) => `${r.ruleId.padEnd(36)} ${r.status.padEnd(14)} ${s.get(r.ruleId)?.status}`)
          .join('\n'),
    )
    // TLS cipher settings mean nothing with ssl off: checked on the hardened server, not applicable on the other.
    expect(h.get('pg-ssl-ciphers')).toMatchObject({ status: 'pass', actual: 'HIGH:!aNULL:!MD5:!3DES' })
    expect(s.get('pg-ssl-ciphers')).toMatchObject({ status: 'notapplicable' })
    for (const [id, [hardActual, softActual]] of Object.entries(NAMED)) {
      expect
        .soft({ id, status: h.get(id)?.status, actual: h.get(id)?.actual })
        .toEqual({ id, status: 'pass', actual: hardActual })
      expect
        .soft({ id, status: s.get(id)?.status, actual: s.get(id)?.actual })
        .toEqual({ id, status: 'fail', actual: softActual })
    }
    expect(s.get('pg-ssl')).toMatchObject({ expected: '= on', severity: 'high', title: 'TLS is enabled' })
    expect(s.get('pg-ssl')?.idents).toEqual([
      { system: 'CIS PostgreSQL 15', id: '6.8' },
      { system: 'NIST-800-53', id: 'SC-8' },
      { system: 'NIST-800-53', id: 'SC-8(1)' },
    ])
    expect(s.get('pg-hba-hostssl-only')?.message).toMatch(
      /^1 rows:\nline_number=\d+ type=host database=all user_name=all address=127\.0\.0\.1/,
    )
  })

  it('pgaudit is not installed here, so that rule fails on both; everything else passes when hardened', () => {
    expect(byId(hard).get('pg-pgaudit-loaded')).toMatchObject({
      status: 'fail',
      actual: 'passwordcheck',
      expected: 'includes pgaudit',
    })
    expect(byId(soft).get('pg-pgaudit-loaded')).toMatchObject({ status: 'fail', actual: '(empty)' })
    // The pack's manual checks (restore drills, package source) run no query: not checked until attested.
    expect(hard.results.filter((r) => r.status === 'notchecked').map((r) => r.ruleId)).toEqual([
      'pg-manual-packages-trusted',
      'pg-manual-restore-tested',
    ])
    expect(
      hard.results.filter((r) => r.status !== 'pass' && r.status !== 'notchecked').map((r) => r.ruleId),
    ).toEqual(['pg-pgaudit-loaded'])
    expect(hard.results.length).toBeGreaterThanOrEqual(50)
    expect(soft.scan.score).toBeLessThan(hard.scan.score!)
  })

  it('keeps every query, its rows and the read-only session settings as JSON evidence', () => {
    const ev = evidenceOf(soft)
    expect(ev.server).toEqual({
      flavour: 'postgresql',
      version: expect.stringMatching(/^PostgreSQL 15\.\d+$/),
    })
    expect(ev.session).toMatchObject({
      default_transaction_read_only: 'on',
      statement_timeout: '5000ms',
      lock_timeout: '2000ms',
      transaction: 'BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY',
    })
    expect(ev.rules.find((r) => r.id === 'pg-ssl')).toMatchObject({
      status: 'fail',
      actual: 'off',
      rows: [{ value: 'off' }],
    })
    expect(ev.rules).toHaveLength(soft.results.length)
    // The target's password never reaches the evidence.
    expect(JSON.stringify(ev)).not.toContain(stock.password)
  })

  it('verify-full against the self-signed CA connects; a wrong CA is refused with a clear error', async () => {
    expect(hardTarget).toMatchObject({ tls: 'verify-full', caFile: hardened.caCertPath })
    expect(byId(hard).get('pg-this-connection-encrypted')?.status).toBe('pass')
    const other = await makeTlsFiles(tmp.make('dw-other-ca-'))
    const wrong = await targetFor(hardened, { caFile: other.caCertPath })
    const r = await scan(wrong.id)
    expect(r.scan.state).toBe('failed')
    expect(r.scan.error).toBe(`The server's certificate is not signed by the CA in ${other.caCertPath}`)
    expect((await call(core, 'targets.testConnection', { id: wrong.id })).message).toBe(r.scan.error)
  })
})

describe('failures a person can act on', () => {
  it('a query slower than its timeout errors that rule and the scan goes on', async () => {
    await importPack({
      id: 'slow-pg',
      title: 'Slow',
      kind: 'postgres',
      rules: [
        {
          id: 'slow',
          title: 'Sleeps',
          query: 'SELECT count(*) AS value FROM (SELECT generate_series(1, 3000000000) AS x) s',
          timeoutSeconds: 0.5,
          assert: { type: 'equals', value: '' },
        },
        {
          id: 'after-slow',
          title: 'Runs after',
          query: "SELECT current_setting('ssl') AS value",
          assert: { type: 'equals', value: 'on' },
        },
      ],
    })
    const r = await scan(hardTarget.id, 'slow-pg')
    expect(r.scan.state).toBe('done')
    expect(byId(r).get('slow')).toMatchObject({
      status: 'error',
      message: 'The query ran longer than the 0.5 s statement timeout and was cancelled',
    })
    expect(byId(r).get('after-slow')).toMatchObject({ status: 'pass', actual: 'on' })
  })

  it('refuses a rule pack for the other kind, or one that is not installed, before scanning', async () => {
    expect(await callError(core, 'scan.start', { targetId: stockTarget.id, profileId: 'mysql-cis' })).toEqual(
      {
        code: 'validation',
        message: 'The rule pack mysql-cis is for mysql targets, not postgres',
        issues: [{ path: 'profileId', message: 'A mysql pack' }],
      },
    )
    expect(
      await callError(core, 'scan.start', { targetId: stockTarget.id, profileId: 'nope' }),
    ).toMatchObject({
      code: 'not_found',
      message: 'No rule pack "nope"',
    })
  })

  it('a scan can be cancelled while a query runs', async () => {
    await importPack({
      id: 'sleepy-pg',
      title: 'Sleepy',
      kind: 'postgres',
      rules: [
        {
          id: 'sleep',
          title: 'Sleeps',
          query: 'SELECT count(*) AS value FROM (SELECT generate_series(1, 20000000000) AS x) s',
          timeoutSeconds: 30,
          assert: { type: 'equals', value: '' },
        },
      ],
    })
    const running = new Promise<void>((resolve) => {
      const off = core.subscribe((name, p) => {
        if (name !== 'scan.progress' || (p as { status?: string }).status !== 'running') return
        off()
        resolve()
      })
    })
    const { scanId } = await call(core, 'scan.start', { targetId: hardTarget.id, profileId: 'sleepy-pg' })
    await running
    const t0 = Date.now()
    expect(await call(core, 'scan.cancel', { scanId })).toEqual({ cancelled: true })
    await core.idle()
    expect((await call(core, 'scan.results', { scanId })).scan).toMatchObject({
      state: 'cancelled',
      error: 'The scan was cancelled',
    })
    // Cancelling does not wait for the 20 s query.
    expect(Date.now() - t0).toBeLessThan(10_000)
  })

  it('a connection cut in the middle of a scan fails it, naming the rule and the cause', async () => {
    await importPack({
      id: 'cut-pg',
      title: 'Cut',
      kind: 'postgres',
      rules: [
        {
          id: 'waits',
          title: 'Waits',
          query: 'SELECT count(*) AS value FROM (SELECT generate_series(1, 5000000000) AS x) s',
          timeoutSeconds: 10,
          assert: { type: 'equals', value: '' },
        },
        {
          id: 'never-reached',
          title: 'After',
          query: 'SELECT 1 AS value',
          assert: { type: 'equals', value: 1 },
        },
      ],
    })
    const { scanId } = await call(core, 'scan.start', { targetId: stockTarget.id, profileId: 'cut-pg' })
    await expect
      .poll(() =>
        admin(stock, async (c) => {
          const r = await c.query(
            "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'driftwatch' AND query LIKE '%generate_series(1, 5000000000)%'",
          )
          return r.rowCount
        }),
      )
      .toBe(1)
    await core.idle()
    expect((await call(core, 'scan.results', { scanId })).scan).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(
        /^The connection to pg \d+ \(127\.0\.0\.1:\d+\) was lost during waits: (terminating connection due to administrator command|Connection terminated unexpectedly)$/,
      ),
    })
  })

  it('a wrong password, a server that is down and a locked vault fail the scan saying so', async () => {
    const bad = await targetFor(stock, { password: 'not-the-password-Zq9' })
    const r1 = await scan(bad.id)
    expect(r1.scan.state).toBe('failed')
    expect(r1.scan.error).toBe(
      'The server refused user postgres: wrong password, or the account may not sign in from here',
    )

    const port = await freePort()
    const down = await targetFor(stock, { port })
    const r2 = await scan(down.id)
    expect(r2.scan.error).toBe(`Nothing is listening on 127.0.0.1:${port} (connection refused)`)

    await call(core, 'vault.lock', {})
    const r3 = await scan(stockTarget.id)
    expect(r3.scan).toMatchObject({
      state: 'failed',
      error: 'The vault is locked: unlock it to use pg 2 password',
    })
    await call(core, 'vault.unlock', { passphrase: 'database scan passphrase' })
    for (const r of [r1, r2, r3]) expect(r.scan.error).not.toContain('not-the-password')
  })

  it('a missing privilege is an error naming the grant; other flavours and versions are not applicable', async () => {
    await admin(stock, (c) => c.query("CREATE ROLE dw_auditor LOGIN PASSWORD 'auditor-Pw-41'"))
    const auditor = await targetFor(stock, { user: 'dw_auditor', password: 'auditor-Pw-41' })
    const r = await scan(auditor.id)
    expect(r.scan.state).toBe('done')
    const hba = byId(r).get('pg-hba-no-trust')
    expect(hba?.status).toBe('error')
    expect(hba?.message).toBe(
      'Insufficient privilege: this check needs superuser, or SELECT on pg_hba_file_rules and EXECUTE on ' +
        'pg_hba_file_rules() in this database (see the README). ' +
        'The server said: permission denied for view pg_hba_file_rules',
    )
    expect(byId(r).get('pg-login-roles-scram')?.message).toMatch(
      /needs superuser.*permission denied for table pg_authid/,
    )
    expect(byId(r).get('pg-log-directory')).toMatchObject({
      status: 'error',
      message:
        'Insufficient privilege: this check needs pg_read_all_settings. The server said: ' +
        'must be superuser or have privileges of pg_read_all_settings to examine "log_directory"',
    })
    // Settings everyone may read are still checked.
    expect(byId(r).get('pg-ssl')).toMatchObject({ status: 'fail', actual: 'off' })
    // Granting what the message names is enough.
    await admin(stock, (c) => c.query('GRANT pg_read_all_settings TO dw_auditor'))
    expect(byId(await scan(auditor.id)).get('pg-log-directory')).toMatchObject({
      status: 'pass',
      actual: 'log',
    })

    await importPack({
      id: 'acme-pg',
      title: 'ACME PostgreSQL policy',
      kind: 'postgres',
      extends: 'postgres-cis',
      values: { max_authentication_timeout_seconds: 30 },
      rules: [
        {
          id: 'acme-mariadb-only',
          title: 'MariaDB only',
          applies: { flavours: ['mariadb'] },
          query: 'SELECT 1 AS value',
          assert: { type: 'equals', value: 1 },
        },
        {
          id: 'acme-pg-99',
          title: 'PostgreSQL 99+',
          applies: { minVersion: '99' },
          query: 'SELECT 1 AS value',
          assert: { type: 'equals', value: 1 },
        },
        {
          id: 'acme-pg-below-12',
          title: 'Old servers',
          applies: { belowVersion: '12' },
          query: 'SELECT 1 AS value',
          assert: { type: 'equals', value: 1 },
        },
        {
          id: 'acme-unknown-setting',
          title: 'An extension setting',
          query: "SELECT current_setting('pgaudit.log') AS value",
          assert: { type: 'equals', value: 'ddl' },
        },
      ],
    })
    const acme = byId(await scan(stockTarget.id, 'acme-pg'))
    expect(acme.get('acme-mariadb-only')).toMatchObject({
      status: 'notapplicable',
      message: expect.stringMatching(/^Applies to mariadb; this server is PostgreSQL 15/),
    })
    expect(acme.get('acme-pg-99')).toMatchObject({
      status: 'notapplicable',
      message: expect.stringMatching(/^Applies from version 99/),
    })
    expect(acme.get('acme-pg-below-12')?.status).toBe('notapplicable')
    expect(acme.get('acme-unknown-setting')).toMatchObject({
      status: 'notapplicable',
      message:
        'This server does not have what the check reads: unrecognized configuration parameter "pgaudit.log"',
    })
    // The variable set by the custom pack tightens the built-in rule: 60 s passed before, fails now.
    expect(byId(await scan(stockTarget.id)).get('pg-authentication-timeout')).toMatchObject({
      status: 'pass',
      expected: '<= 60',
    })
    expect(acme.get('pg-authentication-timeout')).toMatchObject({
      status: 'fail',
      actual: '60',
      expected: '<= 30',
    })
  })

  it('refuses a custom rule that writes before it runs, and the server refuses writes anyway', async () => {
    const refused = await callError(core, 'rules.import', {
      text: YAML.stringify({
        id: 'writer-pg',
        title: 'Writes',
        kind: 'postgres',
        rules: [
          {
            id: 'w',
            title: 'Writes',
            query: 'WITH x AS (INSERT INTO dw_probe VALUES (1) RETURNING x) SELECT * FROM x',
            assert: { type: 'rowCount', value: 0 },
          },
        ],
      }),
    })
    expect(refused).toMatchObject({
      code: 'validation',
      message: 'Rule "w" (rules.0.query): INSERT is not allowed in a rule: rules may only read',
    })
    expect((await call(core, 'rules.list', {})).packs.map((p) => p.id)).not.toContain('writer-pg')

    // A function that writes looks like any SELECT to the guard; the read-only transaction stops it.
    await admin(stock, async (c) => {
      await c.query('CREATE TABLE public.dw_probe (x int)')
      await c.query(
        "CREATE FUNCTION public.dw_write() RETURNS int LANGUAGE sql AS 'INSERT INTO public.dw_probe VALUES (1) RETURNING x'",
      )
    })
    // A function defined on the server is not on the guard's allowlist: refused on import, never sent.
    const notListed = await callError(core, 'rules.import', {
      text: YAML.stringify({
        id: 'sneaky-pg',
        title: 'Calls a function that writes',
        kind: 'postgres',
        rules: [
          {
            id: 'calls-writer',
            title: 'Calls it',
            query: 'SELECT public.dw_write() AS value',
            assert: { type: 'equals', value: 1 },
          },
        ],
      }),
    })
    expect(notListed.message).toMatch(
      /^Rule "calls-writer" \(rules\.0\.query\): The function public\.dw_write\(\) is not on the list/,
    )

    // Below the guard, the session itself: a data-modifying CTE and DDL are refused by the server.
    const t = stockTarget as SqlTarget
    const session = await openPostgresReadOnly(t, { password: stock.password }, { timeoutMs: 5000 })
    try {
      for (const sql of [
        'WITH x AS (INSERT INTO public.dw_probe VALUES (2) RETURNING x) SELECT * FROM x',
        'CREATE TABLE public.dw_other (x int)',
        "SELECT set_config('default_transaction_read_only', 'off', false), public.dw_write()",
      ]) {
        const err = await session.query(sql, 5000).then(
          () => null,
          (e: unknown) => e,
        )
        expect(err, sql).toBeInstanceOf(QueryError)
        expect((err as QueryError).kind, sql).toBe('read-only')
      }
      // A rule's text is one statement: the extended protocol refuses a script outright.
      const script = await session.query('SELECT 1; DELETE FROM public.dw_probe', 5000).then(
        () => null,
        (e: unknown) => e,
      )
      expect((script as QueryError).message).toBe('cannot insert multiple commands into a prepared statement')
      // And the session is still usable after the refusals.
      expect(await session.query('SELECT 1 AS one', 5000)).toEqual([{ one: 1 }])
    } finally {
      await session.close()
    }
    expect(
      (await admin(stock, (c) => c.query('SELECT count(*)::int AS n FROM public.dw_probe'))).rows,
    ).toEqual([{ n: 0 }])
  })
})

describe('the command line', () => {
  it('scans a database target, and imports, lists and exports rule packs', async () => {
    ensureBuilt()
    const dir = tmp.make('dw-db-cli-')
    const env = { DRIFTWATCH_VAULT_PASSPHRASE: 'cli database passphrase' }
    const cli = (args: string[], input?: string) => runCli([...args, '--data-dir', dir], { env, input })
    await floorCostVault(dir, env.DRIFTWATCH_VAULT_PASSPHRASE)
    const cred = await cli(
      ['vault', 'add', '--kind', 'db-password', '--name', 'pg', '--secret-stdin', '--json'],
      hardened.password,
    )
    expect(cred.code, cred.stderr).toBe(0)
    const credId = (JSON.parse(cred.stdout) as { id: string }).id
    const add = await cli([
      ...['targets', 'add', '--kind', 'postgres', '--name', 'pg-hardened', '--host', '127.0.0.1'],
      ...['--port', String(hardened.port), '--user', 'postgres', '--tls', 'verify-full'],
      ...['--ca-file', hardened.caCertPath!, '--credential', credId],
    ])
    expect(add.code, add.stderr).toBe(0)

    const s = await cli(['scan', 'pg-hardened'])
    // Exit 2: some rule failed (pgaudit).
    expect(s.code, s.stderr).toBe(2)
    expect(s.stdout).toMatch(
      // The scan account here is the superuser, so the CLI says so on its own line.
      /^pg-hardened: score 98\.\d% · \d+ pass · 1 fail · 0 error · 0 not applicable\npg-hardened: warning: The scan account postgres is a superuser, .*Scan with a least-privilege role instead \(pg_read_all_settings \+ pg_monitor \+ pg_hba_file_rules; Test connection shows the SQL\)\.\n$/,
    )

    const out = join(dir, 'postgres-cis.yaml')
    expect((await cli(['rules', 'export', 'postgres-cis', '--out', out])).code).toBe(0)
    const exported = YAML.parse(readFileSync(out, 'utf8')) as {
      id: string
      title: string
      rules: { id: string }[]
    }
    expect(exported.rules.length).toBeGreaterThanOrEqual(50)
    const again = await cli(['rules', 'import', out])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/id: The id postgres-cis belongs to a built-in pack/)
    writeFileSync(
      out,
      YAML.stringify({ ...exported, id: 'my-copy', title: 'My copy', rules: exported.rules.slice(0, 3) }),
    )
    const imported = await cli(['rules', 'import', out])
    expect(imported.stdout).toBe('Imported my-copy (postgres, 3 rules): My copy\n')
    expect((await cli(['rules', 'list'])).stdout).toMatch(/my-copy\s+postgres\s+3 rules\s+custom\s+My copy/)
    const one = await cli(['scan', 'pg-hardened', '--profile', 'my-copy', '--json'])
    expect(
      (JSON.parse(one.stdout) as { scan: { counts: Record<string, number> } }[])[0]?.scan.counts,
    ).toEqual({ pass: 3 })

    const builtIn = await cli(['rules', 'remove', 'postgres-cis'])
    expect([builtIn.code, builtIn.stderr]).toEqual([
      1,
      'driftwatch rules: postgres-cis is built in and cannot be removed\n',
    ])
    expect((await cli(['rules', 'remove', 'my-copy'])).stdout).toBe('Removed my-copy\n')
    expect((await cli(['rules', 'list', '--json'])).stdout).not.toContain('my-copy')
  }, 120_000)
})

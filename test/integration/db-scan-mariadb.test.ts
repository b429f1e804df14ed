// Scanning MariaDB with the mysql-cis pack against two real servers from test/services — one hardened (TLS
// with a self-signed CA and require_secure_transport, local_infile off, secure_file_priv, audit and password
// plugins, …) and one with the packaged defaults — plus TLS verification, slow queries, a wrong password,
// MySQL-only rules, variables, missing privileges and rules that try to write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mysql from 'mysql2/promise'
import YAML from 'yaml'
import { createCore, type Core } from '../../src-main/core/app'
import { openMysqlReadOnly } from '../../src-main/core/scanners/sql/mysql'
import type { SqlTarget } from '../../src-main/core/scanners/sql/connect'
import { QueryError } from '../../src-main/core/scanners/sql/read-only'
import type { Res, Target } from '../../src-preload/contract'
import { makeTlsFiles, startMariadb, stopAll, type MariadbService } from '../services/lib'
import { useTmpDirs } from '../helpers/tmp-dir'
import { call, callError } from '../helpers/core'

const tmp = useTmpDirs('all')
let hardened: MariadbService
let stock: MariadbService
let core: Core
let hardTarget: Target
let stockTarget: Target

/** Root over the server's socket, as the service's own setup does (exempt from require_secure_transport). */
const admin = async <T>(svc: MariadbService, fn: (c: mysql.Connection) => Promise<T>): Promise<T> => {
  const c = await mysql.createConnection({ socketPath: svc.socketPath, user: 'root' })
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

let n = 0
async function targetFor(
  svc: MariadbService,
  opts: { user?: string; password?: string; caFile?: string } = {},
): Promise<Target> {
  const name = `maria ${++n}`
  const cred = await call(core, 'credentials.create', {
    credential: {
      kind: 'db-password',
      name: `${name} password`,
      secret: { password: opts.password ?? svc.password },
    },
  })
  return call(core, 'targets.create', {
    target: {
      kind: 'mysql',
      name,
      host: svc.host,
      port: svc.port,
      database: '',
      user: opts.user ?? svc.user,
      credentialId: cred.id,
      tls: svc.caCertPath ? 'verify-full' : 'disable',
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
const importPack = (pack: Record<string, unknown>) =>
  call(core, 'rules.import', { text: YAML.stringify(pack) })

beforeAll(async () => {
  ;[hardened, stock] = await Promise.all([
    startMariadb({ hardened: true, name: 'scan-hardened' }),
    startMariadb({ name: 'scan-default' }),
  ])
  core = createCore({
    face: 'cli',
    dataDir: tmp.make('dw-db-scan-maria-'),
    unsafeKdfForTests: { N: 1024, r: 8, p: 1 },
  })
  await call(core, 'vault.init', { passphrase: 'database scan passphrase' })
  hardTarget = await targetFor(hardened)
  stockTarget = await targetFor(stock)
}, 120_000)

afterAll(async () => {
  core?.close()
  await stopAll()
})

describe('MariaDB, hardened and default', () => {
  // Rule → [actual on the hardened server, actual on the default one]; '' = not compared.
  const NAMED: Record<string, [string, string]> = {
    'my-local-infile': ['0', '1'],
    'my-have-ssl': ['YES', 'DISABLED'],
    'my-require-secure-transport': ['1', '0'],
    'my-this-connection-encrypted': ['', ''],
    'my-symbolic-links': ['DISABLED', 'YES'],
    'my-sql-mode-strict-all': [
      'STRICT_ALL_TABLES, ERROR_FOR_DIVISION_BY_ZERO, NO_AUTO_CREATE_USER, NO_ENGINE_SUBSTITUTION',
      'STRICT_TRANS_TABLES, ERROR_FOR_DIVISION_BY_ZERO, NO_AUTO_CREATE_USER, NO_ENGINE_SUBSTITUTION',
    ],
    'my-secure-file-priv': ['', ''],
    'my-log-error': ['', ''],
    'my-automatic-sp-privileges': ['0', '1'],
    'my-audit-plugin': ['ON', 'plugin not loaded'],
    'my-password-check-plugin': ['1 rows', '0 rows'],
    'my-password-reuse-check': ['ACTIVE', '(no rows)'],
    'my-password-lifetime': ['365', '2147483647'],
    'my-empty-passwords': ['0 rows', '1 rows'],
    'my-tcp-accounts-require-tls': ['0 rows', '1 rows'],
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
    expect(hard.scan.profileId).toBe('mysql-cis')
    const h = byId(hard)
    const s = byId(soft)
    console.log(
      `rule                                 hardened       default\n` +
        hard.results
          .map((r) => `${r.ruleId.padEnd(36)} ${r.status.padEnd(14)} ${s.get(r.ruleId)?.status}`)
          .join('\n'),
    )
    for (const [id, [hardActual, softActual]] of Object.entries(NAMED)) {
      expect.soft({ id, status: h.get(id)?.status }).toEqual({ id, status: 'pass' })
      expect.soft({ id, status: s.get(id)?.status }).toEqual({ id, status: 'fail' })
      if (hardActual) expect.soft(h.get(id)?.actual, id).toBe(hardActual)
      if (softActual) expect.soft(s.get(id)?.actual, id).toBe(softActual)
    }
    expect(h.get('my-this-connection-encrypted')?.actual).toMatch(/^TLS_/)
    expect(s.get('my-this-connection-encrypted')?.actual).toBe('')
    expect(h.get('my-secure-file-priv')?.actual).toBe(`${hardened.dir}/files/`)
    expect(s.get('my-empty-passwords')?.message).toBe(
      '1 rows:\naccount=root@localhost plugin=mysql_native_password',
    )
    expect(s.get('my-tcp-accounts-require-tls')?.message).toBe('1 rows:\nvalue=dwadmin@127.0.0.1')
  })

  it('marks MySQL-only rules not applicable, and a rule for a missing plugin not applicable', () => {
    for (const id of [
      'my-log-raw',
      'my-empty-passwords-mysql',
      'my-default-auth-plugin',
      'my-log-error-verbosity',
    ])
      expect(byId(soft).get(id)).toMatchObject({
        status: 'notapplicable',
        message: expect.stringMatching(/^Applies to mysql; this server is MariaDB 10\.11\.\d+$/),
      })
    expect(byId(soft).get('my-password-min-length')).toMatchObject({
      status: 'notapplicable',
      message:
        "This server does not have what the check reads: Unknown system variable 'simple_password_check_minimal_length'",
    })
    expect(byId(hard).get('my-password-min-length')).toMatchObject({
      status: 'pass',
      actual: '14',
      expected: '>= 14',
    })
  })

  it('the admin account fails the privilege rules until a custom pack names it an admin (variables)', async () => {
    const privileged = [
      'my-file-privilege',
      'my-super-privilege',
      'my-grant-privilege',
      'my-process-privilege',
    ]
    for (const id of privileged)
      expect(byId(hard).get(id)).toMatchObject({
        status: 'fail',
        actual: 'dwadmin@127.0.0.1',
        expected: 'matches /^(root)@/',
      })
    expect(byId(hard).get('my-mysql-schema-access')).toMatchObject({ status: 'pass', actual: '(no rows)' })
    // An account reading the mysql schema (and so every password hash) fails the rule until named an admin.
    await admin(hardened, async (c) => {
      await c.query("CREATE USER 'dw_dba'@'127.0.0.1' IDENTIFIED BY 'Dba-Long-Pw-9317-x!'")
      await c.query("GRANT SELECT ON mysql.* TO 'dw_dba'@'127.0.0.1'")
    })
    try {
      expect(byId(await scan(hardTarget.id)).get('my-mysql-schema-access')).toMatchObject({
        status: 'fail',
        actual: 'dw_dba@127.0.0.1',
        expected: 'matches /^(root)@/',
      })
      await importPack({
        id: 'acme-maria',
        title: 'ACME MariaDB policy',
        kind: 'mysql',
        extends: 'mysql-cis',
        values: { admin_users: 'root|dwadmin|dw_dba', min_password_length: 16 },
      })
      const acme = byId(await scan(hardTarget.id, 'acme-maria'))
      for (const id of [...privileged, 'my-mysql-schema-access'])
        expect(acme.get(id)).toMatchObject({ status: 'pass', expected: 'matches /^(root|dwadmin|dw_dba)@/' })
      expect(acme.get('my-mysql-schema-access')?.actual).toBe('dw_dba@127.0.0.1')
      expect(acme.get('my-password-min-length')).toMatchObject({
        status: 'fail',
        actual: '14',
        expected: '>= 16',
      })
    } finally {
      await admin(hardened, (c) => c.query("DROP USER 'dw_dba'@'127.0.0.1'"))
    }
  })

  it('verify-full against the self-signed CA connects; a wrong CA is refused with a clear error', async () => {
    expect(hardTarget).toMatchObject({ tls: 'verify-full', caFile: hardened.caCertPath })
    const other = await makeTlsFiles(tmp.make('dw-other-ca-'))
    const r = await scan((await targetFor(hardened, { caFile: other.caCertPath })).id)
    expect(r.scan).toMatchObject({
      state: 'failed',
      error: `The server's certificate is not signed by the CA in ${other.caCertPath}`,
    })
  })
})

describe('failures a person can act on', () => {
  it('a query slower than its timeout errors that rule and the scan goes on', async () => {
    await importPack({
      id: 'slow-maria',
      title: 'Slow',
      kind: 'mysql',
      rules: [
        {
          id: 'slow',
          title: 'Sleeps',
          query:
            'SELECT COUNT(*) AS value FROM information_schema.COLLATIONS a, information_schema.COLLATIONS b, information_schema.COLLATIONS c, information_schema.COLLATIONS d',
          timeoutSeconds: 0.5,
          assert: { type: 'equals', value: 0 },
        },
        {
          id: 'after-slow',
          title: 'Runs after',
          query: 'SELECT @@GLOBAL.have_ssl AS value',
          assert: { type: 'equals', value: 'YES' },
        },
      ],
    })
    const r = byId(await scan(hardTarget.id, 'slow-maria'))
    expect(r.get('slow')).toMatchObject({
      status: 'error',
      message: 'The query ran longer than the 0.5 s statement timeout and was interrupted',
    })
    expect(r.get('after-slow')).toMatchObject({ status: 'pass', actual: 'YES' })
  })

  it('a scan can be cancelled while a query runs', async () => {
    await importPack({
      id: 'sleepy-maria',
      title: 'Sleepy',
      kind: 'mysql',
      rules: [
        {
          id: 'sleep',
          title: 'Sleeps',
          query:
            'SELECT COUNT(*) AS value FROM information_schema.COLLATIONS a, information_schema.COLLATIONS b, information_schema.COLLATIONS c, information_schema.COLLATIONS d WHERE a.ID > 0',
          timeoutSeconds: 30,
          assert: { type: 'equals', value: 0 },
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
    const { scanId } = await call(core, 'scan.start', { targetId: hardTarget.id, profileId: 'sleepy-maria' })
    await running
    const t0 = Date.now()
    await call(core, 'scan.cancel', { scanId })
    await core.idle()
    expect((await call(core, 'scan.results', { scanId })).scan).toMatchObject({
      state: 'cancelled',
      error: 'The scan was cancelled',
    })
    // Cancelling does not wait for the 20 s query.
    expect(Date.now() - t0).toBeLessThan(10_000)
  })

  it('a wrong password fails the scan saying so', async () => {
    const r = await scan((await targetFor(stock, { password: 'wrong-Password-77' })).id)
    expect(r.scan).toMatchObject({
      state: 'failed',
      error: 'The server refused user dwadmin: wrong password, or the account may not sign in from here',
    })
  })

  it('a missing privilege is an error naming the grant', async () => {
    await admin(stock, async (c) => {
      await c.query("CREATE USER 'dw_auditor'@'127.0.0.1' IDENTIFIED BY 'auditor-Pw-41'")
      await c.query("GRANT SELECT ON performance_schema.* TO 'dw_auditor'@'127.0.0.1'")
    })
    const r = byId(await scan((await targetFor(stock, { user: 'dw_auditor', password: 'auditor-Pw-41' })).id))
    expect(r.get('my-wildcard-hosts')).toMatchObject({
      status: 'error',
      message: expect.stringMatching(
        /^Insufficient privilege: this check needs SELECT on the mysql schema\. The server said: SELECT command denied to user 'dw_auditor'@'127\.0\.0\.1' for table `mysql`\.`user`$/,
      ),
    })
    // Variables anyone may read are still checked.
    expect(r.get('my-local-infile')).toMatchObject({ status: 'fail', actual: '1' })
  })

  it('refuses a custom rule that writes before it runs, and the server refuses writes anyway', async () => {
    const refused = await callError(core, 'rules.import', {
      text: YAML.stringify({
        id: 'writer-maria',
        title: 'Writes',
        kind: 'mysql',
        rules: [
          {
            id: 'w',
            title: 'Writes',
            query: "SELECT * FROM mysql.user INTO OUTFILE '/tmp/users'",
            assert: { type: 'rowCount', value: 0 },
          },
        ],
      }),
    })
    expect(refused.message).toBe(
      'Rule "w" (rules.0.query): SELECT … INTO (a variable, OUTFILE or DUMPFILE) is not allowed in a rule: it writes',
    )

    await admin(stock, async (c) => {
      await c.query('CREATE DATABASE dwprobe')
      await c.query('CREATE TABLE dwprobe.t (x int)')
      await c.query(
        'CREATE FUNCTION dwprobe.w() RETURNS int MODIFIES SQL DATA BEGIN INSERT INTO dwprobe.t VALUES (1); RETURN 1; END',
      )
    })
    // A function defined on the server is not on the guard's allowlist: refused on import, never sent.
    const notListed = await callError(core, 'rules.import', {
      text: YAML.stringify({
        id: 'sneaky-maria',
        title: 'Calls a function that writes',
        kind: 'mysql',
        rules: [
          {
            id: 'calls-writer',
            title: 'Calls it',
            query: 'SELECT dwprobe.w() AS value',
            assert: { type: 'equals', value: 1 },
          },
        ],
      }),
    })
    expect(notListed.message).toMatch(
      /^Rule "calls-writer" \(rules\.0\.query\): The function dwprobe\.w\(\) is not on the list/,
    )

    // Below the guard: the session refuses writes, DDL (which would commit implicitly) and a new read-write transaction.
    const session = await openMysqlReadOnly(
      stockTarget as SqlTarget,
      { password: stock.password },
      { timeoutMs: 5000 },
    )
    try {
      for (const sql of [
        'INSERT INTO dwprobe.t VALUES (2)',
        'CREATE TABLE dwprobe.u (x int)',
        'SELECT dwprobe.w()',
      ]) {
        const err = await session.query(sql, 5000).then(
          () => null,
          (e: unknown) => e,
        )
        expect(err, sql).toBeInstanceOf(QueryError)
        expect((err as QueryError).kind, sql).toBe('read-only')
      }
      await session.query('COMMIT', 5000)
      const after = await session.query('INSERT INTO dwprobe.t VALUES (3)', 5000).then(
        () => null,
        (e: unknown) => e,
      )
      expect((after as QueryError).kind).toBe('read-only')
    } finally {
      await session.close()
    }
    expect(
      await admin(stock, async (c) => (await c.query('SELECT COUNT(*) AS n FROM dwprobe.t'))[0]),
    ).toEqual([{ n: 0 }])
  })
})

// Every rule of the built-in mysql-cis pack that applies to MariaDB is shown to FAIL on a real MariaDB 10.11
// server configured to break it (server options, accounts, grants, a test database, plugins), scanned through
// the core like any target. The tables below must cover every rule id of the pack, so a new rule without a
// failing case fails this suite; MySQL-only rules are listed with what they truly return here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mysql from 'mysql2/promise'
import { createCore, type Core } from '../../src-main/core/app'
import { builtInPacks } from '../../src-main/core/rules/registry'
import type { Res } from '../../src-preload/contract'
import { startMariadb, stopAll, type MariadbService } from '../services/lib'
import { useTmpDirs } from '../helpers/tmp-dir'
import { call } from '../helpers/core'

/**
 * mariadbd options; each breaks (at least) one rule. No TLS files are given (have_ssl, TLS rules) and no
 * --log-error (my-log-error): the test service sends the error log to its own stderr capture.
 */
const ARGS = [
  '--local-infile=1',
  '--symbolic-links=1',
  // Neither STRICT_ALL_TABLES nor NO_AUTO_CREATE_USER.
  '--sql-mode=ERROR_FOR_DIVISION_BY_ZERO',
  '--automatic-sp-privileges=1',
  '--log-warnings=1',
  // Loaded, but not logging.
  '--plugin-load-add=server_audit',
  '--server-audit-logging=OFF',
  '--tls-version=TLSv1.0,TLSv1.1,TLSv1.2',
  '--default-password-lifetime=0',
]

/** Run as root over the socket before the first scan. */
const SETUP_SQL = [
  'CREATE DATABASE test',
  "CREATE USER dw_ops@'127.0.0.1' IDENTIFIED BY 'ops-password'",
  "GRANT FILE, PROCESS, SUPER, SHUTDOWN, CREATE USER, REPLICATION SLAVE ON *.* TO dw_ops@'127.0.0.1' WITH GRANT OPTION",
  "GRANT SELECT ON mysql.* TO dw_ops@'127.0.0.1'",
  "CREATE USER ''@'localhost'",
  "CREATE USER dw_nopass@'127.0.0.1'",
  "CREATE USER dw_anywhere@'%' IDENTIFIED BY 'anywhere-password'",
  // TEST-NET-2: an address that is nobody's; the server only listens on 127.0.0.1 anyway.
  "CREATE USER root@'198.51.100.7' IDENTIFIED BY 'remote-root-password'",
  // Last: from here new password hashes would be pre-4.1 ones.
  'SET GLOBAL old_passwords = 1',
]

/**
 * Run before the second scan. simple_password_check's length variable exists only while the plugin is
 * active, and an active plugin passes my-password-check-plugin: the length rule fails on this second scan.
 */
const SECOND_SQL = [
  "INSTALL SONAME 'simple_password_check'",
  'SET GLOBAL simple_password_check_minimal_length = 8',
]

interface Fails {
  /** The result's actual value on the broken server. */
  actual: string | RegExp
  /** For row rules: what the message must name (the objects this test broke), in any order. */
  shows?: RegExp[]
  /** Judged on the second scan (after SECOND_SQL) instead of the first. */
  second?: true
}

/** The test service's own dwadmin holds every global privilege too; dw_ops is the account this test added. */
const PRIVILEGED = 'dwadmin@127.0.0.1, dw_ops@127.0.0.1'

/** Rule id → how it reads on the broken server (each cause is in ARGS, SETUP_SQL or SECOND_SQL above). */
const FAILS: Record<string, Fails> = {
  'my-local-infile': { actual: '1' },
  'my-secure-file-priv': { actual: '' },
  'my-sql-mode-strict-all': { actual: 'ERROR_FOR_DIVISION_BY_ZERO' },
  'my-symbolic-links': { actual: 'YES' },
  'my-test-database': { actual: '1 rows', shows: [/^value=test$/m] },
  'my-automatic-sp-privileges': { actual: '1' },
  'my-old-passwords': { actual: '1' },
  'my-sql-mode-no-auto-create-user': { actual: 'ERROR_FOR_DIVISION_BY_ZERO' },
  'my-file-privilege': { actual: PRIVILEGED },
  'my-process-privilege': { actual: PRIVILEGED },
  'my-super-privilege': { actual: PRIVILEGED },
  'my-shutdown-privilege': { actual: PRIVILEGED },
  'my-create-user-privilege': { actual: PRIVILEGED },
  'my-grant-privilege': { actual: PRIVILEGED },
  'my-replication-slave-privilege': { actual: PRIVILEGED },
  'my-mysql-schema-access': { actual: 'dw_ops@127.0.0.1' },
  'my-log-error': { actual: '' },
  'my-log-warnings': { actual: '1' },
  'my-audit-plugin': { actual: 'OFF' },
  'my-anonymous-accounts': { actual: '1 rows', shows: [/value=''@localhost/] },
  // mariadb-install-db leaves root@localhost without a password (the test service signs in over the socket).
  'my-empty-passwords': {
    actual: '3 rows',
    shows: [/^account=root@localhost /m, /^account=@localhost /m, /^account=dw_nopass@127\.0\.0\.1 /m],
  },
  'my-wildcard-hosts': { actual: '1 rows', shows: [/value=dw_anywhere@%/] },
  'my-root-local-only': { actual: '1 rows', shows: [/value=root@198\.51\.100\.7/] },
  'my-password-check-plugin': { actual: '0 rows' },
  'my-password-min-length': { actual: '8', second: true },
  'my-password-reuse-check': { actual: '(no rows)' },
  'my-password-lifetime': { actual: '2147483647' },
  'my-have-ssl': { actual: 'DISABLED' },
  'my-require-secure-transport': { actual: '0' },
  'my-this-connection-encrypted': { actual: '' },
  // Every account this test made for TCP, and the service's own dwadmin.
  'my-tcp-accounts-require-tls': {
    actual: '5 rows',
    shows: [
      'dwadmin@127.0.0.1',
      'dw_ops@127.0.0.1',
      'dw_nopass@127.0.0.1',
      'dw_anywhere@%',
      'root@198.51.100.7',
    ].map((a) => new RegExp(`^value=${a.replace(/\./g, '\\.')}$`, 'm')),
  },
}

/** Rules for MySQL servers only (applies.flavours): no MySQL server is packaged for Debian 12. */
// No TLS files here (my-have-ssl fails): tls_version takes no effect, so its rule is not applicable; it fails on
// a server with TLS on and old versions offered in db-error-wording.test.ts.
const TLS_OFF = ['my-tls-version']
const MYSQL_ONLY = [
  'my-log-error-verbosity',
  'my-log-raw',
  'my-empty-passwords-mysql',
  'my-password-check-component',
  'my-password-min-length-mysql',
  'my-default-auth-plugin',
]

/** The rule ids of a built-in pack, as the registry serves it. */
const packRuleIds = (id: string) => {
  const pack = builtInPacks().find((p) => p.id === id)
  if (!pack) throw new Error(`no built-in pack ${id}`)
  return pack.rules.filter((r) => !r.manual).map((r) => r.id)
}
/** Manual checks (no query: a person attests them), which read not checked in every scan. */
const manualRuleIds = (id: string) =>
  builtInPacks()
    .find((p) => p.id === id)!
    .rules.filter((r) => r.manual)
    .map((r) => r.id)

const tmp = useTmpDirs('all')
let svc: MariadbService
let core: Core
let targetId: string
type Result = Res<'scan.results'>['results'][number]
let first: Res<'scan.results'>
let second: Res<'scan.results'>
const results = { first: new Map<string, Result>(), second: new Map<string, Result>() }

async function scan(): Promise<Res<'scan.results'>> {
  const { scanId } = await call(core, 'scan.start', { targetId })
  await core.idle()
  return call(core, 'scan.results', { scanId })
}

async function asRoot(statements: string[]) {
  const c = await mysql.createConnection({ socketPath: svc.socketPath, user: 'root' })
  try {
    for (const sql of statements) await c.query(sql)
  } finally {
    await c.end()
  }
}

beforeAll(async () => {
  svc = await startMariadb({ name: 'rules-fail', args: ARGS })
  await asRoot(SETUP_SQL)
  core = createCore({
    face: 'cli',
    dataDir: tmp.make('dw-rules-fail-maria-'),
    unsafeKdfForTests: { N: 1024, r: 8, p: 1 },
  })
  await call(core, 'vault.init', { passphrase: 'rules fail passphrase' })
  const cred = await call(core, 'credentials.create', {
    credential: { kind: 'db-password', name: 'broken maria password', secret: { password: svc.password } },
  })
  const target = await call(core, 'targets.create', {
    target: {
      kind: 'mysql',
      name: 'broken maria',
      host: svc.host,
      port: svc.port,
      database: '',
      user: svc.user,
      credentialId: cred.id,
      tls: 'disable',
      caFile: '',
    },
  })
  targetId = target.id
  first = await scan()
  await asRoot(SECOND_SQL)
  second = await scan()
  for (const r of first.results) results.first.set(r.ruleId, r)
  for (const r of second.results) results.second.set(r.ruleId, r)
}, 120_000)

afterAll(async () => {
  core?.close()
  await stopAll()
})

describe('mysql-cis on a MariaDB 10.11 server configured to break it', () => {
  it('has a failing case (or a stated reason) for every rule of the pack, and no other', () => {
    // The record of what each rule read on the broken server, for whoever reads the CI log.
    console.log(
      first.results.map((r) => `${r.ruleId.padEnd(36)} ${r.status.padEnd(14)} ${r.actual}`).join('\n'),
    )
    const covered = [...Object.keys(FAILS), ...MYSQL_ONLY, ...TLS_OFF].sort()
    expect(covered).toEqual(packRuleIds('mysql-cis').sort())
    expect(MYSQL_ONLY.filter((id) => id in FAILS)).toEqual([])
    for (const s of [first, second]) {
      expect(s.scan.state, s.scan.error).toBe('done')
      expect(s.scan.profileId).toBe('mysql-cis')
      const manual = manualRuleIds('mysql-cis')
      expect(manual.length).toBeGreaterThan(0)
      expect(
        s.results
          .map((r) => r.ruleId)
          .filter((id) => !manual.includes(id))
          .sort(),
      ).toEqual(covered)
      for (const id of manual)
        expect(s.results.find((r) => r.ruleId === id)).toMatchObject({
          status: 'notchecked',
          message: expect.stringMatching(/^Manual check: /),
        })
    }
  })

  it.each(Object.entries(FAILS))('%s fails, with the value that breaks it', (id, want) => {
    const r = (want.second ? results.second : results.first).get(id)
    expect({ id, status: r?.status, message: r?.status === 'fail' ? '' : r?.message }).toEqual({
      id,
      status: 'fail',
      message: '',
    })
    if (typeof want.actual === 'string') expect(r?.actual, r?.message).toBe(want.actual)
    else expect(r?.actual, r?.message).toMatch(want.actual)
    for (const line of want.shows ?? []) expect(r?.message).toMatch(line)
  })

  it.each(MYSQL_ONLY)('%s is for MySQL only and says so on MariaDB', (id) => {
    for (const r of [results.first.get(id), results.second.get(id)])
      expect(r).toMatchObject({
        status: 'notapplicable',
        message: expect.stringMatching(/^Applies to mysql; this server is MariaDB 10\.11\.\d+/),
      })
  })

  it.each(TLS_OFF)('%s does not apply with TLS off, and says so', (id) => {
    expect(results.first.get(id)).toMatchObject({
      status: 'notapplicable',
      message: expect.stringMatching(/^TLS is off on this server \(have_ssl is not YES\)/),
    })
  })

  it('before the password plugin is installed, the length rule has nothing to read (not a pass)', () => {
    expect(results.first.get('my-password-min-length')).toMatchObject({
      status: 'notapplicable',
      message: expect.stringMatching(/Unknown system variable 'simple_password_check_minimal_length'/),
    })
    expect(results.second.get('my-password-check-plugin')).toMatchObject({ status: 'pass' })
  })
})

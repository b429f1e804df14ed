// Every rule of the built-in postgres-cis pack is shown to FAIL on a real PostgreSQL 15 server configured to
// break it (postgresql.conf settings, pg_hba.conf lines, roles, grants, a language, an extension, a function),
// scanned through the core like any target. The table below must cover every rule id of the pack, so a new
// rule without a failing case fails this suite; a rule that cannot be broken here says why and what it returns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import YAML from 'yaml'
import { createCore, type Core } from '../../src-main/core/app'
import { builtInPacks } from '../../src-main/core/rules/registry'
import type { Res } from '../../src-preload/contract'
import { startPostgres, stopAll, type PgService } from '../services/lib'
import { useTmpDirs } from '../helpers/tmp-dir'
import { call } from '../helpers/core'

/** postgresql.conf: each line breaks (at least) one setting rule; rule ids in the FAILS table below. */
const CONFIG = [
  'logging_collector = off',
  "log_destination = ''",
  "log_directory = ''",
  "log_filename = 'postgresql.log'",
  'log_file_mode = 0644',
  'log_truncate_on_rotation = off',
  'log_rotation_age = 0',
  'log_rotation_size = 0',
  'log_min_messages = error',
  'log_min_error_statement = panic',
  'debug_print_parse = on',
  'debug_print_rewritten = on',
  'debug_print_plan = on',
  'debug_pretty_print = off',
  'log_connections = off',
  'log_disconnections = off',
  'log_error_verbosity = terse',
  'log_hostname = on',
  "log_line_prefix = '%m '",
  "log_statement = 'none'",
  "log_timezone = 'Europe/Paris'",
  "shared_preload_libraries = ''",
  'log_checkpoints = off',
  'log_lock_waits = off',
  'log_temp_files = -1',
  'log_replication_commands = off',
  'ssl = off',
  "ssl_min_protocol_version = 'TLSv1'",
  "ssl_ciphers = 'HIGH:MEDIUM:+3DES:!aNULL'",
  'ssl_prefer_server_ciphers = off',
  'unix_socket_permissions = 0777',
  'authentication_timeout = 600',
  'idle_in_transaction_session_timeout = 0',
  'password_encryption = md5',
  'fsync = off',
  'full_page_writes = off',
  'archive_mode = off',
  'wal_level = minimal',
  // wal_level = minimal refuses to start while WAL senders are allowed.
  'max_wal_senders = 0',
  'row_security = off',
]

/**
 * pg_hba.conf. The server listens on every address (pg-listen-addresses), so the reject lines right after
 * the scanner's own line turn away every client off the loopback before any weak line below them is reached;
 * the weak lines name databases that do not exist. What the rules read is the file, line by line.
 */
const HBA = [
  'local all all peer',
  'host all all 127.0.0.1/32 scram-sha-256',
  'host all all 0.0.0.0/0 reject',
  'host all all ::/0 reject',
  'local dw_trust all trust',
  'host dw_md5 all 127.0.0.1/32 md5',
  'host dw_password all 127.0.0.1/32 password',
  'host dw_open all 0.0.0.0/0 scram-sha-256',
]
/** Appended after start, without a reload: the server keeps the file it loaded, pg_hba_file_rules reads this. */
const HBA_ERROR_LINE = 'hostssl all all 127.0.0.1/32 no-such-method'

/** Run as the superuser in the scanned database (postgres) before the scan. */
const SETUP_SQL = [
  // password_encryption = md5 in the configuration: this password is stored as an MD5 hash.
  "CREATE ROLE dw_md5 LOGIN PASSWORD 'weak-md5-password'",
  'CREATE ROLE dw_nopass LOGIN',
  "CREATE ROLE dw_forever LOGIN PASSWORD 'forever-password' VALID UNTIL 'infinity'",
  'CREATE ROLE dw_second_super SUPERUSER NOLOGIN',
  'CREATE ROLE dw_creator NOLOGIN CREATEROLE CREATEDB',
  'CREATE ROLE dw_files NOLOGIN',
  'GRANT pg_write_server_files TO dw_files',
  // SECURITY DEFINER in a user schema; EXECUTE goes to PUBLIC by default.
  "CREATE FUNCTION public.dw_definer() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'",
  // No plperlu/plpython3u package is installed here: an untrusted language (no TRUSTED) on plpgsql's handler
  // is the same pg_language row those would add.
  'CREATE LANGUAGE dw_untrusted HANDLER plpgsql_call_handler',
  'GRANT CREATE ON SCHEMA public TO PUBLIC',
  'CREATE TABLE public.dw_shared (id int)',
  'GRANT SELECT ON public.dw_shared TO PUBLIC',
  'CREATE EXTENSION dblink',
  'ALTER DATABASE template0 ALLOW_CONNECTIONS true',
]

interface Fails {
  /** The result's actual value on the broken server. */
  actual: string | RegExp
  /** For row rules: what the message must name (the objects this test broke), in any order. */
  shows?: RegExp[]
}

/** Rule id → how it reads on the broken server (each rule's cause is in CONFIG, HBA or SETUP_SQL above). */
const FAILS: Record<string, Fails> = {
  'pg-logging-collector': { actual: 'off' },
  'pg-log-destination': { actual: '' },
  'pg-log-directory': { actual: '' },
  'pg-log-filename': { actual: 'postgresql.log' },
  'pg-log-file-mode': { actual: '0644' },
  'pg-log-truncate-on-rotation': { actual: 'off' },
  'pg-log-rotation-age': { actual: '2147483647' },
  'pg-log-rotation-size': { actual: '0' },
  'pg-log-min-messages': { actual: 'error' },
  'pg-log-min-error-statement': { actual: 'panic' },
  'pg-debug-print-parse': { actual: 'on' },
  'pg-debug-print-rewritten': { actual: 'on' },
  'pg-debug-print-plan': { actual: 'on' },
  'pg-debug-pretty-print': { actual: 'off' },
  'pg-log-connections': { actual: 'off' },
  'pg-log-disconnections': { actual: 'off' },
  'pg-log-error-verbosity': { actual: 'terse' },
  'pg-log-hostname': { actual: 'on' },
  'pg-log-line-prefix': { actual: '%m ' },
  'pg-log-statement': { actual: 'none' },
  'pg-log-timezone': { actual: 'Europe/Paris' },
  'pg-pgaudit-loaded': { actual: '(empty)' },
  'pg-log-checkpoints': { actual: 'off' },
  'pg-log-lock-waits': { actual: 'off' },
  'pg-log-temp-files': { actual: '-1' },
  'pg-log-replication-commands': { actual: 'off' },
  'pg-ssl': { actual: 'off' },
  'pg-this-connection-encrypted': { actual: 'false' },
  'pg-listen-addresses': { actual: '*' },
  'pg-unix-socket-permissions': { actual: '0777' },
  'pg-authentication-timeout': { actual: '600' },
  'pg-idle-in-transaction-timeout': { actual: '0' },
  'pg-password-encryption': { actual: 'md5' },
  'pg-hba-no-trust': { actual: '1 rows', shows: [/database=dw_trust .*auth_method=trust/] },
  'pg-hba-no-md5-password': {
    actual: '2 rows',
    shows: [/database=dw_md5 .*auth_method=md5$/m, /database=dw_password .*auth_method=password$/m],
  },
  // The scanner's own host line, then the md5, password and open-address lines.
  'pg-hba-hostssl-only': { actual: '4 rows', shows: [/type=host database=all .*auth_method=scram-sha-256/] },
  'pg-hba-no-open-addresses': { actual: '1 rows', shows: [/address=0\.0\.0\.0 netmask=0\.0\.0\.0/] },
  'pg-hba-no-errors': { actual: '1 rows', shows: [/no-such-method/] },
  'pg-login-roles-scram': {
    actual: '2 rows',
    shows: [/^rolname=dw_md5 hash=md5$/m, /^rolname=dw_forever hash=md5$/m],
  },
  'pg-login-roles-have-passwords': { actual: '1 rows', shows: [/rolname=dw_nopass/] },
  'pg-password-valid-until-not-past': { actual: '1 rows', shows: [/rolname=dw_forever/] },
  'pg-superuser-count': { actual: '2 rows', shows: [/rolname=dw_second_super/] },
  'pg-elevated-role-attributes': { actual: '1 rows', shows: [/rolname=dw_creator/] },
  'pg-server-file-roles': { actual: '1 rows', shows: [/member=dw_files role=pg_write_server_files/] },
  // dblink brings two SECURITY DEFINER dblink_connect_u functions of its own (not executable by PUBLIC).
  'pg-security-definer-functions': { actual: '3 rows', shows: [/function=dw_definer/] },
  'pg-untrusted-languages': { actual: '1 rows', shows: [/lanname=dw_untrusted/] },
  'pg-public-schema-create': { actual: 'true' },
  'pg-public-table-grants': { actual: '1 rows', shows: [/table_name=dw_shared privilege_type=SELECT/] },
  'pg-public-function-execute-definer': { actual: '1 rows', shows: [/function=dw_definer/] },
  'pg-risky-extensions': { actual: /dblink/ },
  'pg-template0-no-connect': { actual: 'true' },
  'pg-passwordcheck-loaded': { actual: 'false' },
  'pg-fsync': { actual: 'off' },
  'pg-full-page-writes': { actual: 'off' },
  'pg-data-checksums': { actual: 'off' },
  'pg-archive-mode': { actual: 'off' },
  'pg-wal-level': { actual: 'minimal' },
  'pg-row-security': { actual: 'off' },
  'pg-unencrypted-client-connections': { actual: '1 rows', shows: [/client_addr=127\.0\.0\.1/] },
}

/** Rules no server on this machine can break, why, and what the built-in pack truly returns for them. */
// ssl = off here (pg-ssl fails): the TLS settings take no effect, so their rules are not applicable; they fail
// on a server with TLS on and weak settings in db-error-wording.test.ts.
const TLS_OFF = {
  reason: 'TLS is off on this server (pg-ssl fails): its TLS settings take no effect',
  status: 'notapplicable' as const,
  actual: /^$/,
}
const CANNOT_BREAK: Record<string, { reason: string; status: 'pass' | 'notapplicable'; actual: RegExp }> = {
  'pg-ssl-min-protocol': TLS_OFF,
  'pg-ssl-ciphers': TLS_OFF,
  'pg-ssl-prefer-server-ciphers': TLS_OFF,
  'pg-supported-version': {
    reason:
      'The only server installed is PostgreSQL 15, which is supported; the same rule fails under a stricter ' +
      'minimum an auditor can set (asserted below with a pack extending postgres-cis)',
    status: 'pass',
    actual: /^15\d{4}$/,
  },
}

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
let svc: PgService
let core: Core
let targetId: string
let scanned: Res<'scan.results'>
let byId: Map<string, Res<'scan.results'>['results'][number]>

async function scan(profileId?: string): Promise<Res<'scan.results'>> {
  const { scanId } = await call(core, 'scan.start', { targetId, profileId })
  await core.idle()
  return call(core, 'scan.results', { scanId })
}

beforeAll(async () => {
  svc = await startPostgres({ name: 'rules-fail', config: CONFIG, hba: HBA, listenAddresses: '*' })
  const admin = new pg.Client({ ...svc, ssl: false })
  await admin.connect()
  try {
    for (const sql of SETUP_SQL) await admin.query(sql)
  } finally {
    await admin.end()
  }
  appendFileSync(join(svc.dataDir, 'pg_hba.conf'), `${HBA_ERROR_LINE}\n`)

  core = createCore({
    face: 'cli',
    dataDir: tmp.make('dw-rules-fail-pg-'),
    unsafeKdfForTests: { N: 1024, r: 8, p: 1 },
  })
  await call(core, 'vault.init', { passphrase: 'rules fail passphrase' })
  const cred = await call(core, 'credentials.create', {
    credential: { kind: 'db-password', name: 'broken pg password', secret: { password: svc.password } },
  })
  const target = await call(core, 'targets.create', {
    target: {
      kind: 'postgres',
      name: 'broken pg',
      host: svc.host,
      port: svc.port,
      database: svc.database,
      user: svc.user,
      credentialId: cred.id,
      tls: 'disable',
      caFile: '',
    },
  })
  targetId = target.id
  scanned = await scan()
  byId = new Map(scanned.results.map((r) => [r.ruleId, r]))
}, 120_000)

afterAll(async () => {
  core?.close()
  await stopAll()
})

describe('postgres-cis on a PostgreSQL 15 server configured to break it', () => {
  it('has a failing case (or a stated reason) for every rule of the pack, and no other', () => {
    // The record of what each rule read on the broken server, for whoever reads the CI log.
    console.log(
      scanned.results.map((r) => `${r.ruleId.padEnd(36)} ${r.status.padEnd(14)} ${r.actual}`).join('\n'),
    )
    const covered = [...Object.keys(FAILS), ...Object.keys(CANNOT_BREAK)].sort()
    expect(covered).toEqual(packRuleIds('postgres-cis').sort())
    expect(Object.keys(FAILS).filter((id) => id in CANNOT_BREAK)).toEqual([])
    expect(scanned.scan.state, scanned.scan.error).toBe('done')
    expect(scanned.scan.profileId).toBe('postgres-cis')
    const manual = manualRuleIds('postgres-cis')
    expect(manual.length).toBeGreaterThan(0)
    expect(
      scanned.results
        .map((r) => r.ruleId)
        .filter((id) => !manual.includes(id))
        .sort(),
    ).toEqual(covered)
    for (const id of manual)
      expect(byId.get(id)).toMatchObject({
        status: 'notchecked',
        message: expect.stringMatching(/^Manual check: /),
      })
  })

  it.each(Object.entries(FAILS))('%s fails, with the value that breaks it', (id, want) => {
    const r = byId.get(id)
    expect({ id, status: r?.status, message: r?.status === 'fail' ? '' : r?.message }).toEqual({
      id,
      status: 'fail',
      message: '',
    })
    if (typeof want.actual === 'string') expect(r?.actual, r?.message).toBe(want.actual)
    else expect(r?.actual, r?.message).toMatch(want.actual)
    for (const line of want.shows ?? []) expect(r?.message).toMatch(line)
  })

  it.each(Object.entries(CANNOT_BREAK))('%s cannot be broken here and says what it is', (id, want) => {
    expect(want.reason).not.toBe('')
    expect(byId.get(id)).toMatchObject({ status: want.status, actual: expect.stringMatching(want.actual) })
  })

  it('pg-supported-version fails when the auditor asks for a newer major version than the server runs', async () => {
    await call(core, 'rules.import', {
      text: YAML.stringify({
        id: 'pg-needs-16',
        title: 'postgres-cis, PostgreSQL 16 or later',
        kind: 'postgres',
        extends: 'postgres-cis',
        values: { min_server_version_num: 160000 },
      }),
    })
    const strict = await scan('pg-needs-16')
    const r = strict.results.find((x) => x.ruleId === 'pg-supported-version')
    expect(r).toMatchObject({
      status: 'fail',
      actual: expect.stringMatching(/^15\d{4}$/),
      expected: '>= 160000',
    })
  })
})

// Targets, the vault's rows, known hosts, the audit log and the /metrics figures on both store engines: what a
// person relies on (names unique without regard to case, search, list order, labels, cascades, the vault's
// secrets and errors, an intact audit chain) reads the same on SQLite and on PostgreSQL.
import { beforeAll, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { rolldown } from 'rolldown'
import type { Sql } from '../../src-main/core/store/sql/engine'
import { violation } from '../../src-main/core/store/sql/engine'
import { TargetsRepo } from '../../src-main/core/store/targets'
import { VaultRepo } from '../../src-main/core/store/vault'
import { VaultMembersRepo } from '../../src-main/core/store/vault-members'
import { CredentialBindingsRepo } from '../../src-main/core/store/credential-bindings'
import { KnownHostsRepo } from '../../src-main/core/store/known-hosts'
import { TelemetryRepo } from '../../src-main/core/store/telemetry'
import { AuditLog } from '../../src-main/core/audit/log'
import { Vault, VaultError } from '../../src-main/core/vault/vault'
import type { TargetFields } from '../../src-preload/contract'
import { fakeClock } from '../helpers/core'
import { openStore } from '../../src-main/core/store/open'
import { systemClock } from '../../src-main/core/ports'
import { ENGINES, freshPostgresUrl, migratedSql } from '../helpers/engines'
import { useTmpDirs } from '../helpers/tmp-dir'
import { FAST_KDF, fakeTimers } from '../unit/vault/support'

const AT = '2026-12-01T00:00:00.000Z'
let next = 0
const target = (name: string, more: Partial<TargetFields> & { host?: string } = {}): TargetFields =>
  ({
    kind: 'ssh',
    name,
    description: '',
    tags: [],
    groups: [],
    host: `h${++next}.example`,
    ...more,
  }) as TargetFields

function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected an error')
}

describe.each(ENGINES)('targets on %s', (engine) => {
  let sql: Sql
  let repo: TargetsRepo
  const names = (list: { name: string }[]) => list.map((t) => t.name)
  beforeAll(async () => {
    sql = await migratedSql(engine)
    repo = new TargetsRepo(sql)
    repo.insert('t-billing', target('Billing DB', { host: 'DB.internal', description: 'Payments 100%' }), AT)
    repo.insert('t-100x', target('journal', { description: 'Payments 100x' }), AT)
    repo.insert('t-web_', target('web_front', { tags: ['web', 'PCI', 'pci'], groups: ['Edge'] }), AT)
    repo.insert('t-webx', target('webXfront', { tags: ['Prod'] }), AT)
    repo.insert('t-under', target('_under', { tags: ['prod'], groups: ['edge'] }), AT)
    repo.insert('t-zeta', target('Zeta'), AT)
  })

  it('keeps names unique without regard to case, and finds a target by any case of its name', () => {
    const err = thrown(() => repo.insert('t-dup', target('BILLING db'), AT))
    expect(violation(err)).toBe('unique')
    expect(repo.get('t-dup')).toBeUndefined()
    expect(repo.nameTaken('billing DB')).toBe(true)
    expect(repo.nameTaken('billing DB', 't-billing')).toBe(false)
    expect(repo.nameTaken('billing')).toBe(false)
    expect(repo.findByName('BILLING DB')?.id).toBe('t-billing')
  })

  it('lists by name without regard to case, and counts', () => {
    expect(names(repo.list())).toEqual(['_under', 'Billing DB', 'journal', 'web_front', 'webXfront', 'Zeta'])
    expect(repo.count()).toBe(6)
  })

  it('searches every word across name, host, description and labels, in any case, % and _ literally', () => {
    expect(names(repo.list({ query: 'BILLING' }))).toEqual(['Billing DB'])
    expect(names(repo.list({ query: 'db.INTERNAL' }))).toEqual(['Billing DB'])
    expect(names(repo.list({ query: 'payments' }))).toEqual(['Billing DB', 'journal'])
    expect(names(repo.list({ query: '100%' }))).toEqual(['Billing DB'])
    expect(names(repo.list({ query: 'web_' }))).toEqual(['web_front'])
    expect(names(repo.list({ query: 'pci' }))).toEqual(['web_front'])
    expect(names(repo.list({ query: 'front PROD' }))).toEqual(['webXfront'])
    expect(names(repo.list({ query: 'SSH edge' }))).toEqual(['_under', 'web_front'])
    expect(repo.list({ query: 'nowhere' })).toEqual([])
  })

  it('keeps a target’s tags in the order given, one per case, and filters by tag or group in any case', () => {
    expect(repo.get('t-web_')).toMatchObject({ tags: ['web', 'PCI'], groups: ['Edge'] })
    expect(names(repo.list({ tag: 'PROD' }))).toEqual(['_under', 'webXfront'])
    expect(names(repo.list({ group: 'EDGE', tag: 'pci' }))).toEqual(['web_front'])
    expect(repo.labels()).toEqual({ tags: ['PCI', 'Prod', 'web'], groups: ['Edge'] })
  })

  it('replaces labels on update, and a removed target takes its labels with it', () => {
    repo.insert('t-gone', target('gone', { tags: ['zz-temp', 'aa-temp'], groups: ['tmp'] }), AT)
    repo.update('t-gone', target('gone', { tags: ['mm-temp', 'aa-temp', 'AA-temp'], groups: [] }), AT)
    expect(repo.get('t-gone')).toMatchObject({ tags: ['mm-temp', 'aa-temp'], groups: [] })
    const labelRows = () =>
      sql.all(sql.q.selectFrom('target_labels').select('label').where('target_id', '=', 't-gone')).length
    expect(labelRows()).toBe(2)
    expect(repo.remove('t-gone')).toBe(true)
    expect(repo.remove('t-gone')).toBe(false)
    expect(labelRows()).toBe(0)
    expect(repo.labels().tags).not.toContain('mm-temp')
  })
})

describe.each(ENGINES)('the vault’s rows on %s', (engine) => {
  let sql: Sql
  const clock = fakeClock()
  beforeAll(async () => {
    sql = await migratedSql(engine)
  })

  it('keeps the vault record and a credential’s ciphertext byte for byte', () => {
    const repo = new VaultRepo(sql)
    const blob = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 37) % 256))
    const member = {
      id: 'm1',
      name: 'owner',
      secret_kind: 'passphrase' as const,
      header: 'h',
      checksum: 'c',
      wrapped_key: blob(40),
      added_at: AT,
      added_by: 'alice@laptop',
    }
    repo.create({ keyCheck: blob(32), autoLockMinutes: 5, at: AT, member })
    repo.rememberKey(blob(7))
    expect(new VaultMembersRepo(sql).byName('OWNER')).toEqual({
      ...member,
      bound: 1,
      failures: 0,
      last_failure_at: null,
      next_attempt_at: null,
    })
    expect(repo.row()).toEqual({
      key_check: blob(32),
      remembered_key: blob(7),
      auto_lock_minutes: 5,
    })
    expect(repo.forgetKey()).toBe(true)
    expect(repo.forgetKey()).toBe(false)
    repo.addCredential({
      id: 'c1',
      kind: 'db-password',
      name: 'beta',
      meta: '{}',
      ciphertext: blob(300),
      at: AT,
    })
    repo.addCredential({
      id: 'c2',
      kind: 'db-password',
      name: 'Alpha',
      meta: '{}',
      ciphertext: blob(1),
      at: AT,
    })
    expect(Buffer.isBuffer(repo.credential('c1')?.ciphertext)).toBe(true)
    expect(repo.credential('c1')?.ciphertext).toEqual(blob(300))
    expect(repo.credentials().map((c) => c.name)).toEqual(['Alpha', 'beta'])
    expect(repo.nameTaken('ALPHA')).toBe(true)
    const err = thrown(() =>
      repo.addCredential({
        id: 'c3',
        kind: 'db-password',
        name: 'BETA',
        meta: '{}',
        ciphertext: blob(1),
        at: AT,
      }),
    )
    expect(violation(err)).toBe('unique')
    repo.updateCredential('c1', {
      name: 'beta',
      meta: '{"x":1}',
      ciphertext: blob(9),
      at: '2026-12-02T00:00:00Z',
    })
    expect(repo.credential('c1')).toMatchObject({ ciphertext: blob(9), rotated_at: '2026-12-02T00:00:00Z' })
    const bindings = new CredentialBindingsRepo(sql)
    expect(bindings.atomically(() => bindings.add('c1', 'db:5432', 'first-use', AT))).toBe(true)
    expect(bindings.add('c1', 'db:5432', 'confirmed', AT)).toBe(false)
    expect(bindings.addresses('c1')).toEqual(['db:5432'])
    repo.removeCredential('c1')
    repo.removeCredential('c2')
    expect(repo.credentialCount()).toBe(0)
    expect(bindings.addresses('c1')).toEqual([])
    sql.run(sql.q.deleteFrom('vault'))
    sql.run(sql.q.deleteFrom('vault_members'))
  })

  it('stores and hands back a secret through the vault, and names a duplicate credential', async () => {
    const vault = new Vault(sql, { clock, timers: fakeTimers(clock), unsafeKdfForTests: FAST_KDF })
    try {
      await vault.init('correct horse battery staple')
      const id = vault.add('db-password', 'Billing', { username: 'ro' }, { password: 's3cret\u0000é' }).id
      const err = thrown(() => vault.add('db-password', 'BILLING', {}, { password: 'x' }))
      expect(err).toBeInstanceOf(VaultError)
      expect((err as VaultError).code).toBe('duplicate_name')
      const stored = sql.get(sql.q.selectFrom('credentials').select('ciphertext').where('id', '=', id))
      expect(stored?.ciphertext.includes(Buffer.from('s3cret'))).toBe(false)
      vault.lock('manual')
      await vault.unlock('correct horse battery staple')
      const got = await vault.withSecret(id, null, (s) => s.password?.toString('utf8'))
      expect(got).toBe('s3cret\u0000é')
    } finally {
      vault.close()
    }
  })
})

describe.each(ENGINES)('the audit log, known hosts and telemetry on %s', (engine) => {
  let sql: Sql
  beforeAll(async () => {
    sql = await migratedSql(engine)
  })

  it('chains every entry to the one before, verifies, and refuses to be changed', () => {
    const log = new AuditLog(sql, fakeClock(), 'cli')
    log.append({ action: 'vault.unlock', subject: 'vault' })
    log.append({ action: 'target.create', subject: 't-1', details: { name: 'web', ports: [22] } })
    const third = log.append({ action: 'target.remove', subject: 't-1' })
    const entries = log.entries()
    expect(entries.map((e) => [e.seq, e.action])).toEqual([
      [1, 'vault.unlock'],
      [2, 'target.create'],
      [3, 'target.remove'],
    ])
    expect(entries[1]?.details).toEqual({ name: 'web', ports: [22] })
    expect(entries[2]?.prevHash).toBe(entries[1]?.hash)
    expect(log.verify()).toEqual([])
    expect(log.head()).toEqual({ count: 3, hash: third.hash })
    expect(String(thrown(() => sql.run(sql.q.updateTable('audit_log').set({ actor: 'x' }))))).toMatch(
      /the audit log is append-only/,
    )
    expect(String(thrown(() => sql.run(sql.q.deleteFrom('audit_log').where('seq', '=', 2))))).toMatch(
      /the audit log is append-only/,
    )
    expect(log.verify()).toEqual([])
    expect(log.head().count).toBe(3)
  })

  it('pins a host key once per host:port and replaces it on a second pin', () => {
    const hosts = new KnownHostsRepo(sql)
    const pin = {
      host: 'b.example',
      port: 22,
      keyType: 'ssh-ed25519',
      fingerprint: 'SHA256:one',
      publicKey: 'AAA1',
      trustedAt: AT,
    }
    hosts.put(pin)
    hosts.put({ ...pin, host: 'a.example', port: 2222 })
    hosts.put({ ...pin, fingerprint: 'SHA256:two', publicKey: 'AAA2', trustedAt: '2026-12-02T00:00:00.000Z' })
    expect(hosts.get('b.example', 22)).toEqual({
      ...pin,
      fingerprint: 'SHA256:two',
      publicKey: 'AAA2',
      trustedAt: '2026-12-02T00:00:00.000Z',
    })
    expect(hosts.list().map((h) => `${h.host}:${h.port}`)).toEqual(['a.example:2222', 'b.example:22'])
    expect(hosts.remove('a.example', 2222)).toBe(true)
    expect(hosts.remove('a.example', 2222)).toBe(false)
    expect(hosts.get('a.example', 2222)).toBeUndefined()
  })

  it('counts rules by status per target, run states, and the alert outbox', () => {
    const { q } = sql
    const telemetry = new TelemetryRepo(sql)
    expect(telemetry.outbox()).toEqual({ sent: 0, failed: 0, pending: 0, failedAttempts: 0, throttled: 0 })
    new TargetsRepo(sql).insert('t1', target('one'), AT)
    sql.run(
      q
        .insertInto('scans')
        .values({ id: 's1', target_id: 't1', trigger: 'manual', state: 'done', started_at: AT }),
    )
    sql.run(
      q.insertInto('current_status').values(
        ['pass', 'pass', 'fail'].map((status, i) => ({
          target_id: 't1',
          rule_id: `r${i}`,
          scan_id: 's1',
          status,
          since: AT,
        })),
      ),
    )
    sql.run(
      q.insertInto('schedules').values({
        id: 'sc1',
        target_id: 't1',
        kind: 'interval',
        interval_minutes: 5,
        created_at: AT,
        updated_at: AT,
      }),
    )
    sql.run(
      q
        .insertInto('schedule_runs')
        .values({ schedule_id: 'sc1', target_id: 't1', next_run_at: AT, status: 'backoff' }),
    )
    sql.run(
      q
        .insertInto('alert_channels')
        .values({ id: 'ch', kind: 'webhook', name: 'hook', config: '{}', created_at: AT, updated_at: AT }),
    )
    const later = '2026-12-01T00:05:00.000Z'
    // Every row names every column: a multi-row insert fills a missing one with NULL on SQLite.
    const delivery = {
      channel_id: 'ch',
      target_id: 't1',
      next_attempt_at: AT,
      created_at: AT,
      last_error: '',
      test: 0,
    }
    sql.run(
      q.insertInto('alert_deliveries').values([
        { ...delivery, state: 'sent', attempts: 3 },
        { ...delivery, state: 'failed', attempts: 5, last_error: 'HTTP 500' },
        { ...delivery, state: 'pending', attempts: 0, next_attempt_at: later },
        { ...delivery, state: 'pending', attempts: 1, last_error: 'timeout' },
        { ...delivery, state: 'sent', attempts: 1, test: 1 },
      ]),
    )
    const byStatus = telemetry.rulesByStatus().sort((a, b) => a.status.localeCompare(b.status))
    expect(byStatus).toEqual([
      { targetId: 't1', status: 'fail', n: 1 },
      { targetId: 't1', status: 'pass', n: 2 },
    ])
    expect(telemetry.runs()).toEqual([{ status: 'backoff', nextRunAt: AT }])
    expect(telemetry.outbox()).toEqual({ sent: 1, failed: 1, pending: 2, failedAttempts: 8, throttled: 1 })
  })
})

const tmp = useTmpDirs('all')
const ROOT = join(import.meta.dirname, '../..')

/** The race child, bundled once with the engines' drivers left outside (found through NODE_PATH). */
let childJs: Promise<string> | undefined
function raceChild(): Promise<string> {
  childJs ??= (async () => {
    const file = join(tmp.make('dw-audit-race-'), 'audit-append-child.cjs')
    const bundle = await rolldown({
      input: join(import.meta.dirname, '../helpers/audit-append-child.ts'),
      platform: 'node',
      external: ['better-sqlite3', 'pg', /^node:/],
      logLevel: 'silent',
    })
    await bundle.write({ file, format: 'cjs' })
    await bundle.close()
    return file
  })()
  return childJs
}

function append(
  child: string,
  location: string,
  actor: string,
  count: number,
  startAt: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, location, actor, String(count), String(startAt)], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') },
    })
    let err = ''
    p.stderr.on('data', (d: Buffer) => (err += d.toString()))
    p.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${actor} exited with ${code}: ${err}`)),
    )
  })
}

describe.each(ENGINES)('the audit log appended by three processes at once on %s', (engine) => {
  it('keeps every entry in one unbroken chain', async () => {
    const location =
      engine === 'sqlite' ? join(tmp.make('dw-audit-race-store-'), 'store.db') : await freshPostgresUrl()
    openStore(location).close()
    const child = await raceChild()
    const PER = 60
    const startAt = Date.now() + 1500
    await Promise.all(['a', 'b', 'c'].map((actor) => append(child, location, actor, PER, startAt)))
    const sql = openStore(location)
    try {
      const log = new AuditLog(sql, systemClock, 'test')
      const entries = log.entries()
      expect(entries).toHaveLength(3 * PER)
      expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1))
      expect(new Set(entries.map((e) => e.actor))).toEqual(new Set(['a', 'b', 'c']))
      expect(log.verify()).toEqual([])
    } finally {
      sql.close()
    }
  }, 120_000)
})

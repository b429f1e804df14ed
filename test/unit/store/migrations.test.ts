// Covers the SQLite store's schema: pragmas on open, upgrading from every earlier version keeping the data,
// refusing data from a newer Driftwatch, and a failed migration leaving the store as it was.
import { describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { openDatabase, type Db } from '../../../src-main/core/store/db'
import { sqliteSql } from '../../../src-main/core/store/sql/sqlite'
import {
  LATEST_VERSION,
  migrate,
  migrations,
  schemaVersion,
  type Migration,
} from '../../../src-main/core/store/migrations'
import { TargetsRepo } from '../../../src-main/core/store/targets'
import { createCore } from '../../../src-main/core/app'
import { useTmpDirs } from '../../helpers/tmp-dir'

const tmp = useTmpDirs()
const dbFile = () => join(tmp.make('driftwatch-db-'), 'driftwatch.db')

/**
 * Data a person could have stored at schema version N, written with that version's own SQL (not today's
 * repositories), and what it must look like once upgraded to the latest schema. One entry per version that
 * introduced a table; a DB at version v holds the data of every seed up to v.
 */
interface Seed {
  insert(db: Db): void
  check(db: Db): void
}
const hasColumn = (db: Db, table: string, column: string) =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).some((c) => c.name === column)

const seeds: Record<number, Seed> = {
  1: {
    insert(db) {
      db.prepare(
        `INSERT INTO targets (id, name, kind, host, description, settings, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        'seed-ssh',
        'web-1',
        'ssh',
        '10.0.0.5',
        'front end',
        JSON.stringify({
          host: '10.0.0.5',
          port: 2222,
          user: 'auditor',
          auth: 'key',
          credentialId: null,
          sudo: 'password',
          sudoCredentialId: null,
        }),
        '2024-01-01T00:00:00.000Z',
        '2024-02-01T00:00:00.000Z',
      )
      const label = db.prepare('INSERT INTO target_labels (target_id, type, label) VALUES (?, ?, ?)')
      label.run('seed-ssh', 'tag', 'prod')
      label.run('seed-ssh', 'group', 'web')
    },
    check(db) {
      const repo = new TargetsRepo(sqliteSql(db))
      expect(repo.get('seed-ssh')).toEqual({
        id: 'seed-ssh',
        kind: 'ssh',
        name: 'web-1',
        description: 'front end',
        host: '10.0.0.5',
        port: 2222,
        user: 'auditor',
        auth: 'key',
        credentialId: null,
        sudo: 'password',
        sudoCredentialId: null,
        tags: ['prod'],
        groups: ['web'],
        createdAt: '2024-01-01T00:00:00.000Z',
        updatedAt: '2024-02-01T00:00:00.000Z',
      })
      expect(repo.list({ query: 'prod' }).map((t) => t.id)).toEqual(['seed-ssh'])
      expect(repo.labels()).toEqual({ tags: ['prod'], groups: ['web'] })
    },
  },
  2: {
    insert(db) {
      db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)').run(
        'ui.theme',
        '"dark"',
        '2030-01-01T00:00:00.000Z',
      )
    },
    check(db) {
      expect(db.prepare('SELECT value FROM settings WHERE key = ?').get('ui.theme')).toEqual({
        value: '"dark"',
      })
    },
  },
  3: {
    insert(db) {
      // From schema 20 the wrap of the data key is the first member's, as v20 leaves it.
      if (hasColumn(db, 'vault', 'header'))
        db.prepare(
          `INSERT INTO vault (id, header, checksum, wrapped_key, key_check, auto_lock_minutes, created_at, updated_at)
           VALUES (1, '{}', 'c', x'00', x'00', 30, 't', 't')`,
        ).run()
      else {
        db.prepare(
          `INSERT INTO vault (id, key_check, auto_lock_minutes, created_at, updated_at)
           VALUES (1, x'00', 30, 't', 't')`,
        ).run()
        db.prepare(
          `INSERT INTO vault_members (id, name, secret_kind, header, checksum, wrapped_key, bound, added_at)
           VALUES ('m-owner', 'owner', 'passphrase', '{}', 'c', x'00', 0, 't')`,
        ).run()
      }
      db.prepare(
        `INSERT INTO credentials (id, kind, name, meta, ciphertext, created_at, updated_at)
         VALUES ('cred-1', 'db-password', 'reader', '{"username":"ro"}', x'01', 't', 't')`,
      ).run()
    },
    check(db) {
      expect(db.prepare('SELECT auto_lock_minutes FROM vault').get()).toEqual({ auto_lock_minutes: 30 })
      // Schema 20: the vault's one wrap of its data key is now its first member's, and only there.
      expect(
        db
          .prepare(
            "SELECT name, secret_kind, header, checksum, wrapped_key, bound FROM vault_members WHERE name = 'owner'",
          )
          .all(),
      ).toEqual([
        {
          name: 'owner',
          secret_kind: 'passphrase',
          header: '{}',
          checksum: 'c',
          wrapped_key: Buffer.from([0]),
          bound: 0,
        },
      ])
      expect(Object.keys(db.prepare('SELECT * FROM vault').get() as object)).not.toContain('wrapped_key')
      expect(db.prepare('SELECT name, ciphertext FROM credentials').get()).toEqual({
        name: 'reader',
        ciphertext: Buffer.from([1]),
      })
    },
  },
  4: {
    insert(db) {
      db.prepare(
        `INSERT INTO content (sha256, file_name, source_path, bytes, scap_version, imported_at, summary, data, parsed)
         VALUES ('ab', 'ssg-x-ds.xml', '/x', 1, '1.3', 't', '[]', x'00', x'00')`,
      ).run()
      db.prepare(
        `INSERT INTO tailorings (id, name, content_sha256, benchmark_id, data, assigned, created_at, updated_at)
         VALUES ('t1', 'ACME', 'ab', 'b', '{}', '{"targets":[],"groups":[]}', 't', 't')`,
      ).run()
    },
    check(db) {
      expect(db.prepare('SELECT name FROM tailorings').get()).toEqual({ name: 'ACME' })
    },
  },
  5: {
    insert(db) {
      db.prepare(
        `INSERT INTO known_hosts (host, port, key_type, fingerprint, public_key, trusted_at)
         VALUES ('10.0.0.5', 22, 'ssh-ed25519', 'SHA256:abc', 'AAAA', 't')`,
      ).run()
    },
    check(db) {
      expect(db.prepare('SELECT fingerprint FROM known_hosts').get()).toEqual({ fingerprint: 'SHA256:abc' })
    },
  },
  6: {
    insert(db) {
      db.prepare(
        `INSERT INTO rule_packs (id, kind, title, pack, imported_at, updated_at)
         VALUES ('acme-pg', 'postgres', 'ACME', '{"id":"acme-pg"}', 't', 't')`,
      ).run()
    },
    check(db) {
      expect(db.prepare('SELECT id, kind FROM rule_packs').get()).toEqual({ id: 'acme-pg', kind: 'postgres' })
    },
  },
  7: {
    insert(db) {
      db.prepare(
        `INSERT INTO http_cache (key, etag, headers, gz, stored_at, used_at)
         VALUES ('GET https://api.github.com/orgs/acme', 'W/"e1"', '{}', x'00', 't', 't')`,
      ).run()
      db.prepare(
        `INSERT INTO github_repo_state (target_id, repo, pushed_at, updated_at, checked_at, pack, results)
         VALUES ('seed-ssh', 'acme/api', 'p', 'u', 't', 'github-baseline', '[]')`,
      ).run()
    },
    check(db) {
      expect(db.prepare('SELECT etag FROM http_cache').get()).toEqual({ etag: 'W/"e1"' })
      expect(db.prepare('SELECT repo FROM github_repo_state').get()).toEqual({ repo: 'acme/api' })
    },
  },
  8: {
    insert(db) {
      db.prepare(
        `INSERT INTO scans (id, target_id, trigger, state, started_at, finished_at, score)
         VALUES ('scan-7', 'seed-ssh', ?, 'done', 't', 't', 80)`,
      ).run(schemaVersion(db) < 13 ? 'watch' : 'schedule') // the scheduler's trigger, renamed by v13
      db.prepare(
        `INSERT INTO schedules (id, target_id, kind, interval_minutes, created_at, updated_at)
         VALUES ('sch-1', 'seed-ssh', 'interval', 60, 't', 't')`,
      ).run()
      db.prepare(
        `INSERT INTO drift_events (target_id, scan_id, rule_id, type, severity, from_status, to_status, at)
         VALUES ('seed-ssh', 'scan-7', 'rule-a', 'regression', 'high', 'pass', 'fail', 't')`,
      ).run()
      db.prepare(
        `INSERT INTO credentials (id, kind, name, meta, ciphertext, created_at, updated_at)
         VALUES ('cred-hook', 'alert-secret', 'Alert: hook', '{}', x'02', 't', 't')`,
      ).run()
    },
    check(db) {
      expect(db.prepare('SELECT interval_minutes FROM schedules').get()).toEqual({ interval_minutes: 60 })
      expect(db.prepare('SELECT type, to_status FROM drift_events').get()).toEqual({
        type: 'regression',
        to_status: 'fail',
      })
      expect(db.prepare("SELECT kind FROM credentials WHERE id = 'cred-hook'").get()).toEqual({
        kind: 'alert-secret',
      })
    },
  },
  9: {
    insert(db) {
      db.prepare(
        `INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash)
         VALUES (1, 't', 'cli', 'export', 'report.json', '{}', '00', 'h1')`,
      ).run()
      db.prepare(
        `INSERT INTO signing_keys (id, algorithm, public_key, sealed_private, created_at)
         VALUES ('k1', 'ed25519', 'PEM', x'01', 't')`,
      ).run()
    },
    check(db) {
      expect(db.prepare('SELECT action, hash FROM audit_log').get()).toEqual({ action: 'export', hash: 'h1' })
      expect(() => db.prepare("UPDATE audit_log SET action = 'x'").run()).toThrow(/append-only/)
      expect(db.prepare('SELECT public_key FROM signing_keys').get()).toEqual({ public_key: 'PEM' })
    },
  },
  10: {
    insert(db) {
      db.prepare(
        `INSERT INTO credential_bindings (credential_id, address, bound_at, how)
         VALUES ('cred-1', 'db.example:5432', 't', 'confirmed')`,
      ).run()
      if (hasColumn(db, 'vault', 'header'))
        db.prepare('UPDATE vault_control SET lock_generation = 4, failures = 2 WHERE id = 1').run()
      else {
        // From schema 20 the count is the member's.
        db.prepare('UPDATE vault_control SET lock_generation = 4 WHERE id = 1').run()
        db.prepare("UPDATE vault_members SET failures = 2 WHERE name = 'owner'").run()
      }
    },
    check(db) {
      expect(db.prepare("SELECT address FROM credential_bindings WHERE how = 'confirmed'").all()).toEqual([
        { address: 'db.example:5432' },
      ])
      // Schema 20: the wrong-passphrase count is the member's own; the owner keeps the vault's.
      expect(db.prepare('SELECT lock_generation, failures FROM vault_control').get()).toEqual({
        lock_generation: 4,
        failures: 0,
      })
      expect(db.prepare("SELECT failures FROM vault_members WHERE name = 'owner'").get()).toEqual({
        failures: 2,
      })
    },
  },
  11: {
    insert(db) {
      // v11 rebuilt targets without a kind CHECK: a kind only the registry knows is stored.
      db.prepare(
        `INSERT INTO targets (id, name, kind, settings, created_at, updated_at) VALUES ('seed-x', 'x', 'oracle', '{}', 't', 't')`,
      ).run()
    },
    check(db) {
      expect(db.prepare("SELECT kind FROM targets WHERE id = 'seed-x'").get()).toEqual({ kind: 'oracle' })
      // v13: the scheduler's scans read 'schedule'; scans record a policy, and targets an assigned pack.
      if (db.prepare("SELECT 1 FROM scans WHERE id = 'scan-7'").get())
        expect(db.prepare("SELECT trigger, policy FROM scans WHERE id = 'scan-7'").get()).toEqual({
          trigger: 'schedule',
          policy: '',
        })
      db.prepare(
        `INSERT INTO target_packs (target_id, pack_id, assigned_at) VALUES ('seed-x', 'p', 't')`,
      ).run()
      expect(db.prepare('SELECT pack_id FROM target_packs').get()).toEqual({ pack_id: 'p' })
    },
  },
  12: {
    insert() {
      // v12 added results.evidence_items; the results seeded before it read back with no evidence ('[]').
    },
    check(db) {
      const bad = db.prepare("SELECT COUNT(*) AS n FROM results WHERE evidence_items <> '[]'").get()
      expect(bad).toEqual({ n: 0 })
    },
  },
  13: {
    insert(db) {
      // v13: scans record the policy they ran.
      db.prepare(
        `INSERT INTO scans (id, target_id, trigger, state, started_at, tailoring_name, policy)
         VALUES ('scan-13', 'seed-ssh', 'cli', 'done', 't', 'ACME', 'fp')`,
      ).run()
    },
    check(db) {
      // v14 (exceptions, attestations) rebuilt drift_events; the scan keeps its policy, the new tables work.
      expect(db.prepare("SELECT tailoring_name, policy FROM scans WHERE id = 'scan-13'").get()).toEqual({
        tailoring_name: 'ACME',
        policy: 'fp',
      })
      db.prepare(
        `INSERT INTO exceptions (id, rule_pattern, scope, target_id, justification, approved_by, created_at,
           updated_at, expires_at)
         VALUES ('ex-1', 'rule-a', 'target', 'seed-x', 'accepted', 'CISO', 't', 't', '2030-01-01')`,
      ).run()
      expect(db.prepare('SELECT id, approved_by FROM exceptions').all()).toEqual([
        { id: 'ex-1', approved_by: 'CISO' },
      ])
    },
  },
  14: {
    insert(db) {
      // v14: a manual attestation, kept through v15 (which adds the rule-to-control mappings).
      db.prepare(
        `INSERT INTO attestations (id, target_id, rule_id, status, explanation, frequency, attested_by, attested_at,
           expires_at, created_at, updated_at)
         VALUES ('at-seed', 'seed-x', 'pg-manual-restore-tested', 'passed', 'drill', 'quarterly', 'DBA', 't', 'x', 't', 't')`,
      ).run()
    },
    check(db) {
      expect(db.prepare("SELECT rule_id, status FROM attestations WHERE id = 'at-seed'").get()).toEqual({
        rule_id: 'pg-manual-restore-tested',
        status: 'passed',
      })
      // v15 creates the mappings empty (the v15 seed adds the only row).
      expect(
        db.prepare("SELECT COUNT(*) AS n FROM rule_controls WHERE rule_id <> 'pg-log-connections'").get(),
      ).toEqual({ n: 0 })
    },
  },
  15: {
    insert(db) {
      // v15: a mapping, kept through v16 (which adds per-target control counts, empty until counted).
      db.prepare(
        `INSERT INTO rule_controls (source, rule_id, framework, control_id, family, label)
         VALUES ('pack:postgres-cis', 'pg-log-connections', 'nist-800-53', 'au-2', 'au', '')`,
      ).run()
    },
    check(db) {
      expect(db.prepare('SELECT rule_id, control_id FROM rule_controls').all()).toEqual([
        { rule_id: 'pg-log-connections', control_id: 'au-2' },
      ])
      // v16 creates the counts empty (the v16 seed adds the only row).
      expect(
        db.prepare("SELECT COUNT(*) AS n FROM target_control_counts WHERE version <> 'v'").get(),
      ).toEqual({ n: 0 })
    },
  },
  16: {
    insert(db) {
      // v16: a target's control counts, and a daily schedule kept through v17 (which rebuilds schedules for
      // weekly/monthly kinds and time zones): it keeps its runs and reads as before, in the computer's zone.
      db.prepare(
        `INSERT INTO target_control_counts (framework, target_id, version, counts)
         VALUES ('nist-800-53', 'seed-ssh', 'v', '{"c":[],"f":[],"l":[],"n":[]}')`,
      ).run()
      db.prepare(
        `INSERT INTO schedules (id, target_id, kind, daily_times, created_at, updated_at)
         VALUES ('sch-16', 'seed-ssh', 'daily', '["02:30"]', 't', 't')`,
      ).run()
      db.prepare(
        `INSERT INTO schedule_runs (schedule_id, target_id, next_run_at) VALUES ('sch-16', 'seed-ssh', 'n')`,
      ).run()
    },
    check(db) {
      expect(db.prepare("SELECT target_id FROM target_control_counts WHERE version = 'v'").get()).toEqual({
        target_id: 'seed-ssh',
      })
      expect(
        db.prepare("SELECT kind, daily_times, days, time_zone FROM schedules WHERE id = 'sch-16'").get(),
      ).toEqual({ kind: 'daily', daily_times: '["02:30"]', days: '[]', time_zone: '' })
      expect(db.prepare("SELECT next_run_at FROM schedule_runs WHERE schedule_id = 'sch-16'").get()).toEqual({
        next_run_at: 'n',
      })
    },
  },
  17: {
    insert(db) {
      db.prepare(
        `INSERT INTO schedules (id, group_name, kind, daily_times, days, time_zone, created_at, updated_at)
         VALUES ('sch-17', 'web', 'weekly', '["02:00"]', '[1]', 'Europe/Paris', 't', 't')`,
      ).run()
    },
    check(db) {
      expect(db.prepare("SELECT kind, days, time_zone FROM schedules WHERE id = 'sch-17'").get()).toEqual({
        kind: 'weekly',
        days: '[1]',
        time_zone: 'Europe/Paris',
      })
    },
  },
  18: {
    insert(db) {
      db.prepare(
        `INSERT INTO store_processes (id, face, host, pid, started_at, seen_at)
         VALUES ('proc-1', 'cli', 'laptop', 42, 't', 't')`,
      ).run()
      // v18: two scans started in the same millisecond, the later-stored one with the smaller id. v21 numbers
      // scans in the order they were stored, which is how the newest of the two is told.
      for (const id of ['scan-18-b', 'scan-18-a'])
        db.prepare(
          `INSERT INTO scans (id, target_id, trigger, state, started_at, finished_at)
           VALUES (?, 'seed-ssh', 'manual', 'done', '2030-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z')`,
        ).run(id)
    },
    check(db) {
      expect(db.prepare('SELECT id, host, pid FROM store_processes').all()).toEqual([
        { id: 'proc-1', host: 'laptop', pid: 42 },
      ])
      expect(
        db
          .prepare("SELECT id FROM scans WHERE id LIKE 'scan-18-%' ORDER BY seq")
          .all()
          .map((r) => (r as { id: string }).id),
      ).toEqual(['scan-18-b', 'scan-18-a'])
    },
  },
  19: {
    insert(db) {
      // v19: a delivery claimed by one sender keeps its claim through later migrations.
      db.prepare(
        `INSERT INTO alert_channels (id, kind, name, config, created_at, updated_at)
         VALUES ('ch-19', 'webhook', 'hook 19', '{"url":"https://hooks.example.com"}', 't', 't')`,
      ).run()
      db.prepare(
        `INSERT INTO alert_deliveries (channel_id, target_id, event_ids, state, next_attempt_at, created_at, claimed_by, claim_until)
         VALUES ('ch-19', 'seed-ssh', '[]', 'pending', 'n', 't', 'w-19', 'u')`,
      ).run()
    },
    check(db) {
      expect(
        db.prepare("SELECT claimed_by, claim_until FROM alert_deliveries WHERE channel_id = 'ch-19'").get(),
      ).toEqual({ claimed_by: 'w-19', claim_until: 'u' })
    },
  },
  20: {
    insert(db) {
      // v20: a second member of the vault, added by the first.
      db.prepare(
        `INSERT INTO vault_members (id, name, secret_kind, header, checksum, wrapped_key, added_at, added_by)
         VALUES ('m-20', 'worker east', 'key-file', 'hdr', 'sum', x'00', 't', 'owner')`,
      ).run()
    },
    check(db) {
      expect(db.prepare("SELECT name, added_by FROM vault_members WHERE id = 'm-20'").get()).toEqual({
        name: 'worker east',
        added_by: 'owner',
      })
    },
  },
}

const seedsUpTo = (v: number) =>
  migrations
    .filter((m) => m.version <= v)
    .map((m) => {
      const seed = seeds[m.version]
      if (!seed)
        throw new Error(
          `No seed for schema version ${m.version} ("${m.name}"): add one to seeds in this test`,
        )
      return seed
    })

describe('a fresh store', () => {
  it('reaches the latest schema with WAL journaling and foreign keys enforced', () => {
    const file = dbFile()
    const db = openDatabase(file)
    try {
      expect(schemaVersion(db)).toBe(LATEST_VERSION)
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
      expect(() =>
        db.prepare("INSERT INTO target_labels (target_id, type, label) VALUES ('ghost', 'tag', 'x')").run(),
      ).toThrow(/FOREIGN KEY/)
    } finally {
      db.close()
    }
  })

  it('reports its schema version through app.info', async () => {
    const core = createCore({ dataDir: tmp.make('driftwatch-core-'), face: 'cli' })
    try {
      const env = await core.invoke('app.info', {})
      expect(env).toMatchObject({ ok: true, data: { schemaVersion: LATEST_VERSION } })
    } finally {
      core.close()
    }
  })
})

describe('the migration list', () => {
  it('is numbered 1, 2, 3, … with no gap or repeat', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1))
    expect(LATEST_VERSION).toBe(migrations.length)
  })

  it('has a seed for every version a user could be upgrading from', () => {
    expect(() => seedsUpTo(LATEST_VERSION - 1)).not.toThrow()
  })
})

describe('migrates from every earlier version', () => {
  const earlier = Array.from({ length: LATEST_VERSION }, (_, v) => v)

  it.each(earlier)('from version %i to the latest, keeping the data', (v) => {
    const file = dbFile()
    const old = openDatabase(file, { targetVersion: v })
    try {
      expect(schemaVersion(old)).toBe(v)
      for (const seed of seedsUpTo(v)) seed.insert(old)
    } finally {
      old.close()
    }

    const db = openDatabase(file)
    try {
      expect(schemaVersion(db)).toBe(LATEST_VERSION)
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      expect(db.pragma('foreign_key_check')).toEqual([])
      for (const seed of seedsUpTo(v)) seed.check(db)
    } finally {
      db.close()
    }
  })
})

describe('refusals', () => {
  it('refuses a store written by a newer Driftwatch and leaves it untouched', () => {
    const file = dbFile()
    const raw = new Database(file)
    raw.pragma(`user_version = ${LATEST_VERSION + 1}`)
    raw.close()

    expect(() => openDatabase(file)).toThrow(
      `This data was written by a newer Driftwatch (schema ${LATEST_VERSION + 1}; ` +
        `this version knows ${LATEST_VERSION}). Update Driftwatch to open it.`,
    )
    const after = new Database(file, { readonly: true })
    try {
      expect(schemaVersion(after)).toBe(LATEST_VERSION + 1)
      expect(after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([])
    } finally {
      after.close()
    }
  })

  it('refuses it through createCore too, so every face shows the same message', () => {
    const dataDir = tmp.make('driftwatch-core-')
    const raw = new Database(join(dataDir, 'driftwatch.db'))
    raw.pragma(`user_version = ${LATEST_VERSION + 5}`)
    raw.close()
    expect(() => createCore({ dataDir, face: 'cli' })).toThrow(/newer Driftwatch.*Update Driftwatch/)
  })
})

describe('a migration that fails', () => {
  const half = (version: number, fail: boolean): Migration => ({
    version,
    name: `test migration ${version}`,
    up(db) {
      db.exec(`CREATE TABLE extra_${version} (x INTEGER) STRICT`)
      db.prepare("UPDATE targets SET description = 'changed by a migration'").run()
      if (fail) throw new Error('disk on fire')
    },
  })
  const tables = (db: Db) =>
    (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
      (r) => r.name,
    )

  it('leaves user_version, the tables and the data as they were', () => {
    const db = openDatabase(dbFile())
    try {
      seeds[1]?.insert(db)
      expect(() => migrate(db, undefined, [...migrations, half(LATEST_VERSION + 1, true)])).toThrow(
        'disk on fire',
      )
      expect(schemaVersion(db)).toBe(LATEST_VERSION)
      expect(tables(db)).not.toContain(`extra_${LATEST_VERSION + 1}`)
      expect(new TargetsRepo(sqliteSql(db)).get('seed-ssh')?.description).toBe('front end')
    } finally {
      db.close()
    }
  })

  it('keeps the migrations before it that succeeded, each in its own transaction', () => {
    const db = openDatabase(dbFile())
    try {
      const list = [...migrations, half(LATEST_VERSION + 1, false), half(LATEST_VERSION + 2, true)]
      expect(() => migrate(db, undefined, list)).toThrow('disk on fire')
      expect(schemaVersion(db)).toBe(LATEST_VERSION + 1)
      expect(tables(db)).toContain(`extra_${LATEST_VERSION + 1}`)
      expect(tables(db)).not.toContain(`extra_${LATEST_VERSION + 2}`)
    } finally {
      db.close()
    }
  })
})

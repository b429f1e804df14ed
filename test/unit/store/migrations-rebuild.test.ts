// Covers schema migrations that rebuild a table others reference (targets, credentials): a populated store,
// upgraded from every earlier version, keeps every scan, result, drift event, alert and evidence row, and a
// migration that would leave dangling references is undone with an error naming the tables.
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { openDatabase, type Db } from '../../../src-main/core/store/db'
import {
  LATEST_VERSION,
  MigrationError,
  migrate,
  migrations,
  schemaVersion,
  type Migration,
} from '../../../src-main/core/store/migrations'
import { createCore } from '../../../src-main/core/app'
import { callError } from '../../helpers/core'
import { useTmpDirs } from '../../helpers/tmp-dir'

const tmp = useTmpDirs()
const dbFile = () => join(tmp.make('driftwatch-rebuild-'), 'driftwatch.db')

const sha = (c: string) => c.repeat(64)
const run = (db: Db, sql: string, ...args: unknown[]) => db.prepare(sql).run(...args)

/**
 * Rows a person could have at each schema version, written with that version's SQL: every table that
 * references targets or credentials gets rows, so a cascade or a SET NULL during a rebuild would show.
 */
const populate: Record<number, (db: Db) => void> = {
  1(db) {
    const t = db.prepare(
      `INSERT INTO targets (id, name, kind, host, description, settings, created_at, updated_at)
       VALUES (?, ?, ?, ?, '', ?, 't0', 't1')`,
    )
    t.run('t-ssh', 'web-1', 'ssh', '10.0.0.5', '{"host":"10.0.0.5","port":22,"user":"auditor","auth":"key"}')
    t.run('t-pg', 'billing', 'postgres', 'db.internal', '{"host":"db.internal","port":5432,"user":"ro"}')
    t.run('t-gh', 'acme', 'github', '', '{"org":"acme","repos":[],"apiBaseUrl":"https://api.github.com"}')
    const l = db.prepare('INSERT INTO target_labels (target_id, type, label) VALUES (?, ?, ?)')
    l.run('t-ssh', 'tag', 'prod')
    l.run('t-ssh', 'group', 'web')
    l.run('t-pg', 'group', 'web')
  },
  2(db) {
    run(db, `INSERT INTO settings (key, value, updated_at) VALUES ('ui.theme', '"dark"', 't')`)
  },
  3(db) {
    // From schema 20 the wrap of the data key is the first member's, as v20 leaves it.
    const wrapInVault = (db.prepare('PRAGMA table_info(vault)').all() as { name: string }[]).some(
      (c) => c.name === 'header',
    )
    if (wrapInVault)
      run(
        db,
        `INSERT INTO vault (id, header, checksum, wrapped_key, key_check, created_at, updated_at)
         VALUES (1, '{}', 'c', x'00', x'00', 't', 't')`,
      )
    else {
      run(db, `INSERT INTO vault (id, key_check, created_at, updated_at) VALUES (1, x'00', 't', 't')`)
      run(
        db,
        `INSERT INTO vault_members (id, name, secret_kind, header, checksum, wrapped_key, bound, added_at)
         VALUES ('m-owner', 'owner', 'passphrase', '{}', 'c', x'00', 0, 't')`,
      )
    }
    const c = db.prepare(
      `INSERT INTO credentials (id, kind, name, meta, ciphertext, created_at, updated_at) VALUES (?, ?, ?, '{}', ?, 't', 't')`,
    )
    c.run('c-key', 'ssh-key', 'deploy key', Buffer.from([1, 2]))
    c.run('c-gh', 'github-token', 'acme token', Buffer.from([3]))
  },
  4(db) {
    run(
      db,
      `INSERT INTO content (sha256, file_name, source_path, bytes, scap_version, imported_at, summary, data, parsed)
       VALUES (?, 'ssg-x-ds.xml', '/x', 1, '1.3', 't', '[]', x'00', x'00')`,
      sha('c'),
    )
    run(
      db,
      `INSERT INTO tailorings (id, name, content_sha256, benchmark_id, data, assigned, created_at, updated_at)
       VALUES ('tl-1', 'ACME', ?, 'b', '{}', '{"targets":["t-ssh"],"groups":[]}', 't', 't')`,
      sha('c'),
    )
  },
  5(db) {
    run(
      db,
      `INSERT INTO known_hosts (host, port, key_type, fingerprint, public_key, trusted_at)
       VALUES ('10.0.0.5', 22, 'ssh-ed25519', 'SHA256:abc', 'AAAA', 't')`,
    )
    const e = db.prepare(
      'INSERT INTO evidence (sha256, media_type, bytes, gz, created_at) VALUES (?, ?, ?, ?, ?)',
    )
    e.run(sha('a'), 'application/xml+arf', 3, Buffer.from('arf'), 't')
    e.run(sha('b'), 'application/json', 4, Buffer.from('json'), 't')
    const s = db.prepare(
      `INSERT INTO scans (id, target_id, trigger, state, profile_id, tailoring_id, started_at, finished_at, score, counts, evidence, info)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}')`,
    )
    s.run(
      's1',
      't-ssh',
      'manual',
      'done',
      'standard',
      'tl-1',
      '2024-01-01',
      '2024-01-01',
      50,
      '{"pass":1,"fail":1}',
      sha('a'),
    )
    s.run(
      's2',
      't-ssh',
      // The scheduler's trigger, as written before v13 (when populating a store already at the latest version).
      schemaVersion(db) < 13 ? 'watch' : 'schedule',
      'done',
      'standard',
      null,
      '2024-01-02',
      '2024-01-02',
      0,
      '{"fail":2}',
      sha('a'),
    )
    s.run(
      's3',
      't-gh',
      'manual',
      'done',
      'github-baseline',
      null,
      '2024-01-03',
      '2024-01-03',
      100,
      '{"pass":1}',
      sha('b'),
    )
    s.run(
      's4',
      't-pg',
      'manual',
      'failed',
      'postgres-cis',
      null,
      '2024-01-04',
      '2024-01-04',
      null,
      '{}',
      null,
    )
    const r = db.prepare(
      `INSERT INTO results (scan_id, rule_id, status, severity, title, actual, expected, message, idents)
       VALUES (?, ?, ?, 'high', ?, ?, '', '', '[{"system":"cis","id":"1.1"}]')`,
    )
    r.run('s1', 'rule-a', 'pass', 'Rule A', 'on')
    r.run('s1', 'rule-b', 'fail', 'Rule B', 'off')
    r.run('s2', 'rule-a', 'fail', 'Rule A', 'off')
    r.run('s2', 'rule-b', 'fail', 'Rule B', 'off')
    r.run('s3', 'org-2fa-required', 'pass', '2FA', 'true')
    const c = db.prepare(
      `INSERT INTO current_status (target_id, rule_id, status, actual, scan_id, since) VALUES (?, ?, ?, ?, ?, ?)`,
    )
    c.run('t-ssh', 'rule-a', 'fail', 'off', 's2', '2024-01-02')
    c.run('t-ssh', 'rule-b', 'fail', 'off', 's2', '2024-01-01')
    c.run('t-gh', 'org-2fa-required', 'pass', 'true', 's3', '2024-01-03')
  },
  6(db) {
    run(
      db,
      `INSERT INTO rule_packs (id, kind, title, pack, imported_at, updated_at)
       VALUES ('acme-pg', 'postgres', 'ACME', '{"id":"acme-pg"}', 't', 't')`,
    )
  },
  7(db) {
    run(
      db,
      `INSERT INTO http_cache (key, etag, headers, gz, stored_at, used_at)
       VALUES ('GET https://api.github.com/orgs/acme', 'W/"e1"', '{}', x'00', 't', 't')`,
    )
    run(
      db,
      `INSERT INTO github_repo_state (target_id, repo, pushed_at, updated_at, checked_at, pack, results)
       VALUES ('t-gh', 'acme/api', 'p', 'u', 't', 'github-baseline', '[]')`,
    )
  },
  8(db) {
    run(
      db,
      `INSERT INTO credentials (id, kind, name, meta, ciphertext, created_at, updated_at)
       VALUES ('c-hook', 'alert-secret', 'Alert: hook', '{}', x'02', 't', 't')`,
    )
    run(
      db,
      `INSERT INTO schedules (id, target_id, kind, interval_minutes, created_at, updated_at)
       VALUES ('sch-1', 't-ssh', 'interval', 60, 't', 't')`,
    )
    run(
      db,
      `INSERT INTO schedules (id, group_name, kind, daily_times, created_at, updated_at)
       VALUES ('sch-2', 'web', 'daily', '["02:00"]', 't', 't')`,
    )
    const sr = db.prepare(
      `INSERT INTO schedule_runs (schedule_id, target_id, next_run_at, last_scan_id) VALUES (?, ?, 'n', ?)`,
    )
    sr.run('sch-1', 't-ssh', 's2')
    sr.run('sch-2', 't-ssh', 's2')
    sr.run('sch-2', 't-pg', null)
    run(db, `INSERT INTO watch_pauses (target_id, paused_at) VALUES ('t-pg', 't')`)
    const d = db.prepare(
      `INSERT INTO drift_events (target_id, scan_id, prev_scan_id, rule_id, type, severity, from_status, to_status, from_score, to_score, at)
       VALUES (?, ?, ?, ?, ?, 'high', ?, ?, ?, ?, ?)`,
    )
    d.run('t-ssh', 's2', 's1', 'rule-a', 'regression', 'pass', 'fail', null, null, '2024-01-02')
    d.run('t-ssh', 's2', 's1', '', 'score', '', '', 50, 0, '2024-01-02')
    d.run('t-gh', 's3', null, 'org-2fa-required', 'fixed', 'fail', 'pass', null, null, '2024-01-03')
    run(
      db,
      `INSERT INTO alert_channels (id, kind, name, config, credential_id, created_at, updated_at)
       VALUES ('ch-1', 'webhook', 'ops hook', '{"url":"https://hooks.example.com"}', 'c-hook', 't', 't')`,
    )
    const a = db.prepare(
      `INSERT INTO alerts (target_id, rule_id, event_id, state, opened_at, resolved_at, resolved_event) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    a.run('t-ssh', 'rule-a', 1, 'open', '2024-01-02', null, null)
    a.run('t-gh', 'org-2fa-required', 3, 'resolved', '2024-01-01', '2024-01-03', 3)
    run(
      db,
      `INSERT INTO alert_deliveries (channel_id, target_id, scan_id, event_ids, state, next_attempt_at, created_at)
       VALUES ('ch-1', 't-ssh', 's2', '[1]', 'pending', 'n', 't')`,
    )
  },
  9(db) {
    run(
      db,
      `INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash)
       VALUES (1, 't', 'cli', 'scan.start', 't-ssh', '{}', '00', 'h1')`,
    )
    run(
      db,
      `INSERT INTO signing_keys (id, algorithm, public_key, sealed_private, created_at) VALUES ('k1', 'ed25519', 'PEM', x'01', 't')`,
    )
  },
  10(db) {
    // credential_bindings references credentials ON DELETE CASCADE: a rebuild of credentials would show here.
    run(
      db,
      `INSERT OR IGNORE INTO credential_bindings (credential_id, address, bound_at, how)
       VALUES ('c-hook', 'https://hooks.example.com', 't', 'confirmed')`,
    )
    run(db, `UPDATE vault_control SET lock_generation = 3, failures = 2 WHERE id = 1`)
    run(
      db,
      `INSERT INTO vault_processes (id, pid, face, started_at, unlocked, seen_generation, updated_at)
       VALUES ('p1', 1, 'serve', 't', 1, 3, 't')`,
    )
  },
  11() {
    // v11 only rebuilt targets: the rows written above are what it must keep.
  },
  12(db) {
    run(
      db,
      `UPDATE results SET evidence_items = '[{"subject":"/etc/login.defs","setting":"PASS_MIN_LEN","found":[],"foundCount":0,"missing":"no line sets PASS_MIN_LEN","expected":"≥ 15","holds":false,"text":"/etc/login.defs: no line sets PASS_MIN_LEN; expected ≥ 15"}]'
       WHERE (scan_id, rule_id) IN (SELECT scan_id, rule_id FROM results ORDER BY scan_id, rule_id LIMIT 1)`,
    )
  },
  13(db) {
    run(db, `INSERT INTO target_packs (target_id, pack_id, assigned_at) VALUES ('t-pg', 'acme-pg', 't')`)
    run(
      db,
      `INSERT INTO scans (id, target_id, trigger, state, profile_id, tailoring_id, tailoring_name, tailoring_sha256,
         policy, started_at) VALUES ('s5', 't-ssh', 'group', 'running', 'standard', 'tl-1', 'ACME', ?, 'p', '2024-01-05')`,
      sha('d'),
    )
  },
  14(db) {
    // Exceptions reference targets and evidence; attestations too: a later rebuild of either would show here.
    run(
      db,
      `INSERT INTO exceptions (id, rule_pattern, scope, target_id, justification, approved_by, created_at, updated_at,
         expires_at, evidence, evidence_name)
       VALUES ('ex-1', 'rule-b', 'target', 't-ssh', 'accepted until the migration', 'CISO', 't', 't', '2030-01-01', ?, 'memo.pdf')`,
      sha('b'),
    )
    run(
      db,
      `INSERT INTO exceptions (id, rule_pattern, scope, group_name, justification, approved_by, created_at, updated_at, expires_at)
       VALUES ('ex-2', 'rule-*', 'group', 'web', 'legacy fleet', 'CISO', 't', 't', '2030-01-01')`,
    )
    run(
      db,
      `INSERT INTO attestations (id, target_id, rule_id, status, explanation, frequency, attested_by, attested_at,
         expires_at, created_at, updated_at)
       VALUES ('at-1', 't-pg', 'pg-manual-restore-tested', 'passed', 'drill on 2029-12-01', 'quarterly', 'DBA', 't', 'x', 't', 't')`,
    )
    run(
      db,
      `INSERT INTO drift_events (target_id, scan_id, rule_id, type, severity, from_status, to_status, at)
       VALUES ('t-ssh', 's2', 'rule-b', 'exception-expired', 'high', 'excepted', 'fail', '2030-01-01')`,
    )
  },
  15(db) {
    run(
      db,
      `INSERT INTO rule_controls (source, rule_id, framework, control_id, family, label)
       VALUES ('pack:postgres-cis', 'pg-log-connections', 'nist-800-53', 'au-2', 'au', '')`,
    )
    run(db, `INSERT INTO control_sources (source, digest, mapped_at) VALUES ('pack:postgres-cis', 'd', 't')`)
  },
  16(db) {
    run(
      db,
      `INSERT INTO target_control_counts (framework, target_id, version, counts)
       VALUES ('nist-800-53', 't-pg', 'v', '{"c":["au-2"],"f":["au"],"l":[""],"n":[1,0,0,0]}')`,
    )
  },
  17(db) {
    // v17 rebuilds schedules (weekly, monthly, a time zone): v8's schedules and their runs come through it.
    run(
      db,
      `INSERT INTO schedules (id, target_id, kind, daily_times, days, time_zone, created_at, updated_at)
       VALUES ('sch-3', 't-pg', 'monthly', '["06:00"]', '[1,31]', 'America/New_York', 't', 't')`,
    )
    run(db, `INSERT INTO schedule_runs (schedule_id, target_id, next_run_at) VALUES ('sch-3', 't-pg', 'n')`)
  },
  18(db) {
    run(
      db,
      `INSERT INTO store_processes (id, face, host, pid, started_at, seen_at) VALUES ('p-1', 'cli', 'h', 7, 't', 't')`,
    )
    run(
      db,
      `INSERT INTO scheduled_scans (schedule_id, target_id, due_at, worker, state, claimed_at)
       VALUES ('sch-3', 't-pg', 'n', 'p-1', 'claimed', 't')`,
    )
  },
  19(db) {
    run(
      db,
      `INSERT INTO alert_deliveries (channel_id, target_id, scan_id, event_ids, state, next_attempt_at, created_at, claimed_by, claim_until)
       VALUES ('ch-1', 't-pg', NULL, '[]', 'pending', 'n', 't', 'p-1', 'u')`,
    )
  },
  20(db) {
    run(
      db,
      `INSERT INTO vault_members (id, name, secret_kind, header, checksum, wrapped_key, added_at, added_by)
       VALUES ('m-2', 'worker east', 'key-file', 'hdr', 'sum', x'00', 't', 'owner')`,
    )
  },
}

/**
 * The rows as written before the migrations under test, read back as they must be after: a column a later
 * migration adds (with its default) is left out of the comparison, and v13 reads the scheduler's 'watch'
 * trigger as 'schedule'.
 */
function upgraded(table: string, before: unknown[], after: unknown[], from: number): [unknown[], unknown[]] {
  // v20 moves the vault's one wrap of its key to its first member, with the wrong-passphrase count.
  if (from < 20 && table === 'vault')
    before = before.map((r) => {
      const { header: _h, checksum: _c, wrapped_key: _w, ...rest } = r as Record<string, unknown>
      return rest
    })
  if (from < 20 && table === 'vault_control')
    before = before.map((r) => ({ ...(r as object), failures: 0, next_attempt_at: null }))
  const keys = Object.keys((before[0] ?? {}) as object)
  const pick = (r: unknown) => Object.fromEntries(keys.map((k) => [k, (r as Record<string, unknown>)[k]]))
  const sort = (rows: unknown[]) => rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
  const was = before.map((r) => {
    const row = r as Record<string, unknown>
    return table === 'scans' && from < 13
      ? { ...row, trigger: row.trigger === 'watch' ? 'schedule' : row.trigger }
      : row
  })
  return [sort(was), sort(after.map(pick))]
}

type Snapshot = Record<string, unknown[]>

/** Every row of every table, in a stable order: what "nothing was lost or changed" is compared on. */
function snapshot(db: Db): Snapshot {
  const tables = (
    db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all() as { name: string }[]
  ).map((r) => r.name)
  const key = (row: unknown) =>
    JSON.stringify(row, (_k, v: unknown) =>
      v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer'
        ? (v as { data: number[] }).data
        : v,
    )
  return Object.fromEntries(
    tables.map((t) => [
      t,
      db
        .prepare(`SELECT * FROM "${t}"`)
        .all()
        .sort((a, b) => key(a).localeCompare(key(b))),
    ]),
  )
}

const count = (db: Db, table: string) =>
  (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n

describe('upgrading a populated store through the rebuild of targets', () => {
  const earlier = Array.from({ length: LATEST_VERSION }, (_, v) => v)

  it('has rows to populate every version a user could be upgrading from', () => {
    for (const m of migrations.filter((x) => x.version < LATEST_VERSION))
      expect(populate[m.version], `populate[${m.version}] ("${m.name}")`).toBeTypeOf('function')
  })

  it.each(earlier)('from version %i keeps every row of every table', (v) => {
    const file = dbFile()
    const old = openDatabase(file, { targetVersion: v })
    let before: Snapshot
    try {
      for (const m of migrations.filter((x) => x.version <= v)) populate[m.version]?.(old)
      before = snapshot(old)
    } finally {
      old.close()
    }
    // The test is only as good as its data: from version 5 on there are scans to lose, from 8 on alerts.
    // v13's populate adds a fifth scan (one recording its policy).
    if (v >= 5) expect(before.scans).toHaveLength(v >= 13 ? 5 : 4)
    if (v >= 8) expect(before.alerts).toHaveLength(2)

    const db = openDatabase(file)
    try {
      expect(schemaVersion(db)).toBe(LATEST_VERSION)
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      expect(db.pragma('foreign_key_check')).toEqual([])
      const after = snapshot(db)
      for (const table of Object.keys(before)) {
        const [want, got] = upgraded(table, before[table]!, after[table]!, v)
        expect(got, table).toEqual(want)
      }
      if (v >= 5 && v < 12)
        expect(db.prepare('SELECT DISTINCT evidence_items FROM results').all()).toEqual([
          { evidence_items: '[]' },
        ])
      if (v >= 5) {
        expect(count(db, 'scans')).toBe(v >= 13 ? 5 : 4)
        expect(count(db, 'results')).toBe(5)
        expect(count(db, 'evidence')).toBe(2)
        expect(count(db, 'current_status')).toBe(3)
      }
      if (v >= 8) {
        expect(count(db, 'drift_events')).toBe(v >= 14 ? 4 : 3) // v14's populate adds an exception-expired event
        expect(count(db, 'alerts')).toBe(2)
        expect(count(db, 'alert_deliveries')).toBe(v >= 19 ? 2 : 1)
        expect(db.prepare("SELECT credential_id FROM alert_channels WHERE id = 'ch-1'").get()).toEqual({
          credential_id: 'c-hook',
        })
      }
      // Foreign keys still hold after the rebuild: deleting a target still takes its scans with it.
      if (v >= 5) {
        db.prepare("DELETE FROM targets WHERE id = 't-gh'").run()
        expect(db.prepare("SELECT id FROM scans WHERE target_id = 't-gh'").all()).toEqual([])
        expect(count(db, 'scans')).toBe(v >= 13 ? 4 : 3)
      }
    } finally {
      db.close()
    }
  })
})

describe('target kinds', () => {
  it('are no longer a CHECK in the schema, and the contract still refuses a kind no scanner has', async () => {
    const db = openDatabase(dbFile())
    try {
      // A kind added to the registry needs no migration.
      run(
        db,
        `INSERT INTO targets (id, name, kind, settings, created_at, updated_at) VALUES ('x', 'x', 'oracle', '{}', 't', 't')`,
      )
      expect(() =>
        run(
          db,
          `INSERT INTO targets (id, name, kind, settings, created_at, updated_at) VALUES ('y', 'y', '', '{}', 't', 't')`,
        ),
      ).toThrow(/CHECK constraint failed/)
    } finally {
      db.close()
    }
    const core = createCore({ dataDir: tmp.make('driftwatch-core-'), face: 'cli' })
    try {
      const message = 'Unknown target kind "oracle": expected one of local, ssh, postgres, mysql, github'
      const created = await callError(core, 'targets.create', {
        target: { kind: 'oracle', name: 'x' } as never,
      })
      expect(created.issues).toEqual([{ path: 'target.kind', message }])
      const updated = await callError(core, 'targets.update', {
        id: 'x',
        target: { kind: 'oracle', name: 'x' } as never,
      })
      expect(updated.issues).toEqual([{ path: 'target.kind', message }])
    } finally {
      core.close()
    }
  })
})

describe('a migration that would leave dangling references', () => {
  const orphaning: Migration = {
    version: LATEST_VERSION + 1,
    name: 'loses a target but not its scans',
    up(db) {
      db.prepare("DELETE FROM targets WHERE id = 't-ssh'").run()
    },
  }

  it('is undone with an error naming the tables, and foreign keys are enforced again', () => {
    // Populated as each version wrote it (v3's vault row has the wrap v20 moves), then upgraded.
    const file = dbFile()
    const old = openDatabase(file, { targetVersion: 18 })
    for (const m of migrations.filter((x) => x.version <= 18)) populate[m.version]?.(old)
    old.close()
    const db = openDatabase(file)
    try {
      const before = snapshot(db)
      let err: unknown
      try {
        migrate(db, undefined, [...migrations, orphaning])
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(MigrationError)
      expect((err as Error).message).toMatch(
        new RegExp(
          `^Schema migration ${LATEST_VERSION + 1} \\("loses a target but not its scans"\\) was undone: ` +
            'it would leave \\d+ row\\(s\\) referring to rows that no longer exist \\(.*scans → targets.*\\)\\. ' +
            'Your data is unchanged\\.$',
        ),
      )
      expect((err as Error).message).toContain('drift_events → targets')
      expect(schemaVersion(db)).toBe(LATEST_VERSION)
      expect(snapshot(db)).toEqual(before)
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    } finally {
      db.close()
    }
  })

  it('cannot start inside a transaction, where foreign keys could not be turned off', () => {
    const db = openDatabase(dbFile())
    try {
      expect(() => db.transaction(() => migrate(db, undefined, [...migrations, orphaning]))()).toThrow(
        'Migrations cannot run inside a transaction: foreign keys could not be turned off',
      )
      expect(schemaVersion(db)).toBe(LATEST_VERSION)
    } finally {
      db.close()
    }
  })
})

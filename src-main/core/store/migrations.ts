// Numbered schema migrations, each applied in its own transaction under PRAGMA user_version.
// Append only: a shipped migration is never edited; a change is a new entry at the end of the list.
import type Database from 'better-sqlite3'

export interface Migration {
  version: number
  name: string
  up(db: Database.Database): void
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'targets and their tags and groups',
    up(db) {
      db.exec(`
        CREATE TABLE targets (
          id          TEXT PRIMARY KEY,
          name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
          kind        TEXT NOT NULL CHECK (kind IN ('local', 'ssh', 'postgres', 'mysql', 'github')),
          host        TEXT NOT NULL DEFAULT '',
          description TEXT NOT NULL DEFAULT '',
          settings    TEXT NOT NULL CHECK (json_valid(settings)),
          created_at  TEXT NOT NULL,
          updated_at  TEXT NOT NULL
        ) STRICT;
        CREATE TABLE target_labels (
          target_id TEXT NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
          type      TEXT NOT NULL CHECK (type IN ('tag', 'group')),
          label     TEXT NOT NULL COLLATE NOCASE,
          PRIMARY KEY (target_id, type, label)
        ) STRICT;
        CREATE INDEX target_labels_by_label ON target_labels(type, label);
      `)
    },
  },
  {
    version: 2,
    name: 'application settings',
    up(db) {
      db.exec(`
        CREATE TABLE settings (
          key        TEXT PRIMARY KEY,
          value      TEXT NOT NULL CHECK (json_valid(value)),
          updated_at TEXT NOT NULL
        ) STRICT;
      `)
    },
  },
  {
    version: 3,
    name: 'encrypted credential vault',
    up(db) {
      // Only ciphertext of secrets is ever stored; metadata (names, user names, fingerprints) is not secret.
      db.exec(`
        CREATE TABLE vault (
          id                INTEGER PRIMARY KEY CHECK (id = 1),
          header            TEXT NOT NULL,
          checksum          TEXT NOT NULL,
          wrapped_key       BLOB NOT NULL,
          key_check         BLOB NOT NULL,
          remembered_key    BLOB,
          auto_lock_minutes INTEGER NOT NULL DEFAULT 15,
          created_at        TEXT NOT NULL,
          updated_at        TEXT NOT NULL
        ) STRICT;
        CREATE TABLE credentials (
          id         TEXT PRIMARY KEY,
          kind       TEXT NOT NULL CHECK (kind IN ('ssh-key', 'ssh-password', 'sudo-password', 'db-password',
                                                   'db-client-cert', 'github-token')),
          name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
          meta       TEXT NOT NULL CHECK (json_valid(meta)),
          ciphertext BLOB NOT NULL,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          rotated_at TEXT
        ) STRICT;
      `)
    },
  },
  {
    version: 4,
    name: 'SCAP content and tailorings',
    up(db) {
      db.exec(`
        CREATE TABLE content (
          sha256       TEXT PRIMARY KEY,
          file_name    TEXT NOT NULL,
          source_path  TEXT NOT NULL,
          bytes        INTEGER NOT NULL,
          scap_version TEXT NOT NULL,
          imported_at  TEXT NOT NULL,
          summary      TEXT NOT NULL CHECK (json_valid(summary)),
          data         BLOB NOT NULL,
          parsed       BLOB NOT NULL
        ) STRICT;
        CREATE TABLE tailorings (
          id             TEXT PRIMARY KEY,
          name           TEXT NOT NULL UNIQUE COLLATE NOCASE,
          content_sha256 TEXT NOT NULL REFERENCES content(sha256),
          benchmark_id   TEXT NOT NULL,
          data           TEXT NOT NULL CHECK (json_valid(data)),
          assigned       TEXT NOT NULL CHECK (json_valid(assigned)),
          created_at     TEXT NOT NULL,
          updated_at     TEXT NOT NULL
        ) STRICT;
      `)
    },
  },
  {
    version: 5,
    name: 'pinned host keys, scans, results, current status and evidence',
    up(db) {
      db.exec(`
        CREATE TABLE known_hosts (
          host        TEXT NOT NULL,
          port        INTEGER NOT NULL,
          key_type    TEXT NOT NULL,
          fingerprint TEXT NOT NULL,
          public_key  TEXT NOT NULL,
          trusted_at  TEXT NOT NULL,
          PRIMARY KEY (host, port)
        ) STRICT;
        CREATE TABLE evidence (
          sha256     TEXT PRIMARY KEY,
          media_type TEXT NOT NULL,
          bytes      INTEGER NOT NULL,
          gz         BLOB NOT NULL,
          created_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE scans (
          id           TEXT PRIMARY KEY,
          target_id    TEXT NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
          trigger      TEXT NOT NULL CHECK (trigger IN ('manual', 'watch')),
          state        TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed', 'interrupted', 'cancelled')),
          profile_id   TEXT NOT NULL DEFAULT '',
          tailoring_id TEXT,
          started_at   TEXT NOT NULL,
          finished_at  TEXT,
          error        TEXT NOT NULL DEFAULT '',
          score        REAL,
          counts       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(counts)),
          evidence     TEXT REFERENCES evidence(sha256),
          info         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(info))
        ) STRICT;
        CREATE INDEX scans_by_target ON scans(target_id, started_at);
        CREATE TABLE results (
          scan_id  TEXT NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
          rule_id  TEXT NOT NULL,
          status   TEXT NOT NULL CHECK (status IN ('pass', 'fail', 'error', 'unknown', 'notapplicable', 'notchecked',
                                                   'notselected', 'informational', 'fixed')),
          severity TEXT NOT NULL,
          title    TEXT NOT NULL,
          actual   TEXT NOT NULL DEFAULT '',
          expected TEXT NOT NULL DEFAULT '',
          message  TEXT NOT NULL DEFAULT '',
          idents   TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(idents)),
          PRIMARY KEY (scan_id, rule_id)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE current_status (
          target_id TEXT NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
          rule_id   TEXT NOT NULL,
          status    TEXT NOT NULL,
          actual    TEXT NOT NULL DEFAULT '',
          scan_id   TEXT NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
          since     TEXT NOT NULL,
          PRIMARY KEY (target_id, rule_id)
        ) STRICT, WITHOUT ROWID;
      `)
    },
  },
  {
    version: 6,
    name: 'custom rule packs for SQL targets',
    up(db) {
      db.exec(`
        CREATE TABLE rule_packs (
          id          TEXT PRIMARY KEY,
          kind        TEXT NOT NULL CHECK (kind IN ('postgres', 'mysql')),
          title       TEXT NOT NULL,
          pack        TEXT NOT NULL CHECK (json_valid(pack)),
          imported_at TEXT NOT NULL,
          updated_at  TEXT NOT NULL
        ) STRICT;
      `)
    },
  },
  {
    version: 7,
    name: 'GitHub: HTTP cache (ETags) and per-repository check state',
    up(db) {
      // http_cache: the last 200 of every conditional GET, so a 304 (free of rate-limit cost) reuses its body.
      // github_repo_state: what each repository looked like when last checked, so a watch re-checks only changed ones.
      db.exec(`
        CREATE TABLE http_cache (
          key        TEXT PRIMARY KEY,
          etag       TEXT NOT NULL,
          headers    TEXT NOT NULL CHECK (json_valid(headers)),
          gz         BLOB NOT NULL,
          stored_at  TEXT NOT NULL,
          used_at    TEXT NOT NULL
        ) STRICT;
        CREATE INDEX http_cache_by_use ON http_cache(used_at);
        CREATE TABLE github_repo_state (
          target_id  TEXT NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
          repo       TEXT NOT NULL,
          pushed_at  TEXT NOT NULL DEFAULT '',
          updated_at TEXT NOT NULL DEFAULT '',
          checked_at TEXT NOT NULL,
          pack       TEXT NOT NULL,
          results    TEXT NOT NULL CHECK (json_valid(results)),
          PRIMARY KEY (target_id, repo)
        ) STRICT, WITHOUT ROWID;
      `)
    },
  },
  {
    version: 8,
    name: 'watch: schedules, drift events, alert channels, alerts and their deliveries',
    up(db) {
      // Alert channels keep their secrets (HMAC key, Slack URL, SMTP password) in the vault as 'alert-secret'
      // credentials; the kind list is a CHECK, so the credentials table is rebuilt with the new kind.
      db.exec(`
        CREATE TABLE credentials_v7 (
          id         TEXT PRIMARY KEY,
          kind       TEXT NOT NULL CHECK (kind IN ('ssh-key', 'ssh-password', 'sudo-password', 'db-password',
                                                   'db-client-cert', 'github-token', 'alert-secret')),
          name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
          meta       TEXT NOT NULL CHECK (json_valid(meta)),
          ciphertext BLOB NOT NULL,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          rotated_at TEXT
        ) STRICT;
        INSERT INTO credentials_v7 SELECT id, kind, name, meta, ciphertext, created_at, updated_at, rotated_at FROM credentials;
        DROP TABLE credentials;
        ALTER TABLE credentials_v7 RENAME TO credentials;

        CREATE TABLE schedules (
          id               TEXT PRIMARY KEY,
          target_id        TEXT REFERENCES targets(id) ON DELETE CASCADE,
          group_name       TEXT COLLATE NOCASE,
          kind             TEXT NOT NULL CHECK (kind IN ('interval', 'daily')),
          interval_minutes INTEGER NOT NULL DEFAULT 0,
          daily_times      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(daily_times)),
          priority         INTEGER NOT NULL DEFAULT 0 CHECK (priority IN (0, 1)),
          jitter_seconds   INTEGER NOT NULL DEFAULT 0,
          request          TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(request)),
          paused           INTEGER NOT NULL DEFAULT 0,
          created_at       TEXT NOT NULL,
          updated_at       TEXT NOT NULL,
          CHECK ((target_id IS NULL) <> (group_name IS NULL))
        ) STRICT;
        -- One row per schedule and target it covers: when it runs next, how the last run went, backoff.
        CREATE TABLE schedule_runs (
          schedule_id  TEXT NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
          target_id    TEXT NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
          next_run_at  TEXT NOT NULL,
          last_run_at  TEXT,
          last_scan_id TEXT,
          status       TEXT NOT NULL DEFAULT 'waiting'
                       CHECK (status IN ('waiting', 'running', 'backoff', 'vault_locked', 'unavailable')),
          detail       TEXT NOT NULL DEFAULT '',
          failures     INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (schedule_id, target_id)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE watch_pauses (
          target_id TEXT PRIMARY KEY REFERENCES targets(id) ON DELETE CASCADE,
          paused_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE drift_events (
          id            INTEGER PRIMARY KEY AUTOINCREMENT,
          target_id     TEXT NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
          scan_id       TEXT NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
          prev_scan_id  TEXT REFERENCES scans(id) ON DELETE SET NULL,
          rule_id       TEXT NOT NULL DEFAULT '',
          type          TEXT NOT NULL CHECK (type IN ('regression', 'fixed', 'new-failing', 'value', 'score')),
          severity      TEXT NOT NULL,
          title         TEXT NOT NULL DEFAULT '',
          from_status   TEXT NOT NULL DEFAULT '',
          to_status     TEXT NOT NULL DEFAULT '',
          from_actual   TEXT NOT NULL DEFAULT '',
          to_actual     TEXT NOT NULL DEFAULT '',
          from_score    REAL,
          to_score      REAL,
          at            TEXT NOT NULL,
          UNIQUE (scan_id, rule_id, type)
        ) STRICT;
        CREATE INDEX drift_events_by_target ON drift_events(target_id, at);
        CREATE INDEX drift_events_by_at ON drift_events(at);
        CREATE TABLE alert_channels (
          id               TEXT PRIMARY KEY,
          kind             TEXT NOT NULL CHECK (kind IN ('webhook', 'slack', 'github-issue', 'email')),
          name             TEXT NOT NULL UNIQUE COLLATE NOCASE,
          enabled          INTEGER NOT NULL DEFAULT 1,
          config           TEXT NOT NULL CHECK (json_valid(config)),
          credential_id    TEXT REFERENCES credentials(id) ON DELETE SET NULL,
          throttle_minutes INTEGER NOT NULL DEFAULT 0,
          created_at       TEXT NOT NULL,
          updated_at       TEXT NOT NULL
        ) STRICT;
        -- An alert is open while its rule keeps failing (no repeat), and resolves when the rule passes again.
        CREATE TABLE alerts (
          id              INTEGER PRIMARY KEY AUTOINCREMENT,
          target_id       TEXT NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
          rule_id         TEXT NOT NULL,
          event_id        INTEGER NOT NULL REFERENCES drift_events(id) ON DELETE CASCADE,
          state           TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
          opened_at       TEXT NOT NULL,
          acknowledged_at TEXT,
          resolved_at     TEXT,
          resolved_event  INTEGER REFERENCES drift_events(id) ON DELETE SET NULL
        ) STRICT;
        CREATE UNIQUE INDEX alerts_one_open ON alerts(target_id, rule_id) WHERE state <> 'resolved';
        -- The outbox: written in the scan's commit, so a crash can neither lose nor repeat a message.
        CREATE TABLE alert_deliveries (
          id              INTEGER PRIMARY KEY AUTOINCREMENT,
          channel_id      TEXT NOT NULL REFERENCES alert_channels(id) ON DELETE CASCADE,
          target_id       TEXT REFERENCES targets(id) ON DELETE CASCADE,
          scan_id         TEXT REFERENCES scans(id) ON DELETE CASCADE,
          event_ids       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(event_ids)),
          test            INTEGER NOT NULL DEFAULT 0,
          state           TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
          attempts        INTEGER NOT NULL DEFAULT 0,
          next_attempt_at TEXT NOT NULL,
          last_error      TEXT NOT NULL DEFAULT '',
          created_at      TEXT NOT NULL,
          sent_at         TEXT,
          UNIQUE (channel_id, scan_id)
        ) STRICT;
        CREATE INDEX alert_deliveries_pending ON alert_deliveries(state, next_attempt_at);
      `)
    },
  },
  {
    version: 9,
    name: 'audit log and the report signing key',
    up(db) {
      // The audit log is append-only twice over: triggers refuse UPDATE and DELETE, and each entry carries the
      // hash of the one before, so an entry changed or removed behind SQLite's back still shows.
      // The signing key's private half is sealed under the vault's data key; only its public half is readable.
      db.exec(`
        CREATE TABLE audit_log (
          seq       INTEGER PRIMARY KEY,
          at        TEXT NOT NULL,
          actor     TEXT NOT NULL,
          action    TEXT NOT NULL,
          subject   TEXT NOT NULL DEFAULT '',
          details   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details)),
          prev_hash TEXT NOT NULL,
          hash      TEXT NOT NULL UNIQUE
        ) STRICT;
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TABLE signing_keys (
          id             TEXT PRIMARY KEY,
          algorithm      TEXT NOT NULL CHECK (algorithm = 'ed25519'),
          public_key     TEXT NOT NULL,
          sealed_private BLOB NOT NULL,
          created_at     TEXT NOT NULL
        ) STRICT;
      `)
    },
  },
  {
    version: 10,
    name: 'credential address bindings, cross-process vault lock, passphrase backoff',
    up(db) {
      // credential_bindings: the addresses a credential may be handed out for (host:port, or a GitHub API
      // base URL); another address needs the passphrase again. Credentials already in use are bound to the
      // addresses of the targets using them now (the same normal form as vault/bindings.ts addressOf).
      // vault_control: one row shared by every process on this data folder: a lock generation that
      // `driftwatch vault lock` bumps, and the wrong-passphrase count behind the backoff.
      // vault_processes: the running processes that hold the vault, so a lock can say who it reached.
      db.exec(`
        CREATE TABLE credential_bindings (
          credential_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
          address       TEXT NOT NULL,
          bound_at      TEXT NOT NULL,
          how           TEXT NOT NULL CHECK (how IN ('existing', 'first-use', 'confirmed')),
          PRIMARY KEY (credential_id, address)
        ) STRICT;
        CREATE TABLE vault_control (
          id                INTEGER PRIMARY KEY CHECK (id = 1),
          lock_generation   INTEGER NOT NULL DEFAULT 0,
          failures          INTEGER NOT NULL DEFAULT 0,
          last_failure_at   TEXT,
          next_attempt_at   TEXT
        ) STRICT;
        INSERT INTO vault_control (id) VALUES (1);
        CREATE TABLE vault_processes (
          id              TEXT PRIMARY KEY,
          pid             INTEGER NOT NULL,
          face            TEXT NOT NULL,
          started_at      TEXT NOT NULL,
          unlocked        INTEGER NOT NULL DEFAULT 0,
          seen_generation INTEGER NOT NULL DEFAULT 0,
          updated_at      TEXT NOT NULL
        ) STRICT;
        INSERT OR IGNORE INTO credential_bindings (credential_id, address, bound_at, how)
          WITH t AS (
            SELECT kind, settings,
                   replace(replace(lower(host), '[', ''), ']', '') AS h,
                   json_extract(settings, '$.port') AS port
              FROM targets WHERE kind IN ('ssh', 'postgres', 'mysql', 'github')
          ), a AS (
            SELECT json_extract(settings, '$.credentialId') AS credential_id,
                   CASE WHEN kind = 'github'
                        THEN rtrim(lower(coalesce(json_extract(settings, '$.apiBaseUrl'),
                                                  'https://api.github.com')), '/')
                        ELSE (CASE WHEN instr(h, ':') > 0 THEN '[' || h || ']' ELSE h END) || ':' || port
                   END AS address
              FROM t
            UNION
            SELECT json_extract(settings, '$.sudoCredentialId'),
                   (CASE WHEN instr(h, ':') > 0 THEN '[' || h || ']' ELSE h END) || ':' || port
              FROM t WHERE kind = 'ssh'
          )
          SELECT c.id, a.address, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'existing'
            FROM a JOIN credentials c ON c.id = a.credential_id;
        `)
    },
  },
  {
    version: 11,
    name: 'target kinds checked by the registry of scanners, not by the schema',
    up(db) {
      // A CHECK cannot change in place: the table is rebuilt (SQLite's "other kinds of table schema changes").
      // Ten tables reference targets ON DELETE CASCADE; the runner turns foreign keys off around this migration,
      // so dropping the old table deletes nothing, and checks every reference before it commits.
      db.exec(`
        CREATE TABLE targets_v11 (
          id          TEXT PRIMARY KEY,
          name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
          kind        TEXT NOT NULL CHECK (kind <> ''),
          host        TEXT NOT NULL DEFAULT '',
          description TEXT NOT NULL DEFAULT '',
          settings    TEXT NOT NULL CHECK (json_valid(settings)),
          created_at  TEXT NOT NULL,
          updated_at  TEXT NOT NULL
        ) STRICT;
        INSERT INTO targets_v11 (id, name, kind, host, description, settings, created_at, updated_at)
          SELECT id, name, kind, host, description, settings, created_at, updated_at FROM targets;
        DROP TABLE targets;
        ALTER TABLE targets_v11 RENAME TO targets;
      `)
    },
  },
]

export const LATEST_VERSION = migrations.at(-1)?.version ?? 0

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

/** A migration that would leave rows pointing at rows that are gone; nothing of it was kept. */
export class MigrationError extends Error {}

/**
 * Brings `db` up to `target`; `list` is a parameter so tests can add a failing or future migration.
 *
 * Each migration runs in its own transaction with foreign keys off, as SQLite prescribes for table rebuilds:
 * with them on, dropping a parent table (to change a CHECK) deletes every row that references it, in cascade.
 * The pragma is a no-op inside a transaction, so it is switched outside, and every reference is checked
 * before the migration commits.
 */
export function migrate(
  db: Database.Database,
  target?: number,
  list: readonly Migration[] = migrations,
): void {
  const latest = list.at(-1)?.version ?? 0
  const current = schemaVersion(db)
  if (current > latest) {
    throw new Error(
      `This data was written by a newer Driftwatch (schema ${current}; this version knows ${latest}). ` +
        'Update Driftwatch to open it.',
    )
  }
  const pending = list.filter((m) => m.version > current && m.version <= (target ?? latest))
  if (pending.length === 0) return
  if (db.inTransaction)
    throw new Error('Migrations cannot run inside a transaction: foreign keys could not be turned off')
  const enforced = db.pragma('foreign_keys', { simple: true }) === 1
  db.pragma('foreign_keys = OFF')
  try {
    for (const m of pending) {
      db.transaction(() => {
        m.up(db)
        const broken = db.pragma('foreign_key_check') as { table: string; parent: string }[]
        if (broken.length > 0) {
          const where = [...new Set(broken.map((b) => `${b.table} → ${b.parent}`))].join(', ')
          throw new MigrationError(
            `Schema migration ${m.version} ("${m.name}") was undone: it would leave ${broken.length} ` +
              `row(s) referring to rows that no longer exist (${where}). Your data is unchanged.`,
          )
        }
        db.pragma(`user_version = ${m.version}`)
      })()
    }
  } finally {
    if (enforced) db.pragma('foreign_keys = ON')
  }
}

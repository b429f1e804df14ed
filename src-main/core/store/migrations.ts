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
]

export const LATEST_VERSION = migrations.at(-1)?.version ?? 0

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

/** Brings `db` up to `target`; `list` is a parameter so tests can add a failing or future migration. */
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
  for (const m of list) {
    if (m.version <= current || m.version > (target ?? latest)) continue
    db.transaction(() => {
      m.up(db)
      db.pragma(`user_version = ${m.version}`)
    })()
  }
}

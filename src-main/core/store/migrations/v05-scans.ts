// Schema migration 5: pinned host keys, scans, results, current status and evidence. Shipped: never edited; a change is a new migration.
import type { Migration } from './migration'

export const v05: Migration = {
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
}

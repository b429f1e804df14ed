// Schema migration 9: audit log and the report signing key. Shipped: never edited; a change is a new migration.
import type { Migration } from './migration'

export const v09: Migration = {
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
}

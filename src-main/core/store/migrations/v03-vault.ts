// Schema migration 3: encrypted credential vault. Shipped: never edited; a change is a new migration.
import type { Migration } from './migration'

export const v03: Migration = {
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
}

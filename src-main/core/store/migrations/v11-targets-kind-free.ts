// Schema migration 11: target kinds checked by the registry of scanners, not by the schema. Shipped: never edited; a change is a new migration.
import type { Migration } from './migration'

export const v11: Migration = {
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
}

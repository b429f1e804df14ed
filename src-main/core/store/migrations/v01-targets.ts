// Schema migration 1: targets and their tags and groups. Shipped: never edited; a change is a new migration.
import type { Migration } from './migration'

export const v01: Migration = {
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
}

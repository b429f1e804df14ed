// Schema migration 6: custom rule packs for SQL targets. Shipped: never edited; a change is a new migration.
import type { Migration } from './migration'

export const v06: Migration = {
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
}

// Schema migration 2: application settings. Shipped: never edited; a change is a new migration.
import type { Migration } from './migration'

export const v02: Migration = {
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
}

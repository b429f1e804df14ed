// Schema migration 4: SCAP content and tailorings. Shipped: never edited; a change is a new migration.
import type { Migration } from './migration'

export const v04: Migration = {
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
}

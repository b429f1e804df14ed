// Schema migration 21: the order in which scans were created (scans.seq), on both engines. Two scans that start
// in the same millisecond (a group scan, two watchers, a fixed clock) are told apart by it wherever the newest
// scan or a target's history is read: SQLite's rowid kept that order, PostgreSQL has no such column and fell
// back on the random scan id. The store numbers each new scan (max + 1 under a lock, store/scans.ts); scans
// already stored are numbered in the order each engine kept them. Shipped: never edited.
import type { Migration } from './migration'

const SQLITE = `
  ALTER TABLE scans ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
  UPDATE scans SET seq = rowid;
  CREATE INDEX scans_by_seq ON scans(seq);
`

// PostgreSQL kept no creation order: its scans are numbered by start, then the one still running last, then id
// (the order the store read them in until now).
const POSTGRES = `
  ALTER TABLE scans ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
  UPDATE scans SET seq = o.n
    FROM (SELECT id, row_number() OVER (ORDER BY started_at, finished_at NULLS LAST, id) AS n FROM scans) o
   WHERE scans.id = o.id;
  CREATE INDEX scans_by_seq ON scans(seq);
`

export const v21: Migration = {
  version: 21,
  name: 'scans numbered in the order they were created',
  up(db) {
    db.exec(SQLITE)
  },
  postgres(sql) {
    sql.exec(POSTGRES)
  },
}

// Schema migration 18: many watchers on one store. Each due run is claimed by one process with a lease it
// renews while the scan runs (schedule_runs.claimed_by, claim_until); each due time's scan is recorded once
// (scheduled_scans: the database, not the scheduler, makes a second record for the same due time impossible,
// and a scan commits only while its record still names it); every process on the store says who it is and
// that it is alive (store_processes), so a scan left 'running' by a process that died is known as such.
// Shipped: never edited.
import type { Migration } from './migration'

const SQLITE = `
  ALTER TABLE schedule_runs ADD COLUMN claimed_by TEXT;
  ALTER TABLE schedule_runs ADD COLUMN claim_until TEXT;
  ALTER TABLE scans ADD COLUMN runner TEXT;
  CREATE TABLE store_processes (
    id         TEXT PRIMARY KEY,
    face       TEXT NOT NULL,
    host       TEXT NOT NULL,
    pid        INTEGER NOT NULL,
    only_kinds TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(only_kinds)),
    tags       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
    started_at TEXT NOT NULL,
    seen_at    TEXT NOT NULL
  ) STRICT;
  CREATE TABLE scheduled_scans (
    schedule_id TEXT NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
    target_id   TEXT NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
    due_at      TEXT NOT NULL,
    worker      TEXT NOT NULL,
    scan_id     TEXT REFERENCES scans(id) ON DELETE SET NULL,
    state       TEXT NOT NULL CHECK (state IN ('claimed', 'running', 'done', 'failed', 'cancelled')),
    attempts    INTEGER NOT NULL DEFAULT 1,
    claimed_at  TEXT NOT NULL,
    finished_at TEXT,
    PRIMARY KEY (schedule_id, target_id, due_at)
  ) STRICT;
  CREATE UNIQUE INDEX scheduled_scans_by_scan ON scheduled_scans(scan_id);
`

const POSTGRES = `
  ALTER TABLE schedule_runs ADD COLUMN claimed_by TEXT COLLATE "C";
  ALTER TABLE schedule_runs ADD COLUMN claim_until TEXT COLLATE "C";
  ALTER TABLE scans ADD COLUMN runner TEXT COLLATE "C";
  CREATE TABLE store_processes (
    id         TEXT COLLATE "C" PRIMARY KEY,
    face       TEXT COLLATE "C" NOT NULL,
    host       TEXT COLLATE "C" NOT NULL,
    pid        BIGINT NOT NULL,
    only_kinds TEXT COLLATE "C" NOT NULL DEFAULT '[]' CHECK (json_valid(only_kinds)),
    tags       TEXT COLLATE "C" NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
    started_at TEXT COLLATE "C" NOT NULL,
    seen_at    TEXT COLLATE "C" NOT NULL
  );
  CREATE TABLE scheduled_scans (
    schedule_id TEXT COLLATE "C" NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
    target_id   TEXT COLLATE "C" NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
    due_at      TEXT COLLATE "C" NOT NULL,
    worker      TEXT COLLATE "C" NOT NULL,
    scan_id     TEXT COLLATE "C" REFERENCES scans(id) ON DELETE SET NULL,
    state       TEXT COLLATE "C" NOT NULL CHECK (state IN ('claimed', 'running', 'done', 'failed', 'cancelled')),
    attempts    BIGINT NOT NULL DEFAULT 1,
    claimed_at  TEXT COLLATE "C" NOT NULL,
    finished_at TEXT COLLATE "C",
    PRIMARY KEY (schedule_id, target_id, due_at)
  );
  CREATE UNIQUE INDEX scheduled_scans_by_scan ON scheduled_scans(scan_id);
`

export const v18: Migration = {
  version: 18,
  name: 'many watchers: run claims, scheduled scans, store processes',
  up(db) {
    db.exec(SQLITE)
  },
  postgres(sql) {
    sql.exec(POSTGRES)
  },
}

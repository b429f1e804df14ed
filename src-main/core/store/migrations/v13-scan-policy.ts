// Schema migration 13: each scan records the policy it ran (tailoring name and file SHA-256, a policy fingerprint)
// and what started it (manual, schedule, group, cli); database targets get an assigned rule pack. Shipped: never
// edited; a change is a new migration.
import type { Migration } from './migration'

export const v13: Migration = {
  version: 13,
  name: 'scans record their policy and trigger; targets have an assigned rule pack',
  up(db) {
    // The trigger CHECK grows, so scans is rebuilt (the runner turns foreign keys off around this and checks
    // every reference before commit). 'watch' was the scheduler: it reads 'schedule' now. policy is a SHA-256
    // over what decides which rules run and how (content, profile, tailoring file, rule pack and its
    // variables): two scans with different policies are not compared for drift. '' = recorded before v13.
    db.exec(`
        CREATE TABLE scans_v13 (
          id               TEXT PRIMARY KEY,
          target_id        TEXT NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
          trigger          TEXT NOT NULL CHECK (trigger IN ('manual', 'schedule', 'group', 'cli')),
          state            TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed', 'interrupted', 'cancelled')),
          profile_id       TEXT NOT NULL DEFAULT '',
          tailoring_id     TEXT,
          tailoring_name   TEXT,
          tailoring_sha256 TEXT,
          policy           TEXT NOT NULL DEFAULT '',
          started_at       TEXT NOT NULL,
          finished_at      TEXT,
          error            TEXT NOT NULL DEFAULT '',
          score            REAL,
          counts           TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(counts)),
          evidence         TEXT REFERENCES evidence(sha256),
          info             TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(info))
        ) STRICT;
        INSERT INTO scans_v13 (id, target_id, trigger, state, profile_id, tailoring_id, started_at, finished_at,
                               error, score, counts, evidence, info)
          SELECT id, target_id, CASE trigger WHEN 'watch' THEN 'schedule' ELSE trigger END, state, profile_id,
                 tailoring_id, started_at, finished_at, error, score, counts, evidence, info FROM scans;
        DROP TABLE scans;
        ALTER TABLE scans_v13 RENAME TO scans;
        CREATE INDEX scans_by_target ON scans(target_id, started_at);
        CREATE TABLE target_packs (
          target_id   TEXT PRIMARY KEY REFERENCES targets(id) ON DELETE CASCADE,
          pack_id     TEXT NOT NULL,
          assigned_at TEXT NOT NULL
        ) STRICT;
      `)
  },
}

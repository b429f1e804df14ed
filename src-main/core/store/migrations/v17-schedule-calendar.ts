// Schema migration 17: weekly and monthly scan schedules in a time zone. The kind list is a CHECK, so schedules
// is rebuilt (foreign keys are off during migrations, so schedule_runs keeps its rows) with two columns: the
// days (weekly 0-6, monthly 1-31) and the IANA zone ('' is the computer's zone, what daily meant before).
// Shipped: never edited.
import type { Migration } from './migration'

export const v17: Migration = {
  version: 17,
  name: 'weekly and monthly schedules with a time zone',
  up(db) {
    db.exec(`
        CREATE TABLE schedules_v17 (
          id               TEXT PRIMARY KEY,
          target_id        TEXT REFERENCES targets(id) ON DELETE CASCADE,
          group_name       TEXT COLLATE NOCASE,
          kind             TEXT NOT NULL CHECK (kind IN ('interval', 'daily', 'weekly', 'monthly')),
          interval_minutes INTEGER NOT NULL DEFAULT 0,
          daily_times      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(daily_times)),
          days             TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(days)),
          time_zone        TEXT NOT NULL DEFAULT '',
          priority         INTEGER NOT NULL DEFAULT 0 CHECK (priority IN (0, 1)),
          jitter_seconds   INTEGER NOT NULL DEFAULT 0,
          request          TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(request)),
          paused           INTEGER NOT NULL DEFAULT 0,
          created_at       TEXT NOT NULL,
          updated_at       TEXT NOT NULL,
          CHECK ((target_id IS NULL) <> (group_name IS NULL))
        ) STRICT;
        INSERT INTO schedules_v17 (id, target_id, group_name, kind, interval_minutes, daily_times, priority,
            jitter_seconds, request, paused, created_at, updated_at)
          SELECT id, target_id, group_name, kind, interval_minutes, daily_times, priority, jitter_seconds, request,
            paused, created_at, updated_at FROM schedules;
        DROP TABLE schedules;
        ALTER TABLE schedules_v17 RENAME TO schedules;
      `)
  },
}

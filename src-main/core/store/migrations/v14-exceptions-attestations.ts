// Schema migration 14: exceptions (accepted failures with an expiry), manual attestations, and the drift type
// "exception-expired". Shipped: never edited; a change is a new migration.
import type { Migration } from './migration'

export const v14: Migration = {
  version: 14,
  name: 'exceptions, attestations and the exception-expired drift type',
  up(db) {
    // An exception names a rule (or a glob of rules) and a scope: one target, a group, or every target.
    // notice_at / expired_at record that the week-before notice and the expiry were acted on, once each.
    // drift_events' type list is a CHECK: the table is rebuilt with the new type (the runner turns foreign keys
    // off around this, so alerts keep their events).
    db.exec(`
        CREATE TABLE exceptions (
          id            TEXT PRIMARY KEY,
          rule_pattern  TEXT NOT NULL CHECK (rule_pattern <> ''),
          scope         TEXT NOT NULL CHECK (scope IN ('target', 'group', 'all')),
          target_id     TEXT REFERENCES targets(id) ON DELETE CASCADE,
          group_name    TEXT COLLATE NOCASE,
          justification TEXT NOT NULL CHECK (trim(justification) <> ''),
          approved_by   TEXT NOT NULL CHECK (trim(approved_by) <> ''),
          created_at    TEXT NOT NULL,
          updated_at    TEXT NOT NULL,
          expires_at    TEXT NOT NULL,
          evidence      TEXT REFERENCES evidence(sha256),
          evidence_name TEXT NOT NULL DEFAULT '',
          revoked_at    TEXT,
          revoked_by    TEXT NOT NULL DEFAULT '',
          notice_at     TEXT,
          expired_at    TEXT,
          CHECK ((scope = 'target') = (target_id IS NOT NULL)),
          CHECK ((scope = 'group') = (group_name IS NOT NULL))
        ) STRICT;
        CREATE INDEX exceptions_by_expiry ON exceptions(expires_at) WHERE revoked_at IS NULL;
        -- A manual result for a rule no scan can check; target_id NULL = every target (SAF files name no host).
        CREATE TABLE attestations (
          id            TEXT PRIMARY KEY,
          target_id     TEXT REFERENCES targets(id) ON DELETE CASCADE,
          rule_id       TEXT NOT NULL CHECK (rule_id <> ''),
          status        TEXT NOT NULL CHECK (status IN ('passed', 'failed')),
          explanation   TEXT NOT NULL CHECK (trim(explanation) <> ''),
          frequency     TEXT NOT NULL,
          attested_by   TEXT NOT NULL CHECK (trim(attested_by) <> ''),
          attested_at   TEXT NOT NULL,
          expires_at    TEXT NOT NULL,
          evidence      TEXT REFERENCES evidence(sha256),
          evidence_name TEXT NOT NULL DEFAULT '',
          revoked_at    TEXT,
          created_at    TEXT NOT NULL,
          updated_at    TEXT NOT NULL
        ) STRICT;
        CREATE UNIQUE INDEX attestations_one_live ON attestations(coalesce(target_id, ''), rule_id)
          WHERE revoked_at IS NULL;

        CREATE TABLE drift_events_v14 (
          id            INTEGER PRIMARY KEY AUTOINCREMENT,
          target_id     TEXT NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
          scan_id       TEXT NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
          prev_scan_id  TEXT REFERENCES scans(id) ON DELETE SET NULL,
          rule_id       TEXT NOT NULL DEFAULT '',
          type          TEXT NOT NULL CHECK (type IN ('regression', 'fixed', 'new-failing', 'value', 'score',
                                                      'exception-expired')),
          severity      TEXT NOT NULL,
          title         TEXT NOT NULL DEFAULT '',
          from_status   TEXT NOT NULL DEFAULT '',
          to_status     TEXT NOT NULL DEFAULT '',
          from_actual   TEXT NOT NULL DEFAULT '',
          to_actual     TEXT NOT NULL DEFAULT '',
          from_score    REAL,
          to_score      REAL,
          at            TEXT NOT NULL,
          UNIQUE (scan_id, rule_id, type)
        ) STRICT;
        INSERT INTO drift_events_v14 SELECT * FROM drift_events;
        DROP TABLE drift_events;
        ALTER TABLE drift_events_v14 RENAME TO drift_events;
        CREATE INDEX drift_events_by_target ON drift_events(target_id, at);
        CREATE INDEX drift_events_by_at ON drift_events(at);
      `)
  },
}

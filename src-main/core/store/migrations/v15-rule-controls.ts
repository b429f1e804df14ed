// Schema migration 15: which controls (NIST 800-53, CIS sections, PCI DSS requirements) each rule supports,
// per source (an imported benchmark or a rule pack), so the Controls page is one join with current status.
// Shipped: never edited; a change is a new migration.
import type { Migration } from './migration'

export const v15: Migration = {
  version: 15,
  name: 'rule to control mappings',
  up(db) {
    db.exec(`
        CREATE TABLE rule_controls (
          source     TEXT NOT NULL,
          rule_id    TEXT NOT NULL,
          framework  TEXT NOT NULL,
          control_id TEXT NOT NULL,
          family     TEXT NOT NULL,
          label      TEXT NOT NULL DEFAULT '',
          PRIMARY KEY (framework, rule_id, control_id, source)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX rule_controls_by_source ON rule_controls(source);
        -- The Controls view asks each target's newest scan and how many are done on every call: from the index.
        CREATE INDEX scans_by_target_state ON scans(target_id, state);
        CREATE TABLE control_sources (
          source    TEXT PRIMARY KEY,
          digest    TEXT NOT NULL,
          mapped_at TEXT NOT NULL
        ) STRICT;
      `)
  },
}

// Schema migration 16: each target's control counts per framework (what its current statuses say of every
// control they map to), kept with the scans and mappings they were counted from, so the Controls page reads 100
// small rows instead of joining every current status with the mappings. Shipped: never edited.
import type { Migration } from './migration'

export const v16: Migration = {
  version: 16,
  name: 'per-target control counts',
  up(db) {
    db.exec(`
        CREATE TABLE target_control_counts (
          framework TEXT NOT NULL,
          target_id TEXT NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
          -- The target's scans and the mappings the counts were made from (ControlsRepo.versions): stale when not.
          version   TEXT NOT NULL,
          -- {c: control ids, f: families, l: labels, n: [pass, fail, not applicable, other] per control}
          counts    TEXT NOT NULL CHECK (json_valid(counts)),
          PRIMARY KEY (framework, target_id)
        ) STRICT, WITHOUT ROWID;
      `)
  },
}

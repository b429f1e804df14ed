// Schema migration 12: each result keeps what its check examined and found, in words and as data (OS rules:
// from the ARF's OVAL results). Shipped: never edited; a change is a new migration.
import type { Migration } from './migration'

export const v12: Migration = {
  version: 12,
  name: 'evidence of each result: what was examined, found and expected',
  up(db) {
    // Earlier scans keep '[]': their ARF is still stored, and the report says it holds their full record.
    db.exec(
      `ALTER TABLE results ADD COLUMN evidence_items TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(evidence_items))`,
    )
  },
}

// Schema migration 7: GitHub: HTTP cache (ETags) and per-repository check state. Shipped: never edited; a change is a new migration.
import type { Migration } from './migration'

export const v07: Migration = {
  version: 7,
  name: 'GitHub: HTTP cache (ETags) and per-repository check state',
  up(db) {
    // http_cache: the last 200 of every conditional GET, so a 304 (free of rate-limit cost) reuses its body.
    // github_repo_state: what each repository looked like when last checked, so a watch re-checks only changed ones.
    db.exec(`
        CREATE TABLE http_cache (
          key        TEXT PRIMARY KEY,
          etag       TEXT NOT NULL,
          headers    TEXT NOT NULL CHECK (json_valid(headers)),
          gz         BLOB NOT NULL,
          stored_at  TEXT NOT NULL,
          used_at    TEXT NOT NULL
        ) STRICT;
        CREATE INDEX http_cache_by_use ON http_cache(used_at);
        CREATE TABLE github_repo_state (
          target_id  TEXT NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
          repo       TEXT NOT NULL,
          pushed_at  TEXT NOT NULL DEFAULT '',
          updated_at TEXT NOT NULL DEFAULT '',
          checked_at TEXT NOT NULL,
          pack       TEXT NOT NULL,
          results    TEXT NOT NULL CHECK (json_valid(results)),
          PRIMARY KEY (target_id, repo)
        ) STRICT, WITHOUT ROWID;
      `)
  },
}

// Schema migration 10: credential address bindings, cross-process vault lock, passphrase backoff. Shipped: never edited; a change is a new migration.
import type { Migration } from './migration'

export const v10: Migration = {
  version: 10,
  name: 'credential address bindings, cross-process vault lock, passphrase backoff',
  up(db) {
    // credential_bindings: the addresses a credential may be handed out for (host:port, or a GitHub API
    // base URL); another address needs the passphrase again. Credentials already in use are bound to the
    // addresses of the targets using them now (the same normal forms as vault/bindings.ts hostPortBinding and urlBinding).
    // vault_control: one row shared by every process on this data folder: a lock generation that
    // `driftwatch vault lock` bumps, and the wrong-passphrase count behind the backoff.
    // vault_processes: the running processes that hold the vault, so a lock can say who it reached.
    db.exec(`
        CREATE TABLE credential_bindings (
          credential_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
          address       TEXT NOT NULL,
          bound_at      TEXT NOT NULL,
          how           TEXT NOT NULL CHECK (how IN ('existing', 'first-use', 'confirmed')),
          PRIMARY KEY (credential_id, address)
        ) STRICT;
        CREATE TABLE vault_control (
          id                INTEGER PRIMARY KEY CHECK (id = 1),
          lock_generation   INTEGER NOT NULL DEFAULT 0,
          failures          INTEGER NOT NULL DEFAULT 0,
          last_failure_at   TEXT,
          next_attempt_at   TEXT
        ) STRICT;
        INSERT INTO vault_control (id) VALUES (1);
        CREATE TABLE vault_processes (
          id              TEXT PRIMARY KEY,
          pid             INTEGER NOT NULL,
          face            TEXT NOT NULL,
          started_at      TEXT NOT NULL,
          unlocked        INTEGER NOT NULL DEFAULT 0,
          seen_generation INTEGER NOT NULL DEFAULT 0,
          updated_at      TEXT NOT NULL
        ) STRICT;
        INSERT OR IGNORE INTO credential_bindings (credential_id, address, bound_at, how)
          WITH t AS (
            SELECT kind, settings,
                   replace(replace(lower(host), '[', ''), ']', '') AS h,
                   json_extract(settings, '$.port') AS port
              FROM targets WHERE kind IN ('ssh', 'postgres', 'mysql', 'github')
          ), a AS (
            SELECT json_extract(settings, '$.credentialId') AS credential_id,
                   CASE WHEN kind = 'github'
                        THEN rtrim(lower(coalesce(json_extract(settings, '$.apiBaseUrl'),
                                                  'https://api.github.com')), '/')
                        ELSE (CASE WHEN instr(h, ':') > 0 THEN '[' || h || ']' ELSE h END) || ':' || port
                   END AS address
              FROM t
            UNION
            SELECT json_extract(settings, '$.sudoCredentialId'),
                   (CASE WHEN instr(h, ':') > 0 THEN '[' || h || ']' ELSE h END) || ':' || port
              FROM t WHERE kind = 'ssh'
          )
          SELECT c.id, a.address, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'existing'
            FROM a JOIN credentials c ON c.id = a.credential_id;
        `)
  },
}

// Schema migration 20: people and workers in a shared store. The vault's data key is wrapped once per member
// (vault_members: each person's or worker's own passphrase or key file, its own scrypt parameters and salt, its
// own wrong-passphrase count), so adding or removing a member touches that member's row only. The single wrap
// of a vault from before moves to a member named "owner" (its wrap still binds only the header; it is rewrapped
// bound to the member at its first unlock), and the vault row keeps no wrap of its own. Audit entries name who
// made them (audit_log.who, covered by the hash chain when present, so older entries verify as before). On
// PostgreSQL the store's roles (auditor, viewer, worker) are created and granted (see roles.ts).
// Shipped: never edited.
import type { Migration } from './migration'
import { POSTGRES_ROLES } from './postgres-roles'

/** The member an existing single-passphrase vault becomes. */
export const FIRST_MEMBER = 'owner'

const SQLITE = `
  CREATE TABLE vault_members (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (trim(name) <> ''),
    secret_kind     TEXT NOT NULL CHECK (secret_kind IN ('passphrase', 'key-file')),
    header          TEXT NOT NULL,
    checksum        TEXT NOT NULL,
    wrapped_key     BLOB NOT NULL,
    bound           INTEGER NOT NULL DEFAULT 1 CHECK (bound IN (0, 1)),
    failures        INTEGER NOT NULL DEFAULT 0,
    last_failure_at TEXT,
    next_attempt_at TEXT,
    added_at        TEXT NOT NULL,
    added_by        TEXT NOT NULL DEFAULT ''
  ) STRICT;
  INSERT INTO vault_members (id, name, secret_kind, header, checksum, wrapped_key, bound, failures,
                             last_failure_at, next_attempt_at, added_at, added_by)
    SELECT lower(hex(randomblob(16))), '${FIRST_MEMBER}', 'passphrase', v.header, v.checksum, v.wrapped_key, 0,
           coalesce(c.failures, 0), c.last_failure_at, c.next_attempt_at, v.created_at, 'schema migration 20'
    FROM vault v LEFT JOIN vault_control c ON c.id = 1;
  UPDATE vault_control SET failures = 0, next_attempt_at = NULL;
  ALTER TABLE vault DROP COLUMN header;
  ALTER TABLE vault DROP COLUMN checksum;
  ALTER TABLE vault DROP COLUMN wrapped_key;
  ALTER TABLE audit_log ADD COLUMN who TEXT CHECK (who IS NULL OR json_valid(who));
`

const POSTGRES = `
  CREATE TABLE vault_members (
    id              TEXT COLLATE "C" PRIMARY KEY,
    name            TEXT COLLATE "C" NOT NULL CHECK (trim(name) <> ''),
    secret_kind     TEXT COLLATE "C" NOT NULL CHECK (secret_kind IN ('passphrase', 'key-file')),
    header          TEXT COLLATE "C" NOT NULL,
    checksum        TEXT COLLATE "C" NOT NULL,
    wrapped_key     BYTEA NOT NULL,
    bound           BIGINT NOT NULL DEFAULT 1 CHECK (bound IN (0, 1)),
    failures        BIGINT NOT NULL DEFAULT 0,
    last_failure_at TEXT COLLATE "C",
    next_attempt_at TEXT COLLATE "C",
    added_at        TEXT COLLATE "C" NOT NULL,
    added_by        TEXT COLLATE "C" NOT NULL DEFAULT ''
  );
  CREATE UNIQUE INDEX vault_members_name ON vault_members (lower(name));
  INSERT INTO vault_members (id, name, secret_kind, header, checksum, wrapped_key, bound, failures,
                             last_failure_at, next_attempt_at, added_at, added_by)
    SELECT md5(random()::text || clock_timestamp()::text), '${FIRST_MEMBER}', 'passphrase', v.header, v.checksum,
           v.wrapped_key, 0, coalesce(c.failures, 0), c.last_failure_at, c.next_attempt_at, v.created_at,
           'schema migration 20'
    FROM vault v LEFT JOIN vault_control c ON c.id = 1;
  UPDATE vault_control SET failures = 0, next_attempt_at = NULL;
  ALTER TABLE vault DROP COLUMN header, DROP COLUMN checksum, DROP COLUMN wrapped_key;
  ALTER TABLE audit_log ADD COLUMN who TEXT COLLATE "C" CHECK (who IS NULL OR json_valid(who));
`

export const v20: Migration = {
  version: 20,
  name: 'vault members, who made each audit entry, PostgreSQL roles',
  up(db) {
    db.exec(SQLITE)
  },
  postgres(sql) {
    sql.exec(POSTGRES)
    sql.exec(POSTGRES_ROLES)
  },
}

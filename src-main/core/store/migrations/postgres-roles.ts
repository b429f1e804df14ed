// The PostgreSQL store's roles, for a team sharing one store: NOLOGIN roles an administrator grants to login
// roles (GRANT driftwatch_viewer TO alice). Created by migration 20 when the migrating user may create roles; when
// it may not, the migration still succeeds, says so (NOTICE, and `missingPostgresRoles`), and an administrator
// creates them (CREATE ROLE driftwatch_viewer NOLOGIN; …) and has the store's owner run
// `SELECT driftwatch_grant_roles()`. This text is migration 20's: a later migration that adds a table writes
// its own version of the function (CREATE OR REPLACE) and runs it again.
//
// - driftwatch_auditor: reads and writes the data; the audit log only grows (no UPDATE, DELETE, TRUNCATE) and the
//   schema version is the owner's (migrations need the owner: only it may ALTER the tables).
// - driftwatch_viewer: reads. Of the vault it reads only what listing needs: credential and member names and
//   metadata, never a ciphertext, a member's wrap of the data key, the key check or a sealed signing key.
// - driftwatch_worker: what `driftwatch watch` does: reads everything (it unlocks the vault with its own member
//   and decrypts credentials), writes scans and what they produce (results, evidence, drift, alerts), the
//   schedules' runs and claims, the processes registry, the vault's shared lock and wrong-passphrase counters,
//   first-use pins and bindings, and appends to the audit log; it cannot change targets, policies, schedules,
//   channels or credentials.
import { sql as raw } from 'kysely'
import type { Sql } from '../sql/engine'

export const STORE_ROLES = ['driftwatch_auditor', 'driftwatch_viewer', 'driftwatch_worker'] as const

/** Tables the watch writes: a scan's results and everything derived from it, claims, counters, pins. */
const WORKER_WRITES = [
  'scans',
  'results',
  'current_status',
  'evidence',
  'drift_events',
  'alerts',
  'alert_deliveries',
  'schedule_runs',
  'scheduled_scans',
  'store_processes',
  'http_cache',
  'github_repo_state',
  'target_control_counts',
  'rule_controls',
  'control_sources',
  'settings',
  'vault_control',
  'vault_processes',
  'credential_bindings',
  'known_hosts',
  'signing_keys',
]

/** Columns of the vault's tables a viewer may read: names and metadata, no key material. */
const VIEWER_COLUMNS: Record<string, string[]> = {
  credentials: ['id', 'kind', 'name', 'meta', 'created_at', 'updated_at', 'rotated_at'],
  vault: ['id', 'auto_lock_minutes', 'created_at', 'updated_at'],
  vault_members: ['id', 'name', 'secret_kind', 'added_at', 'added_by'],
  signing_keys: ['id', 'algorithm', 'public_key', 'created_at'],
}

const q = (s: string) => `'${s}'`

export const POSTGRES_ROLES = `
CREATE OR REPLACE FUNCTION driftwatch_grant_roles() RETURNS TEXT[] LANGUAGE plpgsql AS $fn$
DECLARE
  missing TEXT[] := '{}';
  r TEXT;
  t TEXT;
  s TEXT := quote_ident(current_schema());
BEGIN
  FOREACH r IN ARRAY ARRAY[${STORE_ROLES.map(q).join(', ')}] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', r);
      EXCEPTION
        WHEN insufficient_privilege THEN missing := missing || r;
        -- Another store on this server created it meanwhile (roles belong to the server, not the database).
        WHEN duplicate_object OR unique_violation THEN NULL;
      END;
    END IF;
  END LOOP;
  IF array_length(missing, 1) > 0 THEN
    RAISE NOTICE 'Driftwatch could not create the roles % (the user migrating the store may not CREATE ROLE): an administrator creates them (CREATE ROLE name NOLOGIN), then the store''s owner runs SELECT driftwatch_grant_roles()',
      array_to_string(missing, ', ');
  END IF;

  IF NOT 'driftwatch_auditor' = ANY (missing) THEN
    EXECUTE format('GRANT USAGE ON SCHEMA %s TO driftwatch_auditor', s);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %s TO driftwatch_auditor', s);
    EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %s TO driftwatch_auditor', s);
    REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM driftwatch_auditor;
    REVOKE INSERT, UPDATE, DELETE ON driftwatch_schema FROM driftwatch_auditor;
    GRANT EXECUTE ON FUNCTION json_valid(TEXT) TO driftwatch_auditor;
  END IF;

  IF NOT 'driftwatch_viewer' = ANY (missing) THEN
    EXECUTE format('GRANT USAGE ON SCHEMA %s TO driftwatch_viewer', s);
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %s TO driftwatch_viewer', s);
    ${Object.entries(VIEWER_COLUMNS)
      .map(
        ([table, cols]) =>
          `REVOKE SELECT ON ${table} FROM driftwatch_viewer;
    GRANT SELECT (${cols.join(', ')}) ON ${table} TO driftwatch_viewer;`,
      )
      .join('\n    ')}
    GRANT EXECUTE ON FUNCTION json_valid(TEXT) TO driftwatch_viewer;
  END IF;

  IF NOT 'driftwatch_worker' = ANY (missing) THEN
    EXECUTE format('GRANT USAGE ON SCHEMA %s TO driftwatch_worker', s);
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %s TO driftwatch_worker', s);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %s TO driftwatch_worker', s);
    FOREACH t IN ARRAY ARRAY[${WORKER_WRITES.map(q).join(', ')}] LOOP
      EXECUTE format('GRANT INSERT, UPDATE, DELETE ON %I TO driftwatch_worker', t);
    END LOOP;
    GRANT INSERT ON audit_log TO driftwatch_worker;
    GRANT UPDATE (notice_at, expired_at) ON exceptions TO driftwatch_worker;
    GRANT UPDATE (failures, last_failure_at, next_attempt_at, header, checksum, wrapped_key, bound)
      ON vault_members TO driftwatch_worker;
    GRANT EXECUTE ON FUNCTION json_valid(TEXT) TO driftwatch_worker;
  END IF;
  RETURN missing;
END $fn$;
REVOKE EXECUTE ON FUNCTION driftwatch_grant_roles() FROM PUBLIC;
SELECT driftwatch_grant_roles();
`

/** The store's roles that do not exist on this PostgreSQL server (none on SQLite, which has no roles). */
export function missingPostgresRoles(sql: Sql): string[] {
  if (sql.dialect !== 'postgresql') return []
  const rows = sql.all(
    raw<{ rolname: string }>`SELECT rolname FROM pg_roles WHERE rolname IN (${raw.join(
      STORE_ROLES.map((r) => raw.lit(r)),
    )})`.compile(sql.q),
  )
  const have = new Set(rows.map((r) => r.rolname))
  return STORE_ROLES.filter((r) => !have.has(r))
}

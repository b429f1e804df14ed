// The PostgreSQL store's starting schema: SQLite's schema at version 17 in PostgreSQL 15 DDL, applied once to an
// empty database. There is no older PostgreSQL store, so migrations 1-17 have no PostgreSQL body; v18 on carry both.
//
// Mapping (test/integration/store-postgres-baseline.test.ts holds the two engines to it):
// - INTEGER → BIGINT (the executor reads int8 as a JS number), REAL → DOUBLE PRECISION, BLOB → BYTEA.
// - TEXT → TEXT COLLATE "C": SQLite compares text byte by byte (BINARY), and so does "C", whatever locale the
//   database was created with; so ORDER BY and < give the same order, and lower() folds ASCII only, as NOCASE does.
// - AUTOINCREMENT keys → identity columns. audit_log.seq, vault.id and vault_control.id are written by the code,
//   so they stay plain keys.
// - COLLATE NOCASE: a unique one becomes a unique index on lower(col) (targets, tailorings, credentials and alert
//   channels by name; a target's labels); group_name is only compared, so repositories compare it with lower().
//   Indexes on a NOCASE column index lower(col), which is what those comparisons can use.
// - CHECK (json_valid(x)) keeps its text: json_valid below refuses what PostgreSQL's json type refuses, as a CHECK
//   violation. The audit log's append-only triggers raise the same message (TRUNCATE too, which SQLite lacks).
// - STRICT and WITHOUT ROWID have no PostgreSQL meaning and are dropped. PostgreSQL makes every primary key
//   column NOT NULL, where SQLite lets a TEXT PRIMARY KEY hold NULL; Driftwatch never stores one.
// - PRAGMA user_version is the one row of driftwatch_schema.

export const POSTGRES_BASELINE_VERSION = 17

/** One row, one column (version): what PRAGMA user_version is to the SQLite store. */
export const POSTGRES_SCHEMA_TABLE = 'driftwatch_schema'

export const POSTGRES_BASELINE = `
CREATE FUNCTION json_valid(doc TEXT) RETURNS BOOLEAN LANGUAGE plpgsql IMMUTABLE STRICT AS $$
BEGIN
  PERFORM doc::json;
  RETURN TRUE;
EXCEPTION WHEN data_exception THEN
  RETURN FALSE;
END $$;

CREATE TABLE settings (
  key        TEXT COLLATE "C" PRIMARY KEY,
  value      TEXT COLLATE "C" NOT NULL CHECK (json_valid(value)),
  updated_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE vault (
  id                BIGINT PRIMARY KEY CHECK (id = 1),
  header            TEXT COLLATE "C" NOT NULL,
  checksum          TEXT COLLATE "C" NOT NULL,
  wrapped_key       BYTEA NOT NULL,
  key_check         BYTEA NOT NULL,
  remembered_key    BYTEA,
  auto_lock_minutes BIGINT NOT NULL DEFAULT 15,
  created_at        TEXT COLLATE "C" NOT NULL,
  updated_at        TEXT COLLATE "C" NOT NULL
);

CREATE TABLE content (
  sha256       TEXT COLLATE "C" PRIMARY KEY,
  file_name    TEXT COLLATE "C" NOT NULL,
  source_path  TEXT COLLATE "C" NOT NULL,
  bytes        BIGINT NOT NULL,
  scap_version TEXT COLLATE "C" NOT NULL,
  imported_at  TEXT COLLATE "C" NOT NULL,
  summary      TEXT COLLATE "C" NOT NULL CHECK (json_valid(summary)),
  data         BYTEA NOT NULL,
  parsed       BYTEA NOT NULL
);

CREATE TABLE tailorings (
  id             TEXT COLLATE "C" PRIMARY KEY,
  name           TEXT COLLATE "C" NOT NULL,
  content_sha256 TEXT COLLATE "C" NOT NULL REFERENCES content(sha256),
  benchmark_id   TEXT COLLATE "C" NOT NULL,
  data           TEXT COLLATE "C" NOT NULL CHECK (json_valid(data)),
  assigned       TEXT COLLATE "C" NOT NULL CHECK (json_valid(assigned)),
  created_at     TEXT COLLATE "C" NOT NULL,
  updated_at     TEXT COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX tailorings_name ON tailorings (lower(name));

CREATE TABLE known_hosts (
  host        TEXT COLLATE "C" NOT NULL,
  port        BIGINT NOT NULL,
  key_type    TEXT COLLATE "C" NOT NULL,
  fingerprint TEXT COLLATE "C" NOT NULL,
  public_key  TEXT COLLATE "C" NOT NULL,
  trusted_at  TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (host, port)
);

CREATE TABLE evidence (
  sha256     TEXT COLLATE "C" PRIMARY KEY,
  media_type TEXT COLLATE "C" NOT NULL,
  bytes      BIGINT NOT NULL,
  gz         BYTEA NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE targets (
  id          TEXT COLLATE "C" PRIMARY KEY,
  name        TEXT COLLATE "C" NOT NULL,
  kind        TEXT COLLATE "C" NOT NULL CHECK (kind <> ''),
  host        TEXT COLLATE "C" NOT NULL DEFAULT '',
  description TEXT COLLATE "C" NOT NULL DEFAULT '',
  settings    TEXT COLLATE "C" NOT NULL CHECK (json_valid(settings)),
  created_at  TEXT COLLATE "C" NOT NULL,
  updated_at  TEXT COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX targets_name ON targets (lower(name));

CREATE TABLE target_labels (
  target_id TEXT COLLATE "C" NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
  type      TEXT COLLATE "C" NOT NULL CHECK (type IN ('tag', 'group')),
  label     TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (target_id, type, label)
);
-- SQLite's primary key compares label without case; this index is that key.
CREATE UNIQUE INDEX target_labels_nocase ON target_labels (target_id, type, lower(label));
CREATE INDEX target_labels_by_label ON target_labels (type, lower(label));

CREATE TABLE scans (
  id               TEXT COLLATE "C" PRIMARY KEY,
  target_id        TEXT COLLATE "C" NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
  trigger          TEXT COLLATE "C" NOT NULL CHECK (trigger IN ('manual', 'schedule', 'group', 'cli')),
  state            TEXT COLLATE "C" NOT NULL
                   CHECK (state IN ('running', 'done', 'failed', 'interrupted', 'cancelled')),
  profile_id       TEXT COLLATE "C" NOT NULL DEFAULT '',
  tailoring_id     TEXT COLLATE "C",
  tailoring_name   TEXT COLLATE "C",
  tailoring_sha256 TEXT COLLATE "C",
  policy           TEXT COLLATE "C" NOT NULL DEFAULT '',
  started_at       TEXT COLLATE "C" NOT NULL,
  finished_at      TEXT COLLATE "C",
  error            TEXT COLLATE "C" NOT NULL DEFAULT '',
  score            DOUBLE PRECISION,
  counts           TEXT COLLATE "C" NOT NULL DEFAULT '{}' CHECK (json_valid(counts)),
  evidence         TEXT COLLATE "C" REFERENCES evidence(sha256),
  info             TEXT COLLATE "C" NOT NULL DEFAULT '{}' CHECK (json_valid(info))
);
CREATE INDEX scans_by_target ON scans (target_id, started_at);
CREATE INDEX scans_by_target_state ON scans (target_id, state);

CREATE TABLE results (
  scan_id        TEXT COLLATE "C" NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
  rule_id        TEXT COLLATE "C" NOT NULL,
  status         TEXT COLLATE "C" NOT NULL CHECK (status IN ('pass', 'fail', 'error', 'unknown', 'notapplicable',
                   'notchecked', 'notselected', 'informational', 'fixed')),
  severity       TEXT COLLATE "C" NOT NULL,
  title          TEXT COLLATE "C" NOT NULL,
  actual         TEXT COLLATE "C" NOT NULL DEFAULT '',
  expected       TEXT COLLATE "C" NOT NULL DEFAULT '',
  message        TEXT COLLATE "C" NOT NULL DEFAULT '',
  idents         TEXT COLLATE "C" NOT NULL DEFAULT '[]' CHECK (json_valid(idents)),
  evidence_items TEXT COLLATE "C" NOT NULL DEFAULT '[]' CHECK (json_valid(evidence_items)),
  PRIMARY KEY (scan_id, rule_id)
);

CREATE TABLE current_status (
  target_id TEXT COLLATE "C" NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
  rule_id   TEXT COLLATE "C" NOT NULL,
  status    TEXT COLLATE "C" NOT NULL,
  actual    TEXT COLLATE "C" NOT NULL DEFAULT '',
  scan_id   TEXT COLLATE "C" NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
  since     TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (target_id, rule_id)
);

CREATE TABLE rule_packs (
  id          TEXT COLLATE "C" PRIMARY KEY,
  kind        TEXT COLLATE "C" NOT NULL CHECK (kind IN ('postgres', 'mysql')),
  title       TEXT COLLATE "C" NOT NULL,
  pack        TEXT COLLATE "C" NOT NULL CHECK (json_valid(pack)),
  imported_at TEXT COLLATE "C" NOT NULL,
  updated_at  TEXT COLLATE "C" NOT NULL
);

CREATE TABLE http_cache (
  key       TEXT COLLATE "C" PRIMARY KEY,
  etag      TEXT COLLATE "C" NOT NULL,
  headers   TEXT COLLATE "C" NOT NULL CHECK (json_valid(headers)),
  gz        BYTEA NOT NULL,
  stored_at TEXT COLLATE "C" NOT NULL,
  used_at   TEXT COLLATE "C" NOT NULL
);
CREATE INDEX http_cache_by_use ON http_cache (used_at);

CREATE TABLE github_repo_state (
  target_id  TEXT COLLATE "C" NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
  repo       TEXT COLLATE "C" NOT NULL,
  pushed_at  TEXT COLLATE "C" NOT NULL DEFAULT '',
  updated_at TEXT COLLATE "C" NOT NULL DEFAULT '',
  checked_at TEXT COLLATE "C" NOT NULL,
  pack       TEXT COLLATE "C" NOT NULL,
  results    TEXT COLLATE "C" NOT NULL CHECK (json_valid(results)),
  PRIMARY KEY (target_id, repo)
);

CREATE TABLE credentials (
  id         TEXT COLLATE "C" PRIMARY KEY,
  kind       TEXT COLLATE "C" NOT NULL CHECK (kind IN ('ssh-key', 'ssh-password', 'sudo-password', 'db-password',
               'db-client-cert', 'github-token', 'alert-secret')),
  name       TEXT COLLATE "C" NOT NULL,
  meta       TEXT COLLATE "C" NOT NULL CHECK (json_valid(meta)),
  ciphertext BYTEA NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  updated_at TEXT COLLATE "C" NOT NULL,
  rotated_at TEXT COLLATE "C"
);
CREATE UNIQUE INDEX credentials_name ON credentials (lower(name));

CREATE TABLE schedules (
  id               TEXT COLLATE "C" PRIMARY KEY,
  target_id        TEXT COLLATE "C" REFERENCES targets(id) ON DELETE CASCADE,
  -- NOCASE in SQLite: compared with lower().
  group_name       TEXT COLLATE "C",
  kind             TEXT COLLATE "C" NOT NULL CHECK (kind IN ('interval', 'daily', 'weekly', 'monthly')),
  interval_minutes BIGINT NOT NULL DEFAULT 0,
  daily_times      TEXT COLLATE "C" NOT NULL DEFAULT '[]' CHECK (json_valid(daily_times)),
  days             TEXT COLLATE "C" NOT NULL DEFAULT '[]' CHECK (json_valid(days)),
  time_zone        TEXT COLLATE "C" NOT NULL DEFAULT '',
  priority         BIGINT NOT NULL DEFAULT 0 CHECK (priority IN (0, 1)),
  jitter_seconds   BIGINT NOT NULL DEFAULT 0,
  request          TEXT COLLATE "C" NOT NULL DEFAULT '{}' CHECK (json_valid(request)),
  paused           BIGINT NOT NULL DEFAULT 0,
  created_at       TEXT COLLATE "C" NOT NULL,
  updated_at       TEXT COLLATE "C" NOT NULL,
  CHECK ((target_id IS NULL) <> (group_name IS NULL))
);

CREATE TABLE schedule_runs (
  schedule_id  TEXT COLLATE "C" NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
  target_id    TEXT COLLATE "C" NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
  next_run_at  TEXT COLLATE "C" NOT NULL,
  last_run_at  TEXT COLLATE "C",
  last_scan_id TEXT COLLATE "C",
  status       TEXT COLLATE "C" NOT NULL DEFAULT 'waiting'
               CHECK (status IN ('waiting', 'running', 'backoff', 'vault_locked', 'unavailable')),
  detail       TEXT COLLATE "C" NOT NULL DEFAULT '',
  failures     BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (schedule_id, target_id)
);

CREATE TABLE watch_pauses (
  target_id TEXT COLLATE "C" PRIMARY KEY REFERENCES targets(id) ON DELETE CASCADE,
  paused_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE drift_events (
  id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  target_id    TEXT COLLATE "C" NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
  scan_id      TEXT COLLATE "C" NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
  prev_scan_id TEXT COLLATE "C" REFERENCES scans(id) ON DELETE SET NULL,
  rule_id      TEXT COLLATE "C" NOT NULL DEFAULT '',
  type         TEXT COLLATE "C" NOT NULL CHECK (type IN ('regression', 'fixed', 'new-failing', 'value', 'score',
                 'exception-expired')),
  severity     TEXT COLLATE "C" NOT NULL,
  title        TEXT COLLATE "C" NOT NULL DEFAULT '',
  from_status  TEXT COLLATE "C" NOT NULL DEFAULT '',
  to_status    TEXT COLLATE "C" NOT NULL DEFAULT '',
  from_actual  TEXT COLLATE "C" NOT NULL DEFAULT '',
  to_actual    TEXT COLLATE "C" NOT NULL DEFAULT '',
  from_score   DOUBLE PRECISION,
  to_score     DOUBLE PRECISION,
  at           TEXT COLLATE "C" NOT NULL,
  UNIQUE (scan_id, rule_id, type)
);
CREATE INDEX drift_events_by_target ON drift_events (target_id, at);
CREATE INDEX drift_events_by_at ON drift_events (at);

CREATE TABLE alert_channels (
  id               TEXT COLLATE "C" PRIMARY KEY,
  kind             TEXT COLLATE "C" NOT NULL CHECK (kind IN ('webhook', 'slack', 'github-issue', 'email')),
  name             TEXT COLLATE "C" NOT NULL,
  enabled          BIGINT NOT NULL DEFAULT 1,
  config           TEXT COLLATE "C" NOT NULL CHECK (json_valid(config)),
  credential_id    TEXT COLLATE "C" REFERENCES credentials(id) ON DELETE SET NULL,
  throttle_minutes BIGINT NOT NULL DEFAULT 0,
  created_at       TEXT COLLATE "C" NOT NULL,
  updated_at       TEXT COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX alert_channels_name ON alert_channels (lower(name));

CREATE TABLE alerts (
  id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  target_id       TEXT COLLATE "C" NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
  rule_id         TEXT COLLATE "C" NOT NULL,
  event_id        BIGINT NOT NULL REFERENCES drift_events(id) ON DELETE CASCADE,
  state           TEXT COLLATE "C" NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
  opened_at       TEXT COLLATE "C" NOT NULL,
  acknowledged_at TEXT COLLATE "C",
  resolved_at     TEXT COLLATE "C",
  resolved_event  BIGINT REFERENCES drift_events(id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX alerts_one_open ON alerts (target_id, rule_id) WHERE state <> 'resolved';

CREATE TABLE alert_deliveries (
  id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  channel_id      TEXT COLLATE "C" NOT NULL REFERENCES alert_channels(id) ON DELETE CASCADE,
  target_id       TEXT COLLATE "C" REFERENCES targets(id) ON DELETE CASCADE,
  scan_id         TEXT COLLATE "C" REFERENCES scans(id) ON DELETE CASCADE,
  event_ids       TEXT COLLATE "C" NOT NULL DEFAULT '[]' CHECK (json_valid(event_ids)),
  test            BIGINT NOT NULL DEFAULT 0,
  state           TEXT COLLATE "C" NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
  attempts        BIGINT NOT NULL DEFAULT 0,
  next_attempt_at TEXT COLLATE "C" NOT NULL,
  last_error      TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_at      TEXT COLLATE "C" NOT NULL,
  sent_at         TEXT COLLATE "C",
  UNIQUE (channel_id, scan_id)
);
CREATE INDEX alert_deliveries_pending ON alert_deliveries (state, next_attempt_at);

CREATE TABLE audit_log (
  seq       BIGINT PRIMARY KEY,
  at        TEXT COLLATE "C" NOT NULL,
  actor     TEXT COLLATE "C" NOT NULL,
  action    TEXT COLLATE "C" NOT NULL,
  subject   TEXT COLLATE "C" NOT NULL DEFAULT '',
  details   TEXT COLLATE "C" NOT NULL DEFAULT '{}' CHECK (json_valid(details)),
  prev_hash TEXT COLLATE "C" NOT NULL,
  hash      TEXT COLLATE "C" NOT NULL UNIQUE
);
CREATE FUNCTION audit_log_append_only() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING MESSAGE = 'the audit log is append-only', ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE signing_keys (
  id             TEXT COLLATE "C" PRIMARY KEY,
  algorithm      TEXT COLLATE "C" NOT NULL CHECK (algorithm = 'ed25519'),
  public_key     TEXT COLLATE "C" NOT NULL,
  sealed_private BYTEA NOT NULL,
  created_at     TEXT COLLATE "C" NOT NULL
);

CREATE TABLE credential_bindings (
  credential_id TEXT COLLATE "C" NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
  address       TEXT COLLATE "C" NOT NULL,
  bound_at      TEXT COLLATE "C" NOT NULL,
  how           TEXT COLLATE "C" NOT NULL CHECK (how IN ('existing', 'first-use', 'confirmed')),
  PRIMARY KEY (credential_id, address)
);

CREATE TABLE vault_control (
  id              BIGINT PRIMARY KEY CHECK (id = 1),
  lock_generation BIGINT NOT NULL DEFAULT 0,
  failures        BIGINT NOT NULL DEFAULT 0,
  last_failure_at TEXT COLLATE "C",
  next_attempt_at TEXT COLLATE "C"
);

CREATE TABLE vault_processes (
  id              TEXT COLLATE "C" PRIMARY KEY,
  pid             BIGINT NOT NULL,
  face            TEXT COLLATE "C" NOT NULL,
  started_at      TEXT COLLATE "C" NOT NULL,
  unlocked        BIGINT NOT NULL DEFAULT 0,
  seen_generation BIGINT NOT NULL DEFAULT 0,
  updated_at      TEXT COLLATE "C" NOT NULL
);

CREATE TABLE target_packs (
  target_id   TEXT COLLATE "C" PRIMARY KEY REFERENCES targets(id) ON DELETE CASCADE,
  pack_id     TEXT COLLATE "C" NOT NULL,
  assigned_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE exceptions (
  id            TEXT COLLATE "C" PRIMARY KEY,
  rule_pattern  TEXT COLLATE "C" NOT NULL CHECK (rule_pattern <> ''),
  scope         TEXT COLLATE "C" NOT NULL CHECK (scope IN ('target', 'group', 'all')),
  target_id     TEXT COLLATE "C" REFERENCES targets(id) ON DELETE CASCADE,
  -- NOCASE in SQLite: compared with lower().
  group_name    TEXT COLLATE "C",
  justification TEXT COLLATE "C" NOT NULL CHECK (trim(justification) <> ''),
  approved_by   TEXT COLLATE "C" NOT NULL CHECK (trim(approved_by) <> ''),
  created_at    TEXT COLLATE "C" NOT NULL,
  updated_at    TEXT COLLATE "C" NOT NULL,
  expires_at    TEXT COLLATE "C" NOT NULL,
  evidence      TEXT COLLATE "C" REFERENCES evidence(sha256),
  evidence_name TEXT COLLATE "C" NOT NULL DEFAULT '',
  revoked_at    TEXT COLLATE "C",
  revoked_by    TEXT COLLATE "C" NOT NULL DEFAULT '',
  notice_at     TEXT COLLATE "C",
  expired_at    TEXT COLLATE "C",
  CHECK ((scope = 'target') = (target_id IS NOT NULL)),
  CHECK ((scope = 'group') = (group_name IS NOT NULL))
);
CREATE INDEX exceptions_by_expiry ON exceptions (expires_at) WHERE revoked_at IS NULL;

CREATE TABLE attestations (
  id            TEXT COLLATE "C" PRIMARY KEY,
  target_id     TEXT COLLATE "C" REFERENCES targets(id) ON DELETE CASCADE,
  rule_id       TEXT COLLATE "C" NOT NULL CHECK (rule_id <> ''),
  status        TEXT COLLATE "C" NOT NULL CHECK (status IN ('passed', 'failed')),
  explanation   TEXT COLLATE "C" NOT NULL CHECK (trim(explanation) <> ''),
  frequency     TEXT COLLATE "C" NOT NULL,
  attested_by   TEXT COLLATE "C" NOT NULL CHECK (trim(attested_by) <> ''),
  attested_at   TEXT COLLATE "C" NOT NULL,
  expires_at    TEXT COLLATE "C" NOT NULL,
  evidence      TEXT COLLATE "C" REFERENCES evidence(sha256),
  evidence_name TEXT COLLATE "C" NOT NULL DEFAULT '',
  revoked_at    TEXT COLLATE "C",
  created_at    TEXT COLLATE "C" NOT NULL,
  updated_at    TEXT COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX attestations_one_live ON attestations (coalesce(target_id, ''), rule_id)
  WHERE revoked_at IS NULL;

CREATE TABLE rule_controls (
  source     TEXT COLLATE "C" NOT NULL,
  rule_id    TEXT COLLATE "C" NOT NULL,
  framework  TEXT COLLATE "C" NOT NULL,
  control_id TEXT COLLATE "C" NOT NULL,
  family     TEXT COLLATE "C" NOT NULL,
  label      TEXT COLLATE "C" NOT NULL DEFAULT '',
  PRIMARY KEY (framework, rule_id, control_id, source)
);
CREATE INDEX rule_controls_by_source ON rule_controls (source);

CREATE TABLE control_sources (
  source    TEXT COLLATE "C" PRIMARY KEY,
  digest    TEXT COLLATE "C" NOT NULL,
  mapped_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE target_control_counts (
  framework TEXT COLLATE "C" NOT NULL,
  target_id TEXT COLLATE "C" NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
  -- The target's scans and the mappings the counts were made from (ControlsRepo.versions): stale when not.
  version   TEXT COLLATE "C" NOT NULL,
  -- {c: control ids, f: families, l: labels, n: [pass, fail, not applicable, other] per control}
  counts    TEXT COLLATE "C" NOT NULL CHECK (json_valid(counts)),
  PRIMARY KEY (framework, target_id)
);

CREATE TABLE ${POSTGRES_SCHEMA_TABLE} (
  one     BIGINT PRIMARY KEY DEFAULT 1 CHECK (one = 1),
  version BIGINT NOT NULL
);
INSERT INTO ${POSTGRES_SCHEMA_TABLE} (version) VALUES (${POSTGRES_BASELINE_VERSION});
`

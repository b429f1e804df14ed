// Schema migration 8: watch: schedules, drift events, alert channels, alerts and their deliveries. Shipped: never edited; a change is a new migration.
import type { Migration } from './migration'

export const v08: Migration = {
  version: 8,
  name: 'watch: schedules, drift events, alert channels, alerts and their deliveries',
  up(db) {
    // Alert channels keep their secrets (HMAC key, Slack URL, SMTP password) in the vault as 'alert-secret'
    // credentials; the kind list is a CHECK, so the credentials table is rebuilt with the new kind.
    db.exec(`
        CREATE TABLE credentials_v7 (
          id         TEXT PRIMARY KEY,
          kind       TEXT NOT NULL CHECK (kind IN ('ssh-key', 'ssh-password', 'sudo-password', 'db-password',
                                                   'db-client-cert', 'github-token', 'alert-secret')),
          name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
          meta       TEXT NOT NULL CHECK (json_valid(meta)),
          ciphertext BLOB NOT NULL,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          rotated_at TEXT
        ) STRICT;
        INSERT INTO credentials_v7 SELECT id, kind, name, meta, ciphertext, created_at, updated_at, rotated_at FROM credentials;
        DROP TABLE credentials;
        ALTER TABLE credentials_v7 RENAME TO credentials;

        CREATE TABLE schedules (
          id               TEXT PRIMARY KEY,
          target_id        TEXT REFERENCES targets(id) ON DELETE CASCADE,
          group_name       TEXT COLLATE NOCASE,
          kind             TEXT NOT NULL CHECK (kind IN ('interval', 'daily')),
          interval_minutes INTEGER NOT NULL DEFAULT 0,
          daily_times      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(daily_times)),
          priority         INTEGER NOT NULL DEFAULT 0 CHECK (priority IN (0, 1)),
          jitter_seconds   INTEGER NOT NULL DEFAULT 0,
          request          TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(request)),
          paused           INTEGER NOT NULL DEFAULT 0,
          created_at       TEXT NOT NULL,
          updated_at       TEXT NOT NULL,
          CHECK ((target_id IS NULL) <> (group_name IS NULL))
        ) STRICT;
        -- One row per schedule and target it covers: when it runs next, how the last run went, backoff.
        CREATE TABLE schedule_runs (
          schedule_id  TEXT NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
          target_id    TEXT NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
          next_run_at  TEXT NOT NULL,
          last_run_at  TEXT,
          last_scan_id TEXT,
          status       TEXT NOT NULL DEFAULT 'waiting'
                       CHECK (status IN ('waiting', 'running', 'backoff', 'vault_locked', 'unavailable')),
          detail       TEXT NOT NULL DEFAULT '',
          failures     INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (schedule_id, target_id)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE watch_pauses (
          target_id TEXT PRIMARY KEY REFERENCES targets(id) ON DELETE CASCADE,
          paused_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE drift_events (
          id            INTEGER PRIMARY KEY AUTOINCREMENT,
          target_id     TEXT NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
          scan_id       TEXT NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
          prev_scan_id  TEXT REFERENCES scans(id) ON DELETE SET NULL,
          rule_id       TEXT NOT NULL DEFAULT '',
          type          TEXT NOT NULL CHECK (type IN ('regression', 'fixed', 'new-failing', 'value', 'score')),
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
        CREATE INDEX drift_events_by_target ON drift_events(target_id, at);
        CREATE INDEX drift_events_by_at ON drift_events(at);
        CREATE TABLE alert_channels (
          id               TEXT PRIMARY KEY,
          kind             TEXT NOT NULL CHECK (kind IN ('webhook', 'slack', 'github-issue', 'email')),
          name             TEXT NOT NULL UNIQUE COLLATE NOCASE,
          enabled          INTEGER NOT NULL DEFAULT 1,
          config           TEXT NOT NULL CHECK (json_valid(config)),
          credential_id    TEXT REFERENCES credentials(id) ON DELETE SET NULL,
          throttle_minutes INTEGER NOT NULL DEFAULT 0,
          created_at       TEXT NOT NULL,
          updated_at       TEXT NOT NULL
        ) STRICT;
        -- An alert is open while its rule keeps failing (no repeat), and resolves when the rule passes again.
        CREATE TABLE alerts (
          id              INTEGER PRIMARY KEY AUTOINCREMENT,
          target_id       TEXT NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
          rule_id         TEXT NOT NULL,
          event_id        INTEGER NOT NULL REFERENCES drift_events(id) ON DELETE CASCADE,
          state           TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
          opened_at       TEXT NOT NULL,
          acknowledged_at TEXT,
          resolved_at     TEXT,
          resolved_event  INTEGER REFERENCES drift_events(id) ON DELETE SET NULL
        ) STRICT;
        CREATE UNIQUE INDEX alerts_one_open ON alerts(target_id, rule_id) WHERE state <> 'resolved';
        -- The outbox: written in the scan's commit, so a crash can neither lose nor repeat a message.
        CREATE TABLE alert_deliveries (
          id              INTEGER PRIMARY KEY AUTOINCREMENT,
          channel_id      TEXT NOT NULL REFERENCES alert_channels(id) ON DELETE CASCADE,
          target_id       TEXT REFERENCES targets(id) ON DELETE CASCADE,
          scan_id         TEXT REFERENCES scans(id) ON DELETE CASCADE,
          event_ids       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(event_ids)),
          test            INTEGER NOT NULL DEFAULT 0,
          state           TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
          attempts        INTEGER NOT NULL DEFAULT 0,
          next_attempt_at TEXT NOT NULL,
          last_error      TEXT NOT NULL DEFAULT '',
          created_at      TEXT NOT NULL,
          sent_at         TEXT,
          UNIQUE (channel_id, scan_id)
        ) STRICT;
        CREATE INDEX alert_deliveries_pending ON alert_deliveries(state, next_attempt_at);
      `)
  },
}

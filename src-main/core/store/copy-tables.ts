// Every table of the store, in the order a copy must fill them: a table comes after every table it references,
// so each row's foreign keys already hold when it is inserted. test/unit/store/copy-tables.test.ts holds this
// list to the schema, so a table added by a migration cannot be left out of `driftwatch migrate-store`.
import type { DB } from './sql/schema'

export interface StoreTable {
  name: keyof DB & string
  /** The primary key: rows are read in this order, a page at a time after the last key read (keyset pages). */
  key: readonly string[]
  /** A PostgreSQL identity column, whose sequence must move past the copied ids. */
  identity?: string
  /** Rows per page when rows are large (content, evidence, cached downloads): memory stays bounded. */
  pageRows?: number
  /**
   * A new SQLite store is created with this table's one row (the vault's lock counters): the destination may
   * hold it, and the copy replaces it with the source's.
   */
  createdWithStore?: true
}

export const STORE_TABLES: readonly StoreTable[] = [
  { name: 'settings', key: ['key'] },
  { name: 'vault', key: ['id'] },
  { name: 'vault_members', key: ['id'] },
  { name: 'vault_control', key: ['id'], createdWithStore: true },
  { name: 'vault_processes', key: ['id'] },
  { name: 'credentials', key: ['id'] },
  { name: 'credential_bindings', key: ['credential_id', 'address'] },
  { name: 'signing_keys', key: ['id'] },
  { name: 'known_hosts', key: ['host', 'port'] },
  { name: 'content', key: ['sha256'], pageRows: 2 },
  { name: 'tailorings', key: ['id'] },
  { name: 'rule_packs', key: ['id'] },
  { name: 'http_cache', key: ['key'], pageRows: 50 },
  { name: 'evidence', key: ['sha256'], pageRows: 50 },
  { name: 'targets', key: ['id'] },
  { name: 'target_labels', key: ['target_id', 'type', 'label'] },
  { name: 'target_packs', key: ['target_id'] },
  { name: 'scans', key: ['id'] },
  { name: 'results', key: ['scan_id', 'rule_id'] },
  { name: 'current_status', key: ['target_id', 'rule_id'] },
  { name: 'github_repo_state', key: ['target_id', 'repo'] },
  { name: 'schedules', key: ['id'] },
  { name: 'schedule_runs', key: ['schedule_id', 'target_id'] },
  { name: 'watch_pauses', key: ['target_id'] },
  { name: 'scheduled_scans', key: ['schedule_id', 'target_id', 'due_at'] },
  { name: 'store_processes', key: ['id'] },
  { name: 'drift_events', key: ['id'], identity: 'id' },
  { name: 'alert_channels', key: ['id'] },
  { name: 'alerts', key: ['id'], identity: 'id' },
  { name: 'alert_deliveries', key: ['id'], identity: 'id' },
  { name: 'exceptions', key: ['id'] },
  { name: 'attestations', key: ['id'] },
  { name: 'rule_controls', key: ['framework', 'rule_id', 'control_id', 'source'] },
  { name: 'control_sources', key: ['source'] },
  { name: 'target_control_counts', key: ['framework', 'target_id'] },
  { name: 'audit_log', key: ['seq'] },
]

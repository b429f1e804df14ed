// The store's tables as the query builder sees them: generated from SQLite's schema at the latest migration
// (kysely-codegen --dialect sqlite), then formatted. Regenerate after a migration; the store test compares it.
import type { ColumnType } from 'kysely'

export type Generated<T> =
  T extends ColumnType<infer S, infer I, infer U>
    ? ColumnType<S, I | undefined, U>
    : ColumnType<T, T | undefined, T>

export interface AlertChannels {
  config: string
  created_at: string
  credential_id: string | null
  enabled: Generated<number>
  id: string
  kind: string
  name: string
  throttle_minutes: Generated<number>
  updated_at: string
}

export interface AlertDeliveries {
  attempts: Generated<number>
  channel_id: string
  claim_until: string | null
  claimed_by: string | null
  created_at: string
  event_ids: Generated<string>
  id: Generated<number | null>
  last_error: Generated<string>
  next_attempt_at: string
  scan_id: string | null
  sent_at: string | null
  state: string
  target_id: string | null
  test: Generated<number>
}

export interface Alerts {
  acknowledged_at: string | null
  event_id: number
  id: Generated<number | null>
  opened_at: string
  resolved_at: string | null
  resolved_event: number | null
  rule_id: string
  state: string
  target_id: string
}

export interface Attestations {
  attested_at: string
  attested_by: string
  created_at: string
  evidence: string | null
  evidence_name: Generated<string>
  expires_at: string
  explanation: string
  frequency: string
  id: string
  revoked_at: string | null
  rule_id: string
  status: string
  target_id: string | null
  updated_at: string
}

export interface AuditLog {
  action: string
  actor: string
  at: string
  details: Generated<string>
  hash: string
  prev_hash: string
  seq: Generated<number | null>
  subject: Generated<string>
  who: string | null
}

export interface Content {
  bytes: number
  data: Buffer
  file_name: string
  imported_at: string
  parsed: Buffer
  scap_version: string
  sha256: string
  source_path: string
  summary: string
}

export interface ControlSources {
  digest: string
  mapped_at: string
  source: string
}

export interface CredentialBindings {
  address: string
  bound_at: string
  credential_id: string
  how: string
}

export interface Credentials {
  ciphertext: Buffer
  created_at: string
  id: string
  kind: string
  meta: string
  name: string
  rotated_at: string | null
  updated_at: string
}

export interface CurrentStatus {
  actual: Generated<string>
  rule_id: string
  scan_id: string
  since: string
  status: string
  target_id: string
}

export interface DriftEvents {
  at: string
  from_actual: Generated<string>
  from_score: number | null
  from_status: Generated<string>
  id: Generated<number | null>
  prev_scan_id: string | null
  rule_id: Generated<string>
  scan_id: string
  severity: string
  target_id: string
  title: Generated<string>
  to_actual: Generated<string>
  to_score: number | null
  to_status: Generated<string>
  type: string
}

export interface Evidence {
  bytes: number
  created_at: string
  gz: Buffer
  media_type: string
  sha256: string
}

export interface Exceptions {
  approved_by: string
  created_at: string
  evidence: string | null
  evidence_name: Generated<string>
  expired_at: string | null
  expires_at: string
  group_name: string | null
  id: string
  justification: string
  notice_at: string | null
  revoked_at: string | null
  revoked_by: Generated<string>
  rule_pattern: string
  scope: string
  target_id: string | null
  updated_at: string
}

export interface GithubRepoState {
  checked_at: string
  pack: string
  pushed_at: Generated<string>
  repo: string
  results: string
  target_id: string
  updated_at: Generated<string>
}

export interface HttpCache {
  etag: string
  gz: Buffer
  headers: string
  key: string
  stored_at: string
  used_at: string
}

export interface KnownHosts {
  fingerprint: string
  host: string
  key_type: string
  port: number
  public_key: string
  trusted_at: string
}

export interface Results {
  actual: Generated<string>
  evidence_items: Generated<string>
  expected: Generated<string>
  idents: Generated<string>
  message: Generated<string>
  rule_id: string
  scan_id: string
  severity: string
  status: string
  title: string
}

export interface RuleControls {
  control_id: string
  family: string
  framework: string
  label: Generated<string>
  rule_id: string
  source: string
}

export interface RulePacks {
  id: string
  imported_at: string
  kind: string
  pack: string
  title: string
  updated_at: string
}

export interface Scans {
  counts: Generated<string>
  error: Generated<string>
  evidence: string | null
  finished_at: string | null
  id: string
  info: Generated<string>
  policy: Generated<string>
  profile_id: Generated<string>
  runner: string | null
  score: number | null
  seq: Generated<number>
  started_at: string
  state: string
  tailoring_id: string | null
  tailoring_name: string | null
  tailoring_sha256: string | null
  target_id: string
  trigger: string
}

export interface ScheduledScans {
  attempts: Generated<number>
  claimed_at: string
  due_at: string
  finished_at: string | null
  scan_id: string | null
  schedule_id: string
  state: string
  target_id: string
  worker: string
}

export interface ScheduleRuns {
  claim_until: string | null
  claimed_by: string | null
  detail: Generated<string>
  failures: Generated<number>
  last_run_at: string | null
  last_scan_id: string | null
  next_run_at: string
  schedule_id: string
  status: Generated<string>
  target_id: string
}

export interface Schedules {
  created_at: string
  daily_times: Generated<string>
  days: Generated<string>
  group_name: string | null
  id: string
  interval_minutes: Generated<number>
  jitter_seconds: Generated<number>
  kind: string
  paused: Generated<number>
  priority: Generated<number>
  request: Generated<string>
  target_id: string | null
  time_zone: Generated<string>
  updated_at: string
}

export interface Settings {
  key: string
  updated_at: string
  value: string
}

export interface SigningKeys {
  algorithm: string
  created_at: string
  id: string
  public_key: string
  sealed_private: Buffer
}

export interface StoreProcesses {
  face: string
  host: string
  id: string
  only_kinds: Generated<string>
  pid: number
  seen_at: string
  started_at: string
  tags: Generated<string>
}

export interface Tailorings {
  assigned: string
  benchmark_id: string
  content_sha256: string
  created_at: string
  data: string
  id: string
  name: string
  updated_at: string
}

export interface TargetControlCounts {
  counts: string
  framework: string
  target_id: string
  version: string
}

export interface TargetLabels {
  label: string
  target_id: string
  type: string
}

export interface TargetPacks {
  assigned_at: string
  pack_id: string
  target_id: string
}

export interface Targets {
  created_at: string
  description: Generated<string>
  host: Generated<string>
  id: string
  kind: string
  name: string
  settings: string
  updated_at: string
}

export interface Vault {
  auto_lock_minutes: Generated<number>
  created_at: string
  id: Generated<number | null>
  key_check: Buffer
  remembered_key: Buffer | null
  updated_at: string
}

export interface VaultControl {
  failures: Generated<number>
  id: Generated<number | null>
  last_failure_at: string | null
  lock_generation: Generated<number>
  next_attempt_at: string | null
}

export interface VaultMembers {
  added_at: string
  added_by: Generated<string>
  bound: Generated<number>
  checksum: string
  failures: Generated<number>
  header: string
  id: string
  last_failure_at: string | null
  name: string
  next_attempt_at: string | null
  secret_kind: string
  wrapped_key: Buffer
}

export interface VaultProcesses {
  face: string
  id: string
  pid: number
  seen_generation: Generated<number>
  started_at: string
  unlocked: Generated<number>
  updated_at: string
}

export interface WatchPauses {
  paused_at: string
  target_id: string
}

export interface DB {
  alert_channels: AlertChannels
  alert_deliveries: AlertDeliveries
  alerts: Alerts
  attestations: Attestations
  audit_log: AuditLog
  content: Content
  control_sources: ControlSources
  credential_bindings: CredentialBindings
  credentials: Credentials
  current_status: CurrentStatus
  drift_events: DriftEvents
  evidence: Evidence
  exceptions: Exceptions
  github_repo_state: GithubRepoState
  http_cache: HttpCache
  known_hosts: KnownHosts
  results: Results
  rule_controls: RuleControls
  rule_packs: RulePacks
  scans: Scans
  schedule_runs: ScheduleRuns
  scheduled_scans: ScheduledScans
  schedules: Schedules
  settings: Settings
  signing_keys: SigningKeys
  store_processes: StoreProcesses
  tailorings: Tailorings
  target_control_counts: TargetControlCounts
  target_labels: TargetLabels
  target_packs: TargetPacks
  targets: Targets
  vault: Vault
  vault_control: VaultControl
  vault_members: VaultMembers
  vault_processes: VaultProcesses
  watch_pauses: WatchPauses
}

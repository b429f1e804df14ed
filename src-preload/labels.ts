// Words for people, outside the contract: how credential kinds and drift types read in the app and the CLI.
// The wire carries the kinds' names only; each face words them with these.
import type { CredentialKind, DRIFT_TYPES } from './contract'

export const CREDENTIAL_LABELS: Record<CredentialKind, string> = {
  'ssh-key': 'SSH private key',
  'ssh-password': 'SSH password',
  'sudo-password': 'Sudo password',
  'db-password': 'Database password',
  'db-client-cert': 'Database client certificate',
  'github-token': 'GitHub token',
  'alert-secret': 'Alert channel secret',
}

export const DRIFT_TYPE_LABELS: Record<(typeof DRIFT_TYPES)[number], string> = {
  regression: 'Regression',
  fixed: 'Fixed',
  'new-failing': 'New failing rule',
  value: 'Value changed',
  score: 'Score',
}

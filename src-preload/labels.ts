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
  'exception-expired': 'Exception expired',
}

/** Reference schemes as auditors name them; a scheme not listed (a pack's own, e.g. "CIS PostgreSQL 15") reads as is. */
export const REFERENCE_SCHEME_LABELS: Record<string, string> = {
  'NIST-800-53': 'NIST SP 800-53',
  'NIST-800-171': 'NIST SP 800-171',
  'NIST-CSF': 'NIST CSF',
  CIS: 'CIS',
  'CIS-CSC': 'CIS Controls',
  CCE: 'CCE',
  CVE: 'CVE',
  CWE: 'CWE',
  'DISA-CCI': 'DISA CCI',
  CCI: 'DISA CCI',
  'DISA-SRG': 'DISA SRG',
  STIG: 'DISA STIG',
  'PCI-DSS': 'PCI DSS',
  'PCI-DSS-4': 'PCI DSS v4',
  'ISO-27001': 'ISO/IEC 27001',
  COBIT5: 'COBIT 5',
  'ISA-62443-2013': 'ISA/IEC 62443-3-3',
  'ISA-62443-2009': 'ISA/IEC 62443-2-1',
  'NERC-CIP': 'NERC CIP',
  HIPAA: 'HIPAA',
  ANSSI: 'ANSSI',
  OSPP: 'NIAP OSPP',
  CJIS: 'CJIS',
  ISM: 'Australian ISM',
  other: 'Reference',
}

/** One reference as a person reads it, scheme first: "NIST SP 800-53: AC-2", "CCE: CCE-12345-6". */
export const referenceLabel = (r: { system: string; id: string }): string =>
  `${REFERENCE_SCHEME_LABELS[r.system] ?? r.system}: ${r.id}`

/** A rule's identifiers then its references, each labelled by scheme, without repeats (an ident may also be a reference). */
export function referenceLabels(
  idents: readonly { system: string; id: string }[],
  references: readonly { system: string; id: string }[],
): string[] {
  return [...new Set([...idents, ...references].map(referenceLabel))]
}

/** How a report says what started its scans ("Started from the command line"). */
export const TRIGGER_WORDS: Record<string, string> = {
  manual: 'from the app (Scan now)',
  schedule: "by the watch's schedule",
  group: 'as a group scan',
  cli: 'from the command line',
}
export const triggerWords = (t: string) => TRIGGER_WORDS[t] ?? t

// What a scan produces and what a person asks of one: plain data shared by the scanners (which return it),
// the store (which keeps it) and the watch, so none of them depends on another for its types.
import type { EvidenceCheck } from './evidence'
import type { RepoState } from './github'

export type RuleStatus =
  | 'pass'
  | 'fail'
  | 'error'
  | 'unknown'
  | 'notapplicable'
  | 'notchecked'
  | 'notselected'
  | 'informational'
  | 'fixed'

export interface RuleResult {
  ruleId: string
  status: RuleStatus
  severity: string
  title: string
  /** What was found (e.g. a setting's value); '' when the check does not expose it. */
  actual: string
  expected: string
  /** Check messages, or why the rule errored. */
  message: string
  idents: { system: string; id: string }[]
  /** What the check examined and found, against what it expected (OS rules: from the OVAL results). */
  evidence?: EvidenceCheck[]
}

export interface EvidenceArtefact {
  mediaType: string
  name: string
  bytes: Buffer
}

export interface ScanOutcome {
  results: RuleResult[]
  evidence: EvidenceArtefact[]
  info: Record<string, string>
  /**
   * GitHub: each repository in scope as this scan saw it, with its results. The commit replaces the target's
   * stored state with it in the scan's transaction, so a cancelled or failed scan leaves none behind.
   */
  githubRepoState?: RepoState[]
}

/** What a person (or the watch) asks for: which benchmark or rule pack, and how. Fields a kind does not use are ignored. */
export interface ScanRequest {
  /** SCAP content by SHA-256 (oscap scanners). */
  sha256?: string
  /** An XCCDF profile id (oscap), or a rule pack id (SQL, GitHub); each scanner has a default. */
  profileId?: string
  tailoringId?: string
  /** The SHA-256 host-key fingerprint a person confirmed for an SSH target seen for the first time. */
  trustHostKey?: string
}

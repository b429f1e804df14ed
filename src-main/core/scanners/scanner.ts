// The one small interface every scanner implements: "Test connection" and a scan that returns results and
// raw evidence. Scanners never touch the store; the core persists what they return in one transaction.
import type { Target } from '../../../src-preload/contract'

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
}

export type ScanProgress =
  | { phase: 'connect' | 'prepare' | 'upload' | 'fetch' | 'ingest' | 'cleanup'; message: string }
  | { phase: 'rule'; ruleId: string; status: RuleStatus | 'running'; done: number; total: number }

export interface ScanContext {
  signal: AbortSignal
  progress(p: ScanProgress): void
  log(msg: string, fields?: Record<string, unknown>): void
}

export interface ConnectionStep {
  step: string
  ok: boolean
  detail: string
  /** What to do about a failed step, e.g. "install openscap-scanner on the target". */
  fix?: string
}

export interface ConnectionReport {
  ok: boolean
  message: string
  steps: ConnectionStep[]
}

export interface Scanner<K extends Target['kind'] = Target['kind']> {
  kind: K
  test(target: Extract<Target, { kind: K }>, creds: unknown, signal: AbortSignal): Promise<ConnectionReport>
  scan(
    target: Extract<Target, { kind: K }>,
    creds: unknown,
    plan: unknown,
    ctx: ScanContext,
  ): Promise<ScanOutcome>
}

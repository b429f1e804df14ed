// The one small interface every scanner implements: "Test connection" and a scan that returns results and
// raw evidence. Scanners never touch the store; the core persists what they return in one transaction.
import type { Target, TargetKind } from '../../../src-preload/contract'
import type { RuleStatus, ScanOutcome, ScanRequest } from '../model/scan'

export type { EvidenceArtefact, RuleResult, RuleStatus, ScanOutcome, ScanRequest } from '../model/scan'

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

/** A checked request with its defaults filled in; what the scan row records. */
export interface ScanPlan {
  profileId: string
  tailoringId: string | null
  sha256?: string
  trustHostKey?: string
}

/**
 * One scanner per family of target kinds. Scanners are built with what they need (the vault, pinned host keys,
 * the content store) and take secrets from the vault only while they run, so plaintext never outlives a scan.
 * Adding a scanner is one file and one line in the core's list.
 */
export interface Scanner {
  kinds: readonly TargetKind[]
  /** Checks a request before a scan row exists; throws AppError ('validation' naming the field, 'not_found'). */
  plan(target: Target, req: ScanRequest): ScanPlan
  scan(target: Target, plan: ScanPlan, ctx: ScanContext): Promise<ScanOutcome>
}

export const scannerFor = (list: readonly Scanner[], kind: TargetKind): Scanner | undefined =>
  list.find((s) => s.kinds.includes(kind))

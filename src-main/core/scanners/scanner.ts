// The one small interface every scanner implements: "Test connection" and a scan that returns results and
// raw evidence. Scanners never touch the store; the core persists what they return in one transaction.
import type { Target } from '../../../src-preload/contract'
import type { RuleStatus, ScanOutcome, ScanRequest } from '../model/scan'

export type { EvidenceArtefact, RuleResult, RuleStatus, ScanOutcome, ScanRequest } from '../model/scan'

export type ScanProgress =
  | { phase: 'connect' | 'prepare' | 'upload' | 'fetch' | 'ingest' | 'cleanup'; message: string }
  | { phase: 'rule'; ruleId: string; status: RuleStatus | 'running'; done: number; total: number }

export interface ScanContext {
  signal: AbortSignal
  progress(p: ScanProgress): void
  log(msg: string, fields?: Record<string, unknown>): void
  /**
   * Work a scan leaves for after its results are committed (or its failure recorded), such as removing a remote
   * temp dir: the core runs it without holding up the scan's end, and idle() waits for it. Without it, the
   * scanner does the work itself before returning.
   */
  after?(task: () => Promise<void>): void
  /** What the scan could not remove from the host (the core tells the faces and the audit log: scan.leftover). */
  leftOnHost?(message: string): void
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
  /** The tailoring file as planned: the scan runs exactly this file; the scan row keeps its name and SHA-256. */
  tailoring?: { name: string; xml: string; sha256: string; profileId: string }
  /** What else decides the policy beyond content and profile (a rule pack's rules and variables), hashed. */
  policyDigest?: string
}

/**
 * Plan and scan for targets of some kinds. Scanners are built with what they need (the vault, pinned host keys,
 * the content store) and take secrets from the vault only while they run, so plaintext never outlives a scan.
 * Each kind's descriptor (scanners/<kind>/index.ts) builds its own; tests may put scripted ones first.
 */
export interface Scanner {
  kinds: readonly string[]
  /** Checks a request before a scan row exists; throws AppError ('validation' naming the field, 'not_found'). */
  plan(target: Target, req: ScanRequest): ScanPlan
  scan(target: Target, plan: ScanPlan, ctx: ScanContext): Promise<ScanOutcome>
}

/** A scanner as a kind's descriptor builds it: the kind it serves is the descriptor's. */
export type KindScanner = Pick<Scanner, 'plan' | 'scan'>

export const scannerFor = (list: readonly Scanner[], kind: string): Scanner | undefined =>
  list.find((s) => s.kinds.includes(kind))

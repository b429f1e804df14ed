// Drift: what changed between a target's current status per rule and the scan being committed. Pure, so the
// rules of what counts as drift are tested on their own; the scan commit calls it inside its transaction.
import type { RuleResult } from '../scanners/scanner'
import { DRIFT_TYPES } from '../../../src-preload/contract/drift'

// The kinds of drift are the contract's list: the store's CHECK, the commit and the wire read the same one.
export { DRIFT_TYPES }
export type DriftType = (typeof DRIFT_TYPES)[number]
export const SCORE_SEVERITIES = ['major', 'minor', 'improvement'] as const

export interface Thresholds {
  /** A score drop of at least this many points is major drift. */
  major: number
  /** A drop of at least this many points is minor drift; a rise of at least this much is an improvement. */
  minor: number
}
export const DEFAULT_THRESHOLDS: Thresholds = { major: 10, minor: 5 }

export interface Previous {
  status: string
  actual: string
}

export interface DriftFinding {
  type: DriftType
  ruleId: string
  /** The rule's severity (high, medium, …) for rule drift; major, minor or improvement for score drift. */
  severity: string
  title: string
  fromStatus: string
  toStatus: string
  fromActual: string
  toActual: string
  fromScore: number | null
  toScore: number | null
}

/** Statuses that say nothing about the rule (it could not be checked): never drift, and never overwrite. */
const SILENT = new Set(['error', 'notchecked', 'notselected', 'unknown'])

/**
 * Compares `results` with `previous` (the target's current status per rule). A target's first scan is its
 * baseline: with no previous status at all there is nothing to drift from.
 */
export function computeDrift(
  previous: ReadonlyMap<string, Previous>,
  results: readonly RuleResult[],
  score: { from: number | null; to: number | null },
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): DriftFinding[] {
  if (previous.size === 0) return []
  const out: DriftFinding[] = []
  for (const r of results) {
    if (SILENT.has(r.status)) continue
    const before = previous.get(r.ruleId)
    const base = {
      ruleId: r.ruleId,
      severity: r.severity || 'unknown',
      title: r.title,
      fromStatus: before?.status ?? '',
      toStatus: r.status,
      fromActual: before?.actual ?? '',
      toActual: r.actual,
      fromScore: null,
      toScore: null,
    }
    if (before?.status === 'pass' && r.status === 'fail') out.push({ type: 'regression', ...base })
    else if (before?.status === 'fail' && r.status === 'pass') out.push({ type: 'fixed', ...base })
    else if (r.status === 'fail' && before?.status !== 'fail') out.push({ type: 'new-failing', ...base })
    else if (before && before.status === r.status && before.actual !== r.actual)
      out.push({ type: 'value', ...base })
  }
  const s = scoreDrift(score.from, score.to, thresholds)
  if (s)
    out.push({
      type: 'score',
      ruleId: '',
      severity: s,
      title: `Score ${score.from}% → ${score.to}%`,
      fromStatus: '',
      toStatus: '',
      fromActual: '',
      toActual: '',
      fromScore: score.from,
      toScore: score.to,
    })
  return out
}

export function scoreDrift(
  from: number | null,
  to: number | null,
  t: Thresholds = DEFAULT_THRESHOLDS,
): 'major' | 'minor' | 'improvement' | null {
  if (from === null || to === null) return null
  const delta = Math.round((to - from) * 10) / 10
  if (delta <= -t.major) return 'major'
  if (delta <= -t.minor) return 'minor'
  if (delta >= t.minor) return 'improvement'
  return null
}

/** Which findings open an alert (the rest are recorded and shown, but nobody is woken for them). */
export const alerting = (f: Pick<DriftFinding, 'type' | 'severity'>): boolean =>
  f.type === 'regression' ||
  f.type === 'new-failing' ||
  f.type === 'exception-expired' ||
  (f.type === 'score' && f.severity === 'major')

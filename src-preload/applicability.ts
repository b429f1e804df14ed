// How much of a scan applied to its target, from its counts: the base a score is read against ("20 pass of
// 22 applicable"), and whether the content was probably for another platform (all or most rules not
// applicable). The core keeps such a scan from replacing a target's score; every face words it the same way.

export interface Applicability {
  pass: number
  fail: number
  /** Rules evaluated on the target (all but notapplicable and notselected). */
  applicable: number
  notApplicable: number
  /** Rules the scan looked at (all but notselected). */
  evaluated: number
  /** All, or at least 90 %, of the evaluated rules were not applicable: content for another platform. */
  mismatch: boolean
  /** The scan says something about the target: some rule passed or failed, and it is not a mismatch. */
  meaningful: boolean
}

/** Share of not-applicable rules from which a scan is taken as made with another platform's content. */
export const MISMATCH_SHARE = 0.9

export function applicability(counts: Record<string, number>): Applicability {
  const n = (k: string) => counts[k] ?? 0
  const evaluated = Object.entries(counts)
    .filter(([k]) => k !== 'notselected')
    .reduce((sum, [, v]) => sum + v, 0)
  const notApplicable = n('notapplicable')
  const applicable = evaluated - notApplicable
  const mismatch = notApplicable > 0 && (applicable === 0 || notApplicable / evaluated >= MISMATCH_SHARE)
  return {
    pass: n('pass'),
    fail: n('fail'),
    applicable,
    notApplicable,
    evaluated,
    mismatch,
    meaningful: n('pass') + n('fail') > 0 && !mismatch,
  }
}

/** "20 pass of 22 applicable (3 not applicable)": a score's base in words. */
export function scoreBase(counts: Record<string, number>): string {
  const a = applicability(counts)
  const na = a.notApplicable ? ` (${a.notApplicable} not applicable)` : ''
  return `${a.pass} pass of ${a.applicable} applicable${na}`
}

// How rule results become control statuses: one target's results for one control, then a control across the
// chosen targets (or a family across its controls), as an auditor reads them ("AC-2 satisfied on 14 of 15").
import type { ControlStatus } from '../../../src-preload/contract'
import type { TargetControlRow } from '../store/controls'

export const emptyCounts = (): Record<ControlStatus, number> => ({
  satisfied: 0,
  'not-satisfied': 0,
  partly: 0,
  excepted: 0,
  attested: 0,
  'not-assessed': 0,
})

/**
 * One target, one control: any failing rule not covered by an exception, or a manual rule attested as failed,
 * fails it; failures all excepted make it excepted; a passing rule satisfies it; an attestation that it passed
 * answers it when no rule did; not applicable and informational results alone leave it not assessed.
 */
export function targetControlStatus(
  r: Pick<TargetControlRow, 'pass' | 'fail' | 'excepted' | 'attested' | 'attestedFailed'>,
): ControlStatus {
  if (r.fail > r.excepted || r.attestedFailed > 0) return 'not-satisfied'
  if (r.fail > 0) return 'excepted'
  if (r.pass > 0) return 'satisfied'
  if (r.attested > 0) return 'attested'
  return 'not-assessed'
}

/** Several statuses of one thing (a control over targets, a family over controls) as one. */
export function combine(statuses: readonly ControlStatus[]): ControlStatus {
  const assessed = statuses.filter((s) => s !== 'not-assessed')
  if (assessed.length === 0) return 'not-assessed'
  const failing = assessed.filter((s) => s === 'not-satisfied' || s === 'partly').length
  if (failing === 0) {
    // An accepted deviation anywhere is what an auditor must see: it is never rounded up to "satisfied".
    if (assessed.some((s) => s === 'excepted')) return 'excepted'
    if (assessed.every((s) => s === 'attested')) return 'attested'
    return 'satisfied'
  }
  if (assessed.every((s) => s === 'not-satisfied')) return 'not-satisfied'
  return 'partly'
}

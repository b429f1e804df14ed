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
  const counts = emptyCounts()
  for (const s of statuses) counts[s]++
  return combineCounts(counts)
}

/** combine, from how many of the things have each status. */
export function combineCounts(c: Readonly<Record<ControlStatus, number>>): ControlStatus {
  const assessed = c.satisfied + c['not-satisfied'] + c.partly + c.excepted + c.attested
  if (assessed === 0) return 'not-assessed'
  if (c['not-satisfied'] + c.partly === 0) {
    // An accepted deviation anywhere is what an auditor must see: it is never rounded up to "satisfied".
    if (c.excepted > 0) return 'excepted'
    if (c.attested === assessed) return 'attested'
    return 'satisfied'
  }
  if (c['not-satisfied'] === assessed) return 'not-satisfied'
  return 'partly'
}

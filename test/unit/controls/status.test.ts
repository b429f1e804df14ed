// How rule results become control statuses: one target (any failing rule fails the control; failures all under
// an exception make it excepted; an attestation answers a control no rule passed or failed), then a control over
// targets or a family over controls (all satisfied, all failing, or partly).
import { describe, expect, it } from 'vitest'
import { combine, targetControlStatus } from '../../../src-main/core/controls/status'
import type { TargetControlRow } from '../../../src-main/core/store/controls'

const row = (counts: Partial<TargetControlRow>): TargetControlRow => ({
  targetId: 't',
  controlId: 'au-2',
  family: 'au',
  label: '',
  pass: 0,
  fail: 0,
  notApplicable: 0,
  other: 0,
  excepted: 0,
  attested: 0,
  attestedFailed: 0,
  ...counts,
})

describe('one target, one control', () => {
  it.each([
    [{ pass: 3 }, 'satisfied'],
    [{ pass: 3, fail: 1 }, 'not-satisfied'],
    [{ pass: 3, fail: 2, excepted: 1 }, 'not-satisfied'],
    [{ pass: 3, fail: 2, excepted: 2 }, 'excepted'],
    [{ attested: 1 }, 'attested'],
    [{ attestedFailed: 1 }, 'not-satisfied'],
    [{ pass: 2, attested: 1, attestedFailed: 1 }, 'not-satisfied'],
    [{ pass: 2, attested: 1 }, 'satisfied'],
    [{ notApplicable: 2, other: 1 }, 'not-assessed'],
  ] as const)('%o is %s', (counts, status) => {
    expect(targetControlStatus(row(counts))).toBe(status)
  })
})

describe('several statuses as one', () => {
  it.each([
    [['satisfied', 'satisfied'], 'satisfied'],
    [['satisfied', 'not-satisfied'], 'partly'],
    [['not-satisfied', 'not-satisfied', 'not-assessed'], 'not-satisfied'],
    [['satisfied', 'excepted', 'attested'], 'excepted'],
    [['satisfied', 'attested'], 'satisfied'],
    [['excepted', 'not-assessed'], 'excepted'],
    [['partly', 'satisfied'], 'partly'],
    [['not-assessed'], 'not-assessed'],
    [[], 'not-assessed'],
  ] as const)('%o is %s', (statuses, status) => {
    expect(combine(statuses)).toBe(status)
  })
})

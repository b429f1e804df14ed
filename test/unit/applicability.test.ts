// Reading a scan's counts: the score's base, and when a scan says nothing about its target (another platform).
import { describe, expect, it } from 'vitest'
import { applicability, scoreBase } from '../../src-preload/applicability'

describe('applicability', () => {
  it('words the base of a score, not counting rules outside the profile', () => {
    expect(scoreBase({ pass: 20, fail: 2, notapplicable: 3, notselected: 300 })).toBe(
      '20 pass of 22 applicable (3 not applicable)',
    )
    expect(scoreBase({ pass: 41, fail: 19 })).toBe('41 pass of 60 applicable')
  })

  it('flags all, or 90 %, of the rules not applicable as a mismatch that never counts as a score', () => {
    expect(applicability({ notapplicable: 44, notselected: 311 })).toMatchObject({
      mismatch: true,
      meaningful: false,
    })
    expect(applicability({ notapplicable: 90, pass: 10 })).toMatchObject({
      mismatch: true,
      meaningful: false,
    })
    // A container scan with many rules not applicable still says something about the host.
    expect(applicability({ notapplicable: 26, pass: 17, fail: 1 })).toMatchObject({
      mismatch: false,
      meaningful: true,
    })
    // Nothing passed or failed (only errors): no score to keep, but no platform mismatch either.
    expect(applicability({ error: 5 })).toMatchObject({ mismatch: false, meaningful: false })
  })
})

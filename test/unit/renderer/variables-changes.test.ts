// The tailoring editor's edits: each change is recorded once, an edit back to what the profile says removes
// the change (so "N changes" and the saved tailoring hold only real changes), and the value in force follows
// literal over selector over profile.
import { describe, expect, it } from 'vitest'
import type { ValueView } from '../../../src-preload/contract'
import {
  changeCount,
  effectiveValue,
  NO_CHANGES,
  setLiteral,
  setSelector,
  setSeverity,
  toggleRule,
} from '../../../src-renderer/pages/variables/changes'

const v: ValueView = {
  id: 'xccdf_org.ssgproject.content_value_sshd_idle_timeout_value',
  title: 'SSH idle timeout',
  description: '',
  type: 'number',
  operator: 'equals',
  interactive: true,
  default: '300',
  selectors: [
    { selector: '5_minutes', value: '300' },
    { selector: '15_minutes', value: '900' },
  ],
  usedBy: [],
  profileSelector: '5_minutes',
  profileValue: '300',
}

describe('tailoring changes', () => {
  it('a selector, then a literal, replace each other; the value in force follows', () => {
    let c = setSelector(NO_CHANGES, v, '15_minutes')
    expect(c.refineValues).toEqual({ [v.id]: '15_minutes' })
    expect(effectiveValue(c, v)).toBe('900')
    c = setLiteral(c, v, '600')
    expect(c.refineValues).toEqual({})
    expect(c.setValues).toEqual({ [v.id]: '600' })
    expect(effectiveValue(c, v)).toBe('600')
    expect(changeCount(c)).toBe(1)
  })

  it('going back to what the profile says is no change', () => {
    expect(changeCount(setLiteral(setLiteral(NO_CHANGES, v, '600'), v, '300'))).toBe(0)
    expect(changeCount(setSelector(setSelector(NO_CHANGES, v, '15_minutes'), v, '5_minutes'))).toBe(0)
    expect(changeCount(toggleRule(toggleRule(NO_CHANGES, 'r', true, false), 'r', true, true))).toBe(0)
    expect(
      changeCount(setSeverity(setSeverity(NO_CHANGES, 'r', 'medium', 'high'), 'r', 'medium', 'medium')),
    ).toBe(0)
    expect(effectiveValue(NO_CHANGES, v)).toBe('300')
  })

  it('counts each kind of change and never edits the changes it was given', () => {
    const c = setSeverity(toggleRule(setLiteral(NO_CHANGES, v, '60'), 'r1', true, false), 'r2', 'low', 'high')
    expect(c).toEqual({
      refineValues: {},
      setValues: { [v.id]: '60' },
      selects: { r1: false },
      refineRules: { r2: 'high' },
    })
    expect(changeCount(c)).toBe(3)
    expect(NO_CHANGES).toEqual({ refineValues: {}, setValues: {}, selects: {}, refineRules: {} })
  })
})

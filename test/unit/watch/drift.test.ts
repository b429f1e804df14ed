// What counts as drift, on its own: the rules the scan commit applies against each rule's current status.
import { describe, expect, it } from 'vitest'
import { alerting, computeDrift, scoreDrift, type Previous } from '../../../src-main/core/watch/drift'
import { rule } from '../../helpers/watch'

const prev = (entries: [string, string, string?][]) =>
  new Map<string, Previous>(entries.map(([id, status, actual = '']) => [id, { status, actual }]))
const none = { from: null, to: null }

describe('computeDrift', () => {
  it('records nothing for a target’s first scan (its baseline)', () => {
    expect(computeDrift(new Map(), [rule('a', 'fail')], { from: null, to: 0 })).toEqual([])
  })

  it('tells regression, fixed, new failing and value drift apart', () => {
    const found = computeDrift(
      prev([
        ['reg', 'pass', 'on'],
        ['fix', 'fail'],
        ['na', 'notapplicable'],
        ['val', 'pass', '14'],
        ['same', 'fail', 'x'],
      ]),
      [
        rule('reg', 'fail', 'off'),
        rule('fix', 'pass'),
        rule('na', 'fail'),
        rule('brand-new', 'fail'),
        rule('val', 'pass', '12'),
        rule('same', 'fail', 'x'),
      ],
      none,
    )
    expect(found.map((f) => [f.ruleId, f.type])).toEqual([
      ['reg', 'regression'],
      ['fix', 'fixed'],
      ['na', 'new-failing'],
      ['brand-new', 'new-failing'],
      ['val', 'value'],
    ])
  })

  it('never counts error, notchecked, notselected or unknown as drift', () => {
    const statuses = ['error', 'notchecked', 'notselected', 'unknown'] as const
    const found = computeDrift(
      prev(statuses.map((s) => [s, 'pass', 'on'])),
      statuses.map((s) => rule(s, s, 'off')),
      none,
    )
    expect(found).toEqual([])
  })

  it('classifies score changes with the thresholds, including the exact boundaries', () => {
    expect(scoreDrift(90, 80)).toBe('major')
    expect(scoreDrift(90, 80.1)).toBe('minor')
    expect(scoreDrift(90, 85)).toBe('minor')
    expect(scoreDrift(90, 85.1)).toBe(null)
    expect(scoreDrift(85, 90)).toBe('improvement')
    expect(scoreDrift(null, 90)).toBe(null)
    expect(scoreDrift(90, 70, { major: 25, minor: 15 })).toBe('minor')
  })

  it('alerts on regressions, new failing rules and major score drops only', () => {
    expect(alerting({ type: 'regression', severity: 'low' })).toBe(true)
    expect(alerting({ type: 'new-failing', severity: 'low' })).toBe(true)
    expect(alerting({ type: 'score', severity: 'major' })).toBe(true)
    expect(alerting({ type: 'score', severity: 'minor' })).toBe(false)
    expect(alerting({ type: 'value', severity: 'high' })).toBe(false)
    expect(alerting({ type: 'fixed', severity: 'high' })).toBe(false)
  })
})

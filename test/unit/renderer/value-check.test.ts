// The Variables page refuses a typed value before saving (and disables Save) when the core would refuse it
// on save: the renderer's check must say what the core's tailoring validation says, value by value.
import { describe, expect, it } from 'vitest'
import { valueProblem } from '../../../src-renderer/lib/value-check'
import { validateTailoring } from '../../../src-main/core/scap/tailoring'
import type { Tailoring, XccdfValue } from '../../../src-main/core/scap/types'
import type { ValueView } from '../../../src-preload/contract'

const ID = 'xccdf_org.ssgproject.content_value_v'

function value(def: Partial<XccdfValue> & Pick<XccdfValue, 'type'>): { view: ValueView; core: XccdfValue } {
  const core: XccdfValue = {
    id: ID,
    title: 'V',
    description: '',
    operator: 'equals',
    interactive: true,
    default: '',
    selectors: [],
    usedBy: [],
    ...def,
  }
  return { core, view: { ...core, usedBy: [], profileSelector: '', profileValue: '' } }
}

/** What the core says when this literal is saved in a tailoring, or '' when it accepts it. */
function coreProblem(v: XccdfValue, raw: string): string {
  const t: Tailoring = {
    benchmarkHref: 'ds.xml',
    version: '1',
    profileId: 'xccdf_org.example_profile_p',
    profileTitle: 'P',
    extends: 'xccdf_org.ssgproject.content_profile_standard',
    setValues: { [ID]: raw },
    refineValues: {},
    selects: {},
    refineRules: {},
  }
  return validateTailoring(t, [v], new Set())
    .map((p) => p.message)
    .join('; ')
}

const CASES: [string, ReturnType<typeof value>, string[]][] = [
  [
    'a number',
    value({ type: 'number' }),
    ['12', '-3', '1.5', '.5', '1e3', ' 7 ', '', 'abc', '0x1F', 'Infinity', '1,5'],
  ],
  [
    'a number between 1 and 10',
    value({ type: 'number', lowerBound: 1, upperBound: 10 }),
    ['1', '10', '0', '11', '5.5', '-1'],
  ],
  ['a number of at least 5', value({ type: 'number', lowerBound: 5 }), ['5', '4.99', '1000']],
  ['a number of at most 5', value({ type: 'number', upperBound: 5 }), ['5', '5.01', '-1000']],
  ['a boolean', value({ type: 'boolean' }), ['true', 'false', 'TRUE', '1', '']],
  ['a string', value({ type: 'string' }), ['', 'anything at all']],
  ['a string matching ^[a-z]+$', value({ type: 'string', match: '^[a-z]+$' }), ['abc', 'ABC', '', 'ab1']],
  // XCCDF leaves anchoring to the pattern (Perl semantics): an unanchored pattern matches part of the value.
  ['a string matching [0-9]{3}', value({ type: 'string', match: '[0-9]{3}' }), ['123', 'x123y', '12']],
  ['a string matching a|b', value({ type: 'string', match: 'a|b' }), ['a', 'xbx', 'c']],
  ['a number matching ^[0-9]+$', value({ type: 'number', match: '^[0-9]+$' }), ['12', '1.5']],
  ['a string with a pattern JavaScript cannot compile', value({ type: 'string', match: '(?<' }), ['x']],
]

describe('valueProblem agrees with the core on save', () => {
  for (const [what, v, raws] of CASES)
    it.each(raws)(`${what}: %j`, (raw) => {
      const ui = valueProblem(v.view, raw)
      const core = coreProblem(v.core, raw)
      expect({ accepted: ui === '' }, `renderer: "${ui}", core: "${core}"`).toEqual({ accepted: core === '' })
      // Bounds and patterns are worded the same on both sides; the core adds what it got for type errors.
      if (core && !core.startsWith('Must be a number') && !core.startsWith('Must be true or false'))
        expect(ui).toBe(core)
    })
})

describe('valueProblem says what is allowed', () => {
  it.each([
    [value({ type: 'number' }), 'abc', 'Must be a number'],
    [value({ type: 'number' }), '', 'Must be a number'],
    [value({ type: 'number', lowerBound: 1, upperBound: 10 }), '11', 'Must be between 1 and 10'],
    [value({ type: 'number', lowerBound: 5 }), '4', 'Must be at least 5'],
    [value({ type: 'number', upperBound: 5 }), '6', 'Must be at most 5'],
    [value({ type: 'boolean' }), 'yes', 'Must be true or false'],
    [value({ type: 'string', match: '^[a-z]+$' }), 'A', 'Must match the pattern ^[a-z]+$'],
  ])('%#: %j is refused with a reason', (v, raw, message) => {
    expect(valueProblem(v.view, raw)).toBe(message)
  })
})

// A rule a tailoring adds must be evaluated: the file we write selects every ancestor Group the base profile
// leaves unselected, keeps the auditor's own group choices, and adds nothing for unselected rules.
import { describe, expect, it } from 'vitest'
import { withParentGroups, tailoringXml } from '../../../src-main/core/scap/tailoring-groups'
import { readTailoring } from '../../../src-main/core/scap/tailoring'
import type { Benchmark, Tailoring } from '../../../src-main/core/scap/types'

const P = 'xccdf_org.example_'
const rule = (id: string, groupId: string) => ({
  id: `${P}rule_${id}`,
  title: id,
  severity: 'medium' as const,
  description: '',
  rationale: '',
  references: [],
  values: [],
  selectedByDefault: false,
  groupId: `${P}group_${groupId}`,
})
const group = (id: string, parent: string | null) => ({
  id: `${P}group_${id}`,
  title: id,
  parentId: parent ? `${P}group_${parent}` : null,
})

const bench = {
  id: `${P}benchmark_x`,
  title: 'X',
  version: '1',
  datastreamId: '',
  groups: [
    group('system', null),
    group('accounts', 'system'),
    group('pam', 'accounts'),
    group('ssh', 'system'),
  ],
  rules: [rule('minlen', 'pam'), rule('root_login', 'ssh')],
  values: [],
  profiles: [
    {
      id: `${P}profile_base`,
      title: 'Base',
      description: '',
      selected: [`${P}group_system`, `${P}group_ssh`, `${P}rule_root_login`],
      unselected: [`${P}group_accounts`, `${P}group_pam`],
      refineValues: {},
      setValues: {},
      refineRules: {},
    },
  ],
} as unknown as Benchmark

const tailoring = (selects: Record<string, boolean>): Tailoring => ({
  profileId: `${P}profile_base_customized`,
  profileTitle: 'Base (mine)',
  extends: `${P}profile_base`,
  refineValues: {},
  setValues: {},
  selects,
  refineRules: {},
  benchmarkHref: 'x.xml',
  version: '1',
})

describe('selecting a rule selects the groups it needs', () => {
  it('adds each ancestor group the profile unselects, and only those', () => {
    const t = withParentGroups(tailoring({ [`${P}rule_minlen`]: true }), bench)
    expect(t.selects).toEqual({
      [`${P}rule_minlen`]: true,
      [`${P}group_pam`]: true,
      [`${P}group_accounts`]: true,
    })
    // What is written (and so scanned, exported and remediated) carries them.
    expect(readTailoring(tailoringXml(t, bench)).selects).toEqual(t.selects)
  })

  it('adds nothing for an unselected rule or a rule whose groups are selected', () => {
    const t = tailoring({ [`${P}rule_minlen`]: false, [`${P}rule_root_login`]: true })
    expect(withParentGroups(t, bench)).toBe(t)
  })

  it("keeps the tailoring's own choice for a group", () => {
    const t = withParentGroups(tailoring({ [`${P}rule_minlen`]: true, [`${P}group_accounts`]: false }), bench)
    expect(t.selects[`${P}group_accounts`]).toBe(false)
    expect(t.selects[`${P}group_pam`]).toBe(true)
  })
})

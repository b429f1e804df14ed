// How the PDF's Findings gather results: one block per rule and wording (the rule's words printed once), a row
// per target under it in target order, most severe rules first; a rule whose fix reads differently on two
// targets (another tailored value) is two blocks, so no target's fix is misstated.
import { describe, expect, it } from 'vitest'
import type { ReportModel } from '../../../src-preload/contract'
import { findingsByRule } from '../../../src-renderer/report/FindingsSection'

type Result = ReportModel['results'][number]
const result = (ruleId: string, targetId: string, over: Partial<Result> = {}): Result => ({
  id: `${ruleId}|${targetId}`,
  targetId,
  scanId: `scan-${targetId}`,
  ruleId,
  title: `Rule ${ruleId}`,
  severity: 'medium',
  status: 'fail',
  actual: 'off',
  expected: 'on',
  message: '',
  evidenceExcerpt: '',
  evidence: [],
  idents: [],
  references: [{ system: 'NIST-800-53', id: 'AC-2' }],
  description: `About ${ruleId}`,
  remediation: `fix ${ruleId}`,
  rationale: '',
  ...over,
})

describe('findingsByRule', () => {
  it('prints a rule once with a row per target, most severe first, then by rule id', () => {
    const groups = findingsByRule([
      result('b', 't1', { severity: 'high' }),
      result('a', 't1'),
      result('a', 't2'),
      result('b', 't2', { severity: 'high', status: 'error' }),
      result('c', 't3', { severity: 'low' }),
    ])
    expect(groups.map((g) => [g.rule.ruleId, g.rows.map((r) => `${r.targetId}:${r.status}`)])).toEqual([
      ['b', ['t1:fail', 't2:error']],
      ['a', ['t1:fail', 't2:fail']],
      ['c', ['t3:fail']],
    ])
  })

  it('keeps a rule apart where its words differ: another tailored value in the fix', () => {
    const groups = findingsByRule([
      result('a', 't1', { remediation: 'PASS_MAX_DAYS 45' }),
      result('a', 't2', { remediation: 'PASS_MAX_DAYS 60' }),
      result('a', 't3', { remediation: 'PASS_MAX_DAYS 45' }),
    ])
    expect(groups.map((g) => [g.rule.remediation, g.rows.map((r) => r.targetId)])).toEqual([
      ['PASS_MAX_DAYS 45', ['t1', 't3']],
      ['PASS_MAX_DAYS 60', ['t2']],
    ])
  })
})

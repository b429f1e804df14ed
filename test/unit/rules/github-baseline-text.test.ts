// The github-baseline pack says how to fix each finding and why it matters, as the other packs do: every
// check has its own remediation and rationale, the rule detail serves them, and reports carry them.
import { describe, expect, it } from 'vitest'
import { githubBaseline } from '../../../src-main/core/rules/github-baseline'
import { GITHUB_RULE_TEXT } from '../../../src-main/core/rules/github-baseline-text'
import { createCore } from '../../../src-main/core/app'
import { call } from '../../helpers/core'
import { useTmpDirs } from '../../helpers/tmp-dir'

const tmp = useTmpDirs('each')

describe('github-baseline rule text', () => {
  it('gives every check a remediation and a rationale of its own, not its description', () => {
    expect(githubBaseline.rules.length).toBeGreaterThan(20)
    for (const r of githubBaseline.rules) {
      expect(r.remediation.length, r.id).toBeGreaterThan(40)
      expect(r.rationale.length, r.id).toBeGreaterThan(40)
      expect(r.remediation, r.id).not.toBe(r.description)
      expect(r.rationale, r.id).not.toBe(r.description)
    }
    expect(new Set(githubBaseline.rules.map((r) => r.remediation)).size).toBe(githubBaseline.rules.length)
    // No text for a check that does not exist (a renamed check would lose its words silently).
    expect(Object.keys(GITHUB_RULE_TEXT).sort()).toEqual(githubBaseline.rules.map((r) => r.id).sort())
  })

  it('the rule detail serves them', async () => {
    const core = createCore({ face: 'cli', dataDir: tmp.make('dw-gh-text-') })
    try {
      const r = await call(core, 'rules.rule', {
        packId: 'github-baseline',
        ruleId: 'repo-required-approvals',
      })
      expect(r.remediation).toMatch(/Required approvals/)
      expect(r.rationale).toMatch(/second person/)
    } finally {
      core.close()
    }
  })
})

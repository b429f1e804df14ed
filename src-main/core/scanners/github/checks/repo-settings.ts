// Repository housekeeping checks: merged branches deleted, inactive repositories archived.
import type { CheckDef, RepoFacts } from './model'
import { adminOnly, cis, nist, pass, sc, verdict } from './verdicts'

export const repoSettingsChecks: CheckDef<RepoFacts>[] = [
  {
    id: 'repo-delete-branch-on-merge',
    title: 'Head branches are deleted after merging',
    severity: 'low',
    scope: 'repo',
    description: 'Merged branches do not pile up as stale, unprotected copies of the code.',
    references: [cis('1.1.8'), ...nist('CM-3')],
    expected: () => 'delete_branch_on_merge = true',
    evaluate: (f) => {
      const v = f.repo.delete_branch_on_merge
      if (typeof v !== 'boolean') return adminOnly('delete_branch_on_merge')
      return verdict(v, String(v))
    },
  },
  {
    id: 'repo-inactive-archived',
    title: 'Inactive repositories are archived',
    severity: 'low',
    scope: 'repo',
    description: 'A repository nobody pushes to should be read-only rather than a forgotten attack surface.',
    references: [cis('1.2.7'), sc('Maintained'), ...nist('CM-8', 'SA-22')],
    expected: (v) => `pushed within ${v.inactiveDays} days, or archived`,
    evaluate: (f, v) => {
      const pushed = Date.parse(String(f.repo.pushed_at ?? ''))
      if (!Number.isFinite(pushed)) return pass('never pushed', 'The repository has no pushes yet')
      const days = Math.floor((f.now.getTime() - pushed) / 86_400_000)
      return verdict(days <= v.inactiveDays, `last push ${days} days ago`)
    },
  },
]

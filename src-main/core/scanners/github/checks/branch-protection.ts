// Default-branch protection checks (classic protection and rulesets merged): that the branch is protected, and
// each rule it should carry — reviews, status checks, history, force pushes, deletion, signatures.
import type { CheckDef, GithubVariables, Protection, RepoFacts } from './model'
import { cis, fail, need, nist, onOff, pass, sc, verdict } from './verdicts'

/** Branch-protection checks: an unprotected default branch fails every one of them, saying so. */
function branchRule(
  def: Omit<CheckDef<RepoFacts>, 'evaluate' | 'scope'> & {
    test(p: Protection, v: GithubVariables): { ok: boolean; actual: string }
  },
): CheckDef<RepoFacts> {
  return {
    ...def,
    scope: 'repo',
    evaluate: (f, v) =>
      need(f.protection, (p) => {
        if (!p)
          return fail(
            'unprotected',
            `The default branch ${String(f.repo.default_branch)} has no branch protection or ruleset`,
          )
        const r = def.test(p, v)
        return verdict(r.ok, r.actual, `From ${p.sources.join(' and ')}`)
      }),
  }
}

export const branchProtectionChecks: CheckDef<RepoFacts>[] = [
  {
    id: 'repo-branch-protection',
    title: 'Default branch is protected (branch protection or ruleset)',
    severity: 'high',
    scope: 'repo',
    description: 'Without protection anyone with write access can push anything to the default branch.',
    references: [cis('1.1.1'), sc('Branch-Protection'), ...nist('CM-3', 'CM-5')],
    expected: () => 'protected',
    evaluate: (f) =>
      need(f.protection, (p) =>
        p
          ? pass(p.sources.join(', '))
          : fail(
              'unprotected',
              `GitHub answered 404 for the protection of ${String(f.repo.default_branch)}: not protected`,
            ),
      ),
  },
  branchRule({
    id: 'repo-required-approvals',
    title: 'Pull requests need enough approving reviews',
    severity: 'high',
    description: 'Every change is reviewed by someone other than its author before it lands.',
    references: [cis('1.1.3'), sc('Code-Review'), sc('Branch-Protection'), ...nist('AC-5', 'CM-3', 'CM-5')],
    expected: (v) => `required approving reviews ≥ ${v.minApprovingReviews}`,
    test: (p, v) => ({ ok: p.reviews >= v.minApprovingReviews, actual: String(p.reviews) }),
  }),
  branchRule({
    id: 'repo-dismiss-stale-reviews',
    title: 'New commits dismiss earlier approvals',
    severity: 'medium',
    description: 'An approval covers the code that was reviewed, not what was pushed afterwards.',
    references: [cis('1.1.4'), sc('Branch-Protection'), ...nist('CM-3')],
    expected: () => 'dismiss stale reviews',
    test: (p) => ({ ok: p.dismissStale, actual: onOff(p.dismissStale) }),
  }),
  branchRule({
    id: 'repo-code-owner-reviews',
    title: 'Code owners must review changes to what they own',
    severity: 'medium',
    description: 'Sensitive paths are approved by the people responsible for them.',
    references: [cis('1.1.7'), sc('Branch-Protection'), ...nist('AC-5', 'CM-3')],
    expected: () => 'require code owner reviews',
    test: (p) => ({ ok: p.codeOwners, actual: onOff(p.codeOwners) }),
  }),
  branchRule({
    id: 'repo-last-push-approval',
    title: 'The last push must be approved by someone else',
    severity: 'medium',
    description: 'Stops an author from sneaking in a change after the approval.',
    references: [cis('1.1.4'), sc('Branch-Protection'), ...nist('AC-5', 'CM-3')],
    expected: () => 'require approval of the most recent push',
    test: (p) => ({ ok: p.lastPush, actual: onOff(p.lastPush) }),
  }),
  branchRule({
    id: 'repo-enforce-admins',
    title: 'Protection applies to administrators',
    severity: 'high',
    description: 'Administrators follow the same rules; otherwise one stolen admin token bypasses them all.',
    references: [cis('1.1.14'), sc('Branch-Protection'), ...nist('AC-6', 'CM-5')],
    expected: () => 'enforce_admins = true',
    test: (p) => ({ ok: p.enforceAdmins, actual: onOff(p.enforceAdmins) }),
  }),
  branchRule({
    id: 'repo-strict-status-checks',
    title: 'Status checks are required and branches must be up to date',
    severity: 'medium',
    description: 'Code merges only after its checks passed on top of the current default branch.',
    references: [
      cis('1.1.9'),
      cis('1.1.10'),
      sc('CI-Tests'),
      sc('Branch-Protection'),
      ...nist('CM-3', 'SA-11'),
    ],
    expected: () => 'at least one required check, strict = true',
    test: (p) => ({
      ok: p.strictChecks && p.checks.length > 0,
      actual: `${p.checks.length} checks, strict ${onOff(p.strictChecks)}`,
    }),
  }),
  branchRule({
    id: 'repo-linear-history',
    title: 'Linear history is required',
    severity: 'low',
    description: 'No merge commits: history stays reviewable and bisectable.',
    references: [cis('1.1.13'), ...nist('CM-3')],
    expected: () => 'required linear history',
    test: (p) => ({ ok: p.linear, actual: onOff(p.linear) }),
  }),
  branchRule({
    id: 'repo-no-force-push',
    title: 'Force pushes to the default branch are blocked',
    severity: 'high',
    description: 'A force push rewrites reviewed history.',
    references: [cis('1.1.16'), sc('Branch-Protection'), ...nist('AU-9', 'CM-5')],
    expected: () => 'force pushes blocked',
    test: (p) => ({ ok: p.noForcePush, actual: p.noForcePush ? 'blocked' : 'allowed' }),
  }),
  branchRule({
    id: 'repo-no-deletion',
    title: 'The default branch cannot be deleted',
    severity: 'high',
    description: 'Deleting the branch removes its protection with it.',
    references: [cis('1.1.17'), sc('Branch-Protection'), ...nist('CM-5')],
    expected: () => 'deletions blocked',
    test: (p) => ({ ok: p.noDeletion, actual: p.noDeletion ? 'blocked' : 'allowed' }),
  }),
  branchRule({
    id: 'repo-conversation-resolution',
    title: 'Review conversations must be resolved before merging',
    severity: 'low',
    description: 'Open review comments are answered, not merged past.',
    references: [cis('1.1.11'), ...nist('CM-3')],
    expected: () => 'required conversation resolution',
    test: (p) => ({ ok: p.conversations, actual: onOff(p.conversations) }),
  }),
  branchRule({
    id: 'repo-signed-commits',
    title: 'Commits must be signed',
    severity: 'medium',
    description: 'Signed commits tie each change to a verified key.',
    references: [cis('1.1.12'), ...nist('AU-10', 'SI-7')],
    expected: () => 'required signatures',
    test: (p) => ({ ok: p.signatures, actual: onOff(p.signatures) }),
  }),
]

// The GitHub checks, assembled in the order results are listed (organisation, then per repository: branch
// protection, security features, access, settings), and how each check's verdict becomes a rule result.
// What each one reads and what GitHub's answers mean lives with the check: a 404 on branch protection is an
// unprotected branch (fail), a 403 because the plan lacks the feature is notapplicable with the reason, a token
// without the scope is an error naming the scope.
import type { RuleResult } from '../../scanner'
import type { GithubError } from '../client'
import { accessChecks } from './access'
import { branchProtectionChecks } from './branch-protection'
import type { CheckDef, GithubVariables, OrgFacts, RepoFacts, Verdict } from './model'
import { orgChecks as automatedOrgChecks } from './org'
import { manualOrgChecks } from './manual'
import { repoSettingsChecks } from './repo-settings'
import { securityFeatureChecks } from './security-features'
import { fromError } from './verdicts'

export { readOrgFacts, readRepoFacts } from './facts'
export { DEFAULT_VARIABLES } from './model'
export type {
  CheckDef,
  Fact,
  GithubVariables,
  OrgFacts,
  Permission,
  Protection,
  RepoFacts,
  Verdict,
} from './model'
export { fromError } from './verdicts'

const orgChecks: CheckDef<OrgFacts>[] = [...automatedOrgChecks, ...manualOrgChecks]
const repoChecks: CheckDef<RepoFacts>[] = [
  ...branchProtectionChecks,
  ...securityFeatureChecks,
  ...accessChecks,
  ...repoSettingsChecks,
]

export const ORG_CHECKS = orgChecks
export const REPO_CHECKS = repoChecks
export const ALL_CHECKS: CheckDef<OrgFacts | RepoFacts>[] = [
  ...(orgChecks as CheckDef<OrgFacts | RepoFacts>[]),
  ...(repoChecks as CheckDef<OrgFacts | RepoFacts>[]),
]

const toResult = (
  c: CheckDef<never>,
  v: GithubVariables,
  ruleId: string,
  title: string,
  r: Verdict,
): RuleResult => ({
  ruleId,
  status: r.status,
  severity: c.severity,
  title,
  actual: r.actual,
  expected: c.expected(v),
  message: r.message,
  idents: c.references,
})

/** A check that throws is a bug in the check, reported as that rule's error rather than stopping the scan. */
function safely<F>(c: CheckDef<F>, f: F, v: GithubVariables): Verdict {
  try {
    return c.evaluate(f, v)
  } catch (err) {
    return {
      status: 'error',
      actual: '',
      message: `The check failed: ${err instanceof Error ? err.message : String(err)}`,
    }
  }
}

export function evaluateOrg(f: OrgFacts, v: GithubVariables): RuleResult[] {
  return orgChecks.map((c) => toResult(c as CheckDef<never>, v, c.id, c.title, safely(c, f, v)))
}

export function evaluateRepo(f: RepoFacts, v: GithubVariables): RuleResult[] {
  return repoChecks.map((c) =>
    toResult(c as CheckDef<never>, v, `${c.id}@${f.fullName}`, `${c.title} — ${f.fullName}`, safely(c, f, v)),
  )
}

/** The same rules for a repository that could not be read at all: each an error with the reason. */
export function repoUnreadable(fullName: string, e: GithubError, v: GithubVariables): RuleResult[] {
  const r = fromError(e)
  return repoChecks.map((c) =>
    toResult(c as CheckDef<never>, v, `${c.id}@${fullName}`, `${c.title} — ${fullName}`, r),
  )
}

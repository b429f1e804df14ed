// The built-in rule pack for GitHub organisations and repositories: its id, the checks it runs (defined with
// their API reads in scanners/github/checks.ts) and the default values of its variables.
import { ALL_CHECKS, DEFAULT_VARIABLES, type GithubVariables } from '../scanners/github/checks'
import { GITHUB_RULE_TEXT } from './github-baseline-text'

export const GITHUB_BASELINE_ID = 'github-baseline'

export interface GithubPackRule {
  id: string
  title: string
  severity: string
  scope: 'org' | 'repo'
  description: string
  /** How to fix a finding, and why it matters (github-baseline-text.ts). */
  remediation: string
  rationale: string
  references: { system: string; id: string }[]
}

export const githubBaseline = {
  id: GITHUB_BASELINE_ID,
  title: 'GitHub baseline (CIS Software Supply Chain, OpenSSF Scorecard)',
  description:
    'Organisation settings and every repository in scope: branch protection, reviews, admins, security features and inactivity.',
  benchmark: 'CIS Software Supply Chain Security Guide v1.0; OpenSSF Scorecard',
  version: '1.0.0',
  kind: 'github',
  variables: DEFAULT_VARIABLES as Readonly<GithubVariables>,
  /** How each threshold is named on a GitHub target's form. */
  variableTitles: {
    minApprovingReviews: 'Required approvals',
    maxRepoAdmins: 'Admins per repository, at most',
    inactiveDays: 'Days without a push before archiving',
    maxDefaultPermission: 'Highest base permission',
    fullRefreshHours: 'Re-check unchanged repositories every (hours)',
  } satisfies Record<keyof GithubVariables, string>,
  rules: ALL_CHECKS.map((c): GithubPackRule => ({
    id: c.id,
    title: c.title,
    severity: c.severity,
    scope: c.scope,
    description: c.description,
    remediation: GITHUB_RULE_TEXT[c.id]?.remediation ?? '',
    rationale: GITHUB_RULE_TEXT[c.id]?.rationale ?? '',
    references: c.references,
  })),
}

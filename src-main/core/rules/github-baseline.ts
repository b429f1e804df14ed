// The built-in rule pack for GitHub organisations and repositories: its id, the checks it runs (defined with
// their API reads in scanners/github/checks.ts) and the default values of its variables.
import { ALL_CHECKS, DEFAULT_VARIABLES, type GithubVariables } from '../scanners/github/checks'

export const GITHUB_BASELINE_ID = 'github-baseline'

export interface GithubPackRule {
  id: string
  title: string
  severity: string
  scope: 'org' | 'repo'
  description: string
  references: { system: string; id: string }[]
}

export const githubBaseline = {
  id: GITHUB_BASELINE_ID,
  title: 'GitHub baseline (CIS Software Supply Chain, OpenSSF Scorecard)',
  version: '1.0.0',
  kinds: ['github'] as const,
  variables: DEFAULT_VARIABLES as Readonly<GithubVariables>,
  rules: ALL_CHECKS.map((c): GithubPackRule => ({
    id: c.id,
    title: c.title,
    severity: c.severity,
    scope: c.scope,
    description: c.description,
    references: c.references,
  })),
}

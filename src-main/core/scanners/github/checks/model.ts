// What the GitHub checks work on: the thresholds a person can set, the facts read from the API (each one a
// value or the reason it could not be read), and the shape of a check and its verdict.
import type { RuleStatus } from '../../scanner'
import type { GithubError } from '../client'

export type Permission = 'none' | 'read' | 'write' | 'admin'

/** The thresholds a person can customise; each result's "expected" shows the value used. */
export interface GithubVariables {
  /** Approving reviews a pull request into the default branch needs (CIS SSC 1.1.3 asks for two). */
  minApprovingReviews: number
  /** People with admin on one repository, at most (CIS SSC 1.3.7: two). */
  maxRepoAdmins: number
  /** A repository without a push for this many days should be archived. */
  inactiveDays: number
  /** The organisation's base permission for members, at most. */
  maxDefaultPermission: Permission
  /** Unchanged repositories are re-checked anyway once their last check is this old (hours). */
  fullRefreshHours: number
}

export const DEFAULT_VARIABLES: GithubVariables = {
  minApprovingReviews: 2,
  maxRepoAdmins: 3,
  inactiveDays: 365,
  maxDefaultPermission: 'read',
  fullRefreshHours: 24,
}

/** A fact read from GitHub, or why it could not be read. */
export type Fact<T> = { ok: true; data: T } | { ok: false; error: GithubError }

export interface Verdict {
  status: RuleStatus
  actual: string
  message: string
}

export type Json = Record<string, unknown>

export interface OrgFacts {
  login: string
  org: Json
  hooks: Fact<Json[]>
  actions: Fact<Json>
  workflow: Fact<Json>
}

/** Branch rules from classic protection and rulesets, merged: a setting counts when either requires it. */
export interface Protection {
  sources: string[]
  reviews: number
  dismissStale: boolean
  codeOwners: boolean
  lastPush: boolean
  enforceAdmins: boolean
  strictChecks: boolean
  checks: string[]
  linear: boolean
  noForcePush: boolean
  noDeletion: boolean
  conversations: boolean
  signatures: boolean
}

export interface RepoFacts {
  fullName: string
  inOrg: boolean
  repo: Json
  now: Date
  protection: Fact<Protection | null>
  vulnerabilityAlerts: Fact<boolean>
  codeScanning: Fact<Json>
  securityPolicy: Fact<string | null>
  codeowners: Fact<{ present: boolean; errors: Json[] }>
  outsideAdmins: Fact<string[]>
  admins: Fact<string[]>
}

export interface CheckDef<F> {
  id: string
  title: string
  severity: 'high' | 'medium' | 'low'
  scope: 'org' | 'repo'
  description: string
  references: { system: string; id: string }[]
  expected(v: GithubVariables): string
  evaluate(f: F, v: GithubVariables): Verdict
}

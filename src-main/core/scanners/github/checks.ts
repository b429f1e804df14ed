// The GitHub checks: what each one reads from the API, what it expects (thresholds are variables), and what
// GitHub's answers mean — 404 on branch protection is an unprotected branch (fail), a 403 because the plan lacks
// the feature is notapplicable with the reason, a token without the scope is an error naming the scope.
import type { RuleResult, RuleStatus } from '../scanner'
import { GithubError, type GithubClient } from './client'

export type Permission = 'none' | 'read' | 'write' | 'admin'
const PERMISSION_RANK: Record<string, number> = { none: 0, read: 1, write: 2, admin: 3 }

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

const CIS = 'CIS Software Supply Chain Security Guide v1.0'
const SCORECARD = 'OpenSSF Scorecard'
const cis = (id: string) => ({ system: CIS, id })
const sc = (id: string) => ({ system: SCORECARD, id })

/** A fact read from GitHub, or why it could not be read. */
export type Fact<T> = { ok: true; data: T } | { ok: false; error: GithubError }

export interface Verdict {
  status: RuleStatus
  actual: string
  message: string
}

type Json = Record<string, unknown>

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

const pass = (actual: string, message = ''): Verdict => ({ status: 'pass', actual, message })
const fail = (actual: string, message = ''): Verdict => ({ status: 'fail', actual, message })
const verdict = (ok: boolean, actual: string, message = ''): Verdict => (ok ? pass : fail)(actual, message)

/** What an unreadable fact means for a check: plan → notapplicable, the rest → error (scope named). */
export function fromError(e: GithubError): Verdict {
  if (e.kind === 'plan') return { status: 'notapplicable', actual: '', message: e.message }
  return { status: 'error', actual: '', message: e.message }
}

function need<T>(f: Fact<T>, then: (d: T) => Verdict): Verdict {
  return f.ok ? then(f.data) : fromError(f.error)
}

const ownerOnly = (field: string) =>
  ({
    status: 'error',
    actual: '',
    message: `GitHub shows ${field} only to organisation owners: use an owner's token with the admin:org (or read:org) scope`,
  }) satisfies Verdict

const onOff = (b: boolean) => (b ? 'enabled' : 'disabled')

// ---- Organisation checks ----

const orgChecks: CheckDef<OrgFacts>[] = [
  {
    id: 'org-2fa-required',
    title: 'Organisation requires two-factor authentication',
    severity: 'high',
    scope: 'org',
    description: 'Members without 2FA are removed; a stolen password alone cannot push code.',
    references: [cis('1.3.5'), cis('1.3.4')],
    expected: () => 'two_factor_requirement_enabled = true',
    evaluate: ({ org }) => {
      const v = org.two_factor_requirement_enabled
      if (typeof v !== 'boolean') return ownerOnly('two_factor_requirement_enabled')
      return verdict(v, String(v))
    },
  },
  {
    id: 'org-default-permission',
    title: 'Base repository permission for members is at most the allowed level',
    severity: 'medium',
    scope: 'org',
    description: 'Every member gets the base permission on every repository; least privilege keeps it low.',
    references: [cis('1.3.8')],
    expected: (v) => `default_repository_permission ≤ ${v.maxDefaultPermission}`,
    evaluate: ({ org }, v) => {
      const p = org.default_repository_permission
      if (typeof p !== 'string') return ownerOnly('default_repository_permission')
      return verdict((PERMISSION_RANK[p] ?? 9) <= PERMISSION_RANK[v.maxDefaultPermission]!, p)
    },
  },
  {
    id: 'org-members-cannot-create-public-repos',
    title: 'Members cannot create public repositories',
    severity: 'medium',
    scope: 'org',
    description: 'Publishing code is an owner decision, not something any member can do by accident.',
    references: [cis('1.2.2')],
    expected: () => 'members_can_create_public_repositories = false',
    evaluate: ({ org }) => {
      const v = org.members_can_create_public_repositories
      if (typeof v !== 'boolean') return ownerOnly('members_can_create_public_repositories')
      return verdict(!v, String(v))
    },
  },
  {
    id: 'org-webhooks-secure',
    title: 'Organisation webhooks use a secret and verified TLS',
    severity: 'high',
    scope: 'org',
    description:
      'A webhook without a secret can be forged; one without TLS verification can be read in transit.',
    references: [cis('1.4.4'), sc('Webhooks')],
    expected: () => 'every hook: https URL, secret set, insecure_ssl = 0',
    evaluate: ({ hooks }) =>
      need(hooks, (list) => {
        const bad = list.filter((h) => {
          const c = (h.config ?? {}) as Json
          return !c.secret || String(c.insecure_ssl ?? '0') !== '0' || !/^https:/i.test(String(c.url ?? ''))
        })
        const names = bad.map((h) => `#${String(h.id)} ${String(((h.config ?? {}) as Json).url ?? '')}`)
        return verdict(
          bad.length === 0,
          `${list.length} hooks, ${bad.length} insecure`,
          names.length ? `Insecure: ${names.slice(0, 10).join(', ')}` : '',
        )
      }),
  },
  {
    id: 'org-actions-allowed-limited',
    title: 'GitHub Actions limited to allowed actions',
    severity: 'medium',
    scope: 'org',
    description: 'Any action from the marketplace runs with the repository token; an allow-list limits that.',
    references: [cis('2.3.8'), sc('Dangerous-Workflow')],
    expected: () => 'allowed_actions = selected or local_only (or Actions disabled)',
    evaluate: ({ actions }) =>
      need(actions, (a) => {
        if (a.enabled_repositories === 'none') return pass('Actions disabled')
        const allowed = String(a.allowed_actions ?? '')
        return verdict(allowed === 'selected' || allowed === 'local_only', allowed || 'unknown')
      }),
  },
  {
    id: 'org-workflow-token-read-only',
    title: 'Default workflow token is read-only',
    severity: 'high',
    scope: 'org',
    description: 'GITHUB_TOKEN defaults to read; workflows ask for write where they need it.',
    references: [cis('2.3.7'), sc('Token-Permissions')],
    expected: () => 'default_workflow_permissions = read',
    evaluate: ({ workflow }) =>
      need(workflow, (w) =>
        verdict(w.default_workflow_permissions === 'read', String(w.default_workflow_permissions)),
      ),
  },
  {
    id: 'org-workflows-cannot-approve-prs',
    title: 'Workflows cannot approve pull requests',
    severity: 'high',
    scope: 'org',
    description: 'A workflow that approves pull requests defeats required reviews.',
    references: [cis('1.1.3'), sc('Code-Review')],
    expected: () => 'can_approve_pull_request_reviews = false',
    evaluate: ({ workflow }) =>
      need(workflow, (w) =>
        verdict(w.can_approve_pull_request_reviews === false, String(w.can_approve_pull_request_reviews)),
      ),
  },
]

// ---- Repository checks ----

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

const sa = (f: RepoFacts, key: string): string | undefined => {
  const s = f.repo.security_and_analysis as Record<string, { status?: string }> | null | undefined
  return s ? (s[key]?.status ?? 'disabled') : undefined
}
const adminOnly = (field: string): Verdict => ({
  status: 'error',
  actual: '',
  message: `GitHub shows ${field} only to repository admins: use a token with admin access (the repo scope)`,
})

const repoChecks: CheckDef<RepoFacts>[] = [
  {
    id: 'repo-branch-protection',
    title: 'Default branch is protected (branch protection or ruleset)',
    severity: 'high',
    scope: 'repo',
    description: 'Without protection anyone with write access can push anything to the default branch.',
    references: [cis('1.1.1'), sc('Branch-Protection')],
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
    references: [cis('1.1.3'), sc('Code-Review'), sc('Branch-Protection')],
    expected: (v) => `required approving reviews ≥ ${v.minApprovingReviews}`,
    test: (p, v) => ({ ok: p.reviews >= v.minApprovingReviews, actual: String(p.reviews) }),
  }),
  branchRule({
    id: 'repo-dismiss-stale-reviews',
    title: 'New commits dismiss earlier approvals',
    severity: 'medium',
    description: 'An approval covers the code that was reviewed, not what was pushed afterwards.',
    references: [cis('1.1.4'), sc('Branch-Protection')],
    expected: () => 'dismiss stale reviews',
    test: (p) => ({ ok: p.dismissStale, actual: onOff(p.dismissStale) }),
  }),
  branchRule({
    id: 'repo-code-owner-reviews',
    title: 'Code owners must review changes to what they own',
    severity: 'medium',
    description: 'Sensitive paths are approved by the people responsible for them.',
    references: [cis('1.1.7'), sc('Branch-Protection')],
    expected: () => 'require code owner reviews',
    test: (p) => ({ ok: p.codeOwners, actual: onOff(p.codeOwners) }),
  }),
  branchRule({
    id: 'repo-last-push-approval',
    title: 'The last push must be approved by someone else',
    severity: 'medium',
    description: 'Stops an author from sneaking in a change after the approval.',
    references: [cis('1.1.4'), sc('Branch-Protection')],
    expected: () => 'require approval of the most recent push',
    test: (p) => ({ ok: p.lastPush, actual: onOff(p.lastPush) }),
  }),
  branchRule({
    id: 'repo-enforce-admins',
    title: 'Protection applies to administrators',
    severity: 'high',
    description: 'Administrators follow the same rules; otherwise one stolen admin token bypasses them all.',
    references: [cis('1.1.14'), sc('Branch-Protection')],
    expected: () => 'enforce_admins = true',
    test: (p) => ({ ok: p.enforceAdmins, actual: onOff(p.enforceAdmins) }),
  }),
  branchRule({
    id: 'repo-strict-status-checks',
    title: 'Status checks are required and branches must be up to date',
    severity: 'medium',
    description: 'Code merges only after its checks passed on top of the current default branch.',
    references: [cis('1.1.9'), cis('1.1.10'), sc('CI-Tests'), sc('Branch-Protection')],
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
    references: [cis('1.1.13')],
    expected: () => 'required linear history',
    test: (p) => ({ ok: p.linear, actual: onOff(p.linear) }),
  }),
  branchRule({
    id: 'repo-no-force-push',
    title: 'Force pushes to the default branch are blocked',
    severity: 'high',
    description: 'A force push rewrites reviewed history.',
    references: [cis('1.1.16'), sc('Branch-Protection')],
    expected: () => 'force pushes blocked',
    test: (p) => ({ ok: p.noForcePush, actual: p.noForcePush ? 'blocked' : 'allowed' }),
  }),
  branchRule({
    id: 'repo-no-deletion',
    title: 'The default branch cannot be deleted',
    severity: 'high',
    description: 'Deleting the branch removes its protection with it.',
    references: [cis('1.1.17'), sc('Branch-Protection')],
    expected: () => 'deletions blocked',
    test: (p) => ({ ok: p.noDeletion, actual: p.noDeletion ? 'blocked' : 'allowed' }),
  }),
  branchRule({
    id: 'repo-conversation-resolution',
    title: 'Review conversations must be resolved before merging',
    severity: 'low',
    description: 'Open review comments are answered, not merged past.',
    references: [cis('1.1.11')],
    expected: () => 'required conversation resolution',
    test: (p) => ({ ok: p.conversations, actual: onOff(p.conversations) }),
  }),
  branchRule({
    id: 'repo-signed-commits',
    title: 'Commits must be signed',
    severity: 'medium',
    description: 'Signed commits tie each change to a verified key.',
    references: [cis('1.1.12')],
    expected: () => 'required signatures',
    test: (p) => ({ ok: p.signatures, actual: onOff(p.signatures) }),
  }),
  {
    id: 'repo-secret-scanning',
    title: 'Secret scanning is enabled',
    severity: 'high',
    scope: 'repo',
    description: 'Leaked credentials in the code are found and reported.',
    references: [cis('1.5.1')],
    expected: () => 'secret_scanning = enabled',
    evaluate: (f) => secretFeature(f, 'secret_scanning'),
  },
  {
    id: 'repo-secret-push-protection',
    title: 'Secret scanning push protection is enabled',
    severity: 'high',
    scope: 'repo',
    description: 'Pushes containing recognised secrets are blocked before they land.',
    references: [cis('1.5.1')],
    expected: () => 'secret_scanning_push_protection = enabled',
    evaluate: (f) => secretFeature(f, 'secret_scanning_push_protection'),
  },
  {
    id: 'repo-dependabot-alerts',
    title: 'Dependabot alerts are enabled',
    severity: 'medium',
    scope: 'repo',
    description: 'Known vulnerabilities in dependencies are reported.',
    references: [cis('1.5.5'), sc('Vulnerabilities')],
    expected: () => 'vulnerability alerts enabled',
    evaluate: (f) => need(f.vulnerabilityAlerts, (on) => verdict(on, onOff(on))),
  },
  {
    id: 'repo-dependabot-security-updates',
    title: 'Dependabot security updates are enabled',
    severity: 'medium',
    scope: 'repo',
    description: 'Vulnerable dependencies get fix pull requests automatically.',
    references: [cis('1.5.5'), sc('Dependency-Update-Tool')],
    expected: () => 'dependabot_security_updates = enabled',
    evaluate: (f) => {
      const s = sa(f, 'dependabot_security_updates')
      if (s === undefined) return adminOnly('security_and_analysis')
      return verdict(s === 'enabled', s)
    },
  },
  {
    id: 'repo-code-scanning',
    title: 'Code scanning default setup is configured',
    severity: 'medium',
    scope: 'repo',
    description: 'CodeQL analyses every push and pull request for vulnerabilities.',
    references: [cis('1.5.4'), sc('SAST')],
    expected: () => 'default setup state = configured',
    evaluate: (f) =>
      need(f.codeScanning, (c) => verdict(c.state === 'configured', String(c.state ?? 'unknown'))),
  },
  {
    id: 'repo-security-policy',
    title: 'A security policy (SECURITY.md) is published',
    severity: 'low',
    scope: 'repo',
    description: 'Reporters know how to disclose a vulnerability privately.',
    references: [cis('1.2.1'), sc('Security-Policy')],
    expected: () => 'SECURITY.md, .github/SECURITY.md or docs/SECURITY.md',
    evaluate: (f) =>
      need(f.securityPolicy, (path) =>
        path ? pass(path) : fail('missing', 'No SECURITY.md in the repository'),
      ),
  },
  {
    id: 'repo-codeowners-valid',
    title: 'CODEOWNERS exists and has no errors',
    severity: 'medium',
    scope: 'repo',
    description: 'Ownership is declared, and every line of it is understood by GitHub.',
    references: [cis('1.1.6')],
    expected: () => 'CODEOWNERS present, 0 errors',
    evaluate: (f) =>
      need(f.codeowners, (c) => {
        if (!c.present) return fail('missing', 'No CODEOWNERS file (GitHub answered 404 for its errors)')
        const first = c.errors[0]
        return verdict(
          c.errors.length === 0,
          `${c.errors.length} errors`,
          first ? `Line ${String(first.line)}: ${String(first.message ?? first.kind ?? '')}`.trim() : '',
        )
      }),
  },
  {
    id: 'repo-no-outside-admins',
    title: 'No outside collaborator has admin access',
    severity: 'high',
    scope: 'repo',
    description: 'Admin access stays with members the organisation manages.',
    references: [cis('1.3.7'), cis('1.3.3')],
    expected: () => '0 outside collaborators with admin',
    evaluate: (f) => {
      if (!f.inOrg)
        return {
          status: 'notapplicable',
          actual: '',
          message: 'A personal repository has no outside collaborators',
        }
      return need(f.outsideAdmins, (list) =>
        verdict(
          list.length === 0,
          `${list.length}`,
          list.length ? `Outside admins: ${list.slice(0, 20).join(', ')}` : '',
        ),
      )
    },
  },
  {
    id: 'repo-admins-limited',
    title: 'Few people are repository admins',
    severity: 'medium',
    scope: 'repo',
    description: 'Every admin can turn off every protection; keep the number small.',
    references: [cis('1.3.7')],
    expected: (v) => `admins ≤ ${v.maxRepoAdmins}`,
    evaluate: (f, v) =>
      need(f.admins, (list) =>
        verdict(list.length <= v.maxRepoAdmins, `${list.length}`, `Admins: ${list.slice(0, 20).join(', ')}`),
      ),
  },
  {
    id: 'repo-delete-branch-on-merge',
    title: 'Head branches are deleted after merging',
    severity: 'low',
    scope: 'repo',
    description: 'Merged branches do not pile up as stale, unprotected copies of the code.',
    references: [cis('1.1.8')],
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
    references: [cis('1.2.7'), sc('Maintained')],
    expected: (v) => `pushed within ${v.inactiveDays} days, or archived`,
    evaluate: (f, v) => {
      const pushed = Date.parse(String(f.repo.pushed_at ?? ''))
      if (!Number.isFinite(pushed)) return pass('never pushed', 'The repository has no pushes yet')
      const days = Math.floor((f.now.getTime() - pushed) / 86_400_000)
      return verdict(days <= v.inactiveDays, `last push ${days} days ago`)
    },
  },
]

function secretFeature(f: RepoFacts, key: 'secret_scanning' | 'secret_scanning_push_protection'): Verdict {
  const s = sa(f, key)
  if (s === undefined) return adminOnly('security_and_analysis')
  if (s !== 'enabled' && f.repo.private === true && sa(f, 'advanced_security') !== 'enabled')
    return {
      status: 'notapplicable',
      actual: s,
      message:
        'Secret scanning on a private repository needs GitHub Advanced Security (Secret Protection) on its plan',
    }
  return verdict(s === 'enabled', s)
}

export const ORG_CHECKS = orgChecks
export const REPO_CHECKS = repoChecks
export const ALL_CHECKS: CheckDef<OrgFacts | RepoFacts>[] = [
  ...(orgChecks as CheckDef<OrgFacts | RepoFacts>[]),
  ...(repoChecks as CheckDef<OrgFacts | RepoFacts>[]),
]

// ---- Reading the facts ----

async function fact<T>(p: Promise<T>): Promise<Fact<T>> {
  try {
    return { ok: true, data: await p }
  } catch (err) {
    if (err instanceof GithubError) {
      // A revoked token or a spent rate limit stops the scan; a check cannot usefully report it.
      if (err.kind === 'auth' || err.kind === 'rate_limit' || err.kind === 'cancelled') throw err
      return { ok: false, error: err }
    }
    throw err
  }
}

export async function readOrgFacts(client: GithubClient, login: string, org: Json): Promise<OrgFacts> {
  const [hooks, actions, workflow] = await Promise.all([
    fact(client.paginate<Json>('GET /orgs/{org}/hooks', { org: login })),
    fact(client.get<Json>('GET /orgs/{org}/actions/permissions', { org: login }).then((r) => r.data)),
    fact(
      client.get<Json>('GET /orgs/{org}/actions/permissions/workflow', { org: login }).then((r) => r.data),
    ),
  ])
  return { login, org, hooks, actions, workflow }
}

/** 404 means "absent" for these endpoints; other failures stay errors. */
async function absentOn404<T>(p: Promise<T>, absent: T): Promise<T> {
  try {
    return await p
  } catch (err) {
    if (err instanceof GithubError && err.kind === 'not_found') return absent
    throw err
  }
}

function mergeProtection(classic: Json | null, rules: Json[]): Protection | null {
  if (!classic && rules.length === 0) return null
  const c = classic ?? {}
  const en = (k: string) => Boolean(((c[k] ?? {}) as Json).enabled)
  const pr = (c.required_pull_request_reviews ?? null) as Json | null
  const sc = (c.required_status_checks ?? null) as Json | null
  const p: Protection = {
    sources: classic ? ['branch protection'] : [],
    reviews: Number(pr?.required_approving_review_count ?? 0),
    dismissStale: Boolean(pr?.dismiss_stale_reviews),
    codeOwners: Boolean(pr?.require_code_owner_reviews),
    lastPush: Boolean(pr?.require_last_push_approval),
    enforceAdmins: en('enforce_admins'),
    strictChecks: Boolean(sc?.strict),
    checks: [
      ...((sc?.contexts as string[] | undefined) ?? []),
      ...((sc?.checks as Json[] | undefined) ?? []).map((x) => String(x.context)),
    ],
    linear: en('required_linear_history'),
    // Classic protection blocks force pushes and deletions unless allowed; with no classic rule, rulesets decide.
    noForcePush: classic ? !en('allow_force_pushes') : false,
    noDeletion: classic ? !en('allow_deletions') : false,
    conversations: en('required_conversation_resolution'),
    signatures: en('required_signatures'),
  }
  const sets = new Set<string>()
  for (const r of rules) {
    const params = (r.parameters ?? {}) as Json
    if (r.ruleset_id !== undefined) sets.add(`ruleset ${String(r.ruleset_id)}`)
    switch (r.type) {
      case 'pull_request':
        p.reviews = Math.max(p.reviews, Number(params.required_approving_review_count ?? 0))
        p.dismissStale ||= Boolean(params.dismiss_stale_reviews_on_push)
        p.codeOwners ||= Boolean(params.require_code_owner_review)
        p.lastPush ||= Boolean(params.require_last_push_approval)
        p.conversations ||= Boolean(params.required_review_thread_resolution)
        break
      case 'required_status_checks': {
        p.strictChecks ||= Boolean(params.strict_required_status_checks_policy)
        const list = (params.required_status_checks as Json[] | undefined) ?? []
        p.checks.push(...list.map((x) => String(x.context)))
        break
      }
      case 'required_linear_history':
        p.linear = true
        break
      case 'non_fast_forward':
        p.noForcePush = true
        break
      case 'deletion':
        p.noDeletion = true
        break
      case 'required_signatures':
        p.signatures = true
        break
    }
  }
  p.sources.push(...sets)
  return p
}

const SECURITY_POLICY_PATHS = ['SECURITY.md', '.github/SECURITY.md', 'docs/SECURITY.md']

export async function readRepoFacts(
  client: GithubClient,
  repo: Json,
  inOrg: boolean,
  now: Date,
): Promise<RepoFacts> {
  const [owner, name] = String(repo.full_name).split('/') as [string, string]
  const branch = String(repo.default_branch ?? 'main')
  const base = { owner, repo: name }
  const protection = fact(
    (async () => {
      const classic = await absentOn404(
        client
          .get<Json>('GET /repos/{owner}/{repo}/branches/{branch}/protection', { ...base, branch })
          .then((r) => r.data),
        null,
      )
      // Rulesets are newer than branch protection; older GitHub Enterprise Server answers 404 for them.
      let rules: Json[] = []
      try {
        rules = await client.paginate<Json>('GET /repos/{owner}/{repo}/rules/branches/{branch}', {
          ...base,
          branch,
        })
      } catch (err) {
        if (!(err instanceof GithubError) || !['not_found', 'plan', 'forbidden'].includes(err.kind)) throw err
      }
      return mergeProtection(classic, rules)
    })(),
  )
  const vulnerabilityAlerts = fact(
    absentOn404(
      client.get('GET /repos/{owner}/{repo}/vulnerability-alerts', base).then((r) => r.status === 204),
      false,
    ),
  )
  const codeScanning = fact(
    client.get<Json>('GET /repos/{owner}/{repo}/code-scanning/default-setup', base).then((r) => r.data),
  )
  const securityPolicy = fact(
    (async () => {
      for (const path of SECURITY_POLICY_PATHS) {
        const found = await absentOn404(
          client.get('GET /repos/{owner}/{repo}/contents/{path}', { ...base, path }).then(() => true),
          false,
        )
        if (found) return path
      }
      return null
    })(),
  )
  const codeowners = fact(
    absentOn404(
      client
        .get<{ errors: Json[] }>('GET /repos/{owner}/{repo}/codeowners/errors', base)
        .then((r) => ({ present: true, errors: r.data.errors ?? [] })),
      { present: false, errors: [] },
    ),
  )
  const logins = (list: Json[]) => list.map((c) => String(c.login))
  const outsideAdmins = inOrg
    ? fact(
        client
          .paginate<Json>('GET /repos/{owner}/{repo}/collaborators', { ...base, affiliation: 'outside' })
          .then((l) =>
            logins(
              l.filter((c) => ((c.permissions ?? {}) as Json).admin === true || c.role_name === 'admin'),
            ),
          ),
      )
    : Promise.resolve<Fact<string[]>>({ ok: true, data: [] })
  const admins = fact(
    client
      .paginate<Json>('GET /repos/{owner}/{repo}/collaborators', { ...base, permission: 'admin' })
      .then(logins),
  )
  const [p, va, cs, spol, co, oa, ad] = await Promise.all([
    protection,
    vulnerabilityAlerts,
    codeScanning,
    securityPolicy,
    codeowners,
    outsideAdmins,
    admins,
  ])
  return {
    fullName: String(repo.full_name),
    inOrg,
    repo,
    now,
    protection: p,
    vulnerabilityAlerts: va,
    codeScanning: cs,
    securityPolicy: spol,
    codeowners: co,
    outsideAdmins: oa,
    admins: ad,
  }
}

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

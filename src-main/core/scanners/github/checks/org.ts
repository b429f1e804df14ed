// Organisation settings checks: two-factor, base permission, public repository creation, webhooks, and what
// GitHub Actions may run and approve.
import type { CheckDef, Json, OrgFacts, Verdict } from './model'
import { cis, need, nist, pass, sc, verdict } from './verdicts'

const PERMISSION_RANK: Record<string, number> = { none: 0, read: 1, write: 2, admin: 3 }

const ownerOnly = (field: string) =>
  ({
    status: 'error',
    actual: '',
    message: `GitHub shows ${field} only to organisation owners: use an owner's token with the admin:org (or read:org) scope`,
  }) satisfies Verdict

export const orgChecks: CheckDef<OrgFacts>[] = [
  {
    id: 'org-2fa-required',
    title: 'Organisation requires two-factor authentication',
    severity: 'high',
    scope: 'org',
    description: 'Members without 2FA are removed; a stolen password alone cannot push code.',
    references: [cis('1.3.5'), cis('1.3.4'), ...nist('IA-2(1)', 'IA-2(2)')],
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
    references: [cis('1.3.8'), ...nist('AC-3', 'AC-6')],
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
    references: [cis('1.2.2'), ...nist('AC-3', 'AC-22')],
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
    references: [cis('1.4.4'), sc('Webhooks'), ...nist('SC-8')],
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
    references: [cis('2.3.8'), sc('Dangerous-Workflow'), ...nist('CM-7', 'CM-11')],
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
    references: [cis('2.3.7'), sc('Token-Permissions'), ...nist('AC-6')],
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
    references: [cis('1.1.3'), sc('Code-Review'), ...nist('AC-5', 'CM-3')],
    expected: () => 'can_approve_pull_request_reviews = false',
    evaluate: ({ workflow }) =>
      need(workflow, (w) =>
        verdict(w.can_approve_pull_request_reviews === false, String(w.can_approve_pull_request_reviews)),
      ),
  },
]

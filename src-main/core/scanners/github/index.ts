// The GitHub kind: an organisation and/or repositories checked against the built-in github-baseline pack through
// the REST API (conditional requests, rate limits respected); Test connection checks the token and its scopes.
import { urlBinding } from '../../vault/bindings'
import { defineKind } from '../kind'
import { GITHUB_BASELINE_ID } from '../../rules/github-baseline'
import { githubScanner } from './scanner'
import { githubTestReport } from './test-connection'
import { githubFields } from './fields'

export const githubKind = defineKind({
  kind: 'github',
  label: 'GitHub',
  shortLabel: 'GitHub',
  description: 'Branch protection and security features of an organisation or repositories.',
  fields: githubFields,
  form: [
    {
      name: 'org',
      label: 'Organisation',
      input: 'text',
      placeholder: 'e.g. acme-corp',
      help: 'All its repositories, or only those listed below',
      flag: 'org',
    },
    {
      name: 'repos',
      label: 'Repositories',
      input: 'textarea',
      list: true,
      help: 'owner/name, one per line',
      flag: 'repo',
    },
    { name: 'credentialId', label: 'Token credential', input: 'credential', flag: 'credential' },
    {
      name: 'apiBaseUrl',
      label: 'API base URL',
      input: 'text',
      default: 'https://api.github.com',
      help: 'Change for GitHub Enterprise Server, e.g. https://github.example.com/api/v3',
      flag: 'api-url',
    },
    {
      name: 'minApprovingReviews',
      label: 'Required approvals',
      input: 'number',
      help: 'Default 2 (CIS 1.1.3)',
      flag: 'min-approvals',
    },
    {
      name: 'maxRepoAdmins',
      label: 'Admins per repository, at most',
      input: 'number',
      help: 'Default 3',
      flag: 'max-admins',
    },
    {
      name: 'inactiveDays',
      label: 'Days without a push before archiving',
      input: 'number',
      help: 'Default 365',
      flag: 'inactive-days',
    },
    {
      name: 'fullRefreshHours',
      label: 'Re-check unchanged repositories every (hours)',
      input: 'number',
      help: 'Default 24',
      flag: 'full-refresh-hours',
    },
    {
      name: 'maxDefaultPermission',
      label: 'Highest base permission',
      input: 'select',
      default: '',
      flag: 'max-base-permission',
      options: [
        { value: '', label: 'Pack default (read)' },
        ...['none', 'read', 'write', 'admin'].map((p) => ({ value: p, label: p })),
      ],
    },
  ],
  address: (t) => {
    const parts = [t.org ? `org ${t.org}` : '', t.repos.length ? `${t.repos.length} repositories` : '']
    const host = new URL(t.apiBaseUrl).host
    return parts.filter(Boolean).join(' + ') + (host === 'api.github.com' ? '' : ` on ${host}`)
  },
  bindingAddress: (t) => urlBinding(t.apiBaseUrl),
  policy: {
    content: false,
    tailoring: false,
    rulePack: 'built-in',
    defaultPack: GITHUB_BASELINE_ID,
    hostKey: false,
    testConnection: true,
  },
  credentials: [{ field: 'credentialId', role: 'token', kinds: ['github-token'] }],
  progressUnit: 'repositories',
  test: (t, env) => githubTestReport(t, env.vault),
  scanner: (env) =>
    githubScanner({
      vault: env.vault,
      cache: env.httpCache,
      state: env.githubState,
      now: () => env.clock.now(),
    }),
  report: { method: 'Driftwatch github rule pack', subject: (t) => t.org || t.repos.join(', ') },
})

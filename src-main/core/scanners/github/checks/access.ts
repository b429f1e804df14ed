// Repository ownership and access checks: a valid CODEOWNERS, no outside admins, and few admins.
import type { CheckDef, RepoFacts } from './model'
import { cis, fail, need, nist, verdict } from './verdicts'

export const accessChecks: CheckDef<RepoFacts>[] = [
  {
    id: 'repo-codeowners-valid',
    title: 'CODEOWNERS exists and has no errors',
    severity: 'medium',
    scope: 'repo',
    description: 'Ownership is declared, and every line of it is understood by GitHub.',
    references: [cis('1.1.6'), ...nist('CM-3', 'CM-5')],
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
    references: [cis('1.3.7'), cis('1.3.3'), ...nist('AC-2', 'AC-6(5)')],
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
    references: [cis('1.3.7'), ...nist('AC-6', 'AC-6(5)')],
    expected: (v) => `admins ≤ ${v.maxRepoAdmins}`,
    evaluate: (f, v) =>
      need(f.admins, (list) =>
        verdict(list.length <= v.maxRepoAdmins, `${list.length}`, `Admins: ${list.slice(0, 20).join(', ')}`),
      ),
  },
]

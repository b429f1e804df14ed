// Manual checks of the GitHub pack: what the benchmark asks that the API cannot show. Each reads not checked,
// with how a person verifies it, until someone attests it (judgement/attestations.ts).
import type { CheckDef, OrgFacts } from './model'
import { cis, nist } from './verdicts'

export const manualOrgChecks: CheckDef<OrgFacts>[] = [
  {
    id: 'org-manual-access-review',
    title: 'Members and outside collaborators are reviewed periodically',
    severity: 'medium',
    scope: 'org',
    description:
      'Someone goes through the members, outside collaborators and their teams at a set interval, and removes those who left or no longer need access.',
    references: [cis('1.3.1'), ...nist('AC-2')],
    expected: () => 'a recorded review within the period',
    evaluate: () => ({
      status: 'notchecked',
      actual: '',
      message:
        'Manual check: ask for the record of the last access review (date, who reviewed, who was removed).',
    }),
  },
]

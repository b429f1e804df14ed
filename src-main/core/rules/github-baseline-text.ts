// How to fix each github-baseline finding and why it matters: the words the app and every export print beside a
// GitHub result, kept as pack data next to the checks (which live with their API reads in scanners/github).

export interface GithubRuleText {
  remediation: string
  rationale: string
}

const BRANCH_RULES =
  'In the repository, open Settings → Rules → Rulesets (or Settings → Branches → Branch protection rules), edit the rule that targets the default branch'

export const GITHUB_RULE_TEXT: Record<string, GithubRuleText> = {
  'org-manual-access-review': {
    remediation:
      'Set a review interval (e.g. quarterly). At each review, export People and Outside collaborators from Organisation Settings, have each team maintainer confirm who still needs access, remove the rest, and keep the dated list of who reviewed and who was removed; then record the attestation in Driftwatch.',
    rationale:
      'Accounts of people who left or changed roles keep their access until someone removes it. A periodic, recorded review is how an organisation shows that access still matches need (least privilege; NIST 800-53 AC-2(3)).',
  },
  'org-2fa-required': {
    remediation:
      'Organisation Settings → Authentication security → tick "Require two-factor authentication for everyone in the organization" and save. Members and outside collaborators without 2FA are removed; ask them to enable 2FA first, then re-invite them.',
    rationale:
      'Passwords are phished and reused. With 2FA required, a stolen password alone cannot sign in, push code or change settings (CIS Software Supply Chain 1.3.5).',
  },
  'org-default-permission': {
    remediation:
      'Organisation Settings → Member privileges → Base permissions: choose "Read" (or "No permission") and save. Grant write or admin through teams on the repositories that need it.',
    rationale:
      'The base permission applies to every member on every repository. Keeping it at read means a compromised or careless account can change only what its teams were given (least privilege).',
  },
  'org-members-cannot-create-public-repos': {
    remediation:
      'Organisation Settings → Member privileges → Repository creation: untick "Public" (keep private/internal as needed) and save.',
    rationale:
      'A member who creates a public repository publishes code and history to the world; deciding what is public belongs to owners, not to any member by accident.',
  },
  'org-webhooks-secure': {
    remediation:
      'Organisation Settings → Webhooks → edit each hook: set a random secret (and verify the X-Hub-Signature-256 header at the receiver), use an https:// URL and keep "Enable SSL verification" on.',
    rationale:
      'Without a secret the receiver cannot tell GitHub from a forger; without verified TLS the payloads, which can carry code and member details, can be read or altered in transit.',
  },
  'org-actions-allowed-limited': {
    remediation:
      'Organisation Settings → Actions → General → Policies: choose "Allow enterprise, and select non-enterprise, actions and reusable workflows" and list the actions you trust (or allow only actions created by GitHub and verified creators).',
    rationale:
      'Every action runs with the repository token and its secrets. An allow-list keeps unreviewed third-party code out of the build (CIS Software Supply Chain 2.3).',
  },
  'org-workflow-token-read-only': {
    remediation:
      'Organisation Settings → Actions → General → Workflow permissions: choose "Read repository contents and packages permissions" and save; workflows that need more declare it with a permissions: block.',
    rationale:
      'A write token by default lets any compromised workflow step push code or tags. Read-only by default limits what a poisoned dependency in a build can do.',
  },
  'org-workflows-cannot-approve-prs': {
    remediation:
      'Organisation Settings → Actions → General → Workflow permissions: untick "Allow GitHub Actions to create and approve pull requests" and save.',
    rationale:
      'A workflow that can approve pull requests satisfies required reviews on its own, so code lands without a person having reviewed it.',
  },
  'repo-codeowners-valid': {
    remediation:
      'Add a CODEOWNERS file in .github/, the repository root or docs/, naming a team or person for each sensitive path; fix every line GitHub flags on the file page (unknown users or teams, bad patterns).',
    rationale:
      'Code owners are who reviews changes to what they own. A missing or broken CODEOWNERS file means ownership reviews silently do not happen (CIS Software Supply Chain 1.1.6).',
  },
  'repo-no-outside-admins': {
    remediation:
      'Repository Settings → Collaborators and teams: lower each outside collaborator with Admin to Write or less, or make them organisation members so the organisation manages their account and 2FA.',
    rationale:
      "Admins can disable every protection and read every secret. Outside collaborators are not covered by the organisation's membership controls, so admin should stay with members.",
  },
  'repo-admins-limited': {
    remediation:
      'Repository Settings → Collaborators and teams: lower people and teams who do not administer the repository from Admin to Maintain or Write, until at most the allowed number remain.',
    rationale:
      'Each admin can turn off branch protection, change secrets and delete the repository; fewer admins mean fewer accounts whose compromise undoes every other control (CIS Software Supply Chain 1.3.7).',
  },
  'repo-branch-protection': {
    remediation: `${BRANCH_RULES.replace(', edit the rule that targets the default branch', '')}: add a ruleset (or rule) targeting the default branch, with pull requests, approvals and status checks required.`,
    rationale:
      'Without protection anyone with write access can push directly to the branch that is built and released, with no review and no checks.',
  },
  'repo-required-approvals': {
    remediation: `${BRANCH_RULES}, tick "Require a pull request before merging" and set "Required approvals" to at least the required number.`,
    rationale:
      'A second person reviewing every change catches mistakes and stops a single compromised account from landing malicious code (CIS Software Supply Chain 1.1.3).',
  },
  'repo-dismiss-stale-reviews': {
    remediation: `${BRANCH_RULES} and tick "Dismiss stale pull request approvals when new commits are pushed".`,
    rationale:
      'An approval covers the code that was reviewed. If it survives new commits, an author can get approval and then push anything.',
  },
  'repo-code-owner-reviews': {
    remediation: `${BRANCH_RULES} and tick "Require review from Code Owners".`,
    rationale:
      'Changes to sensitive paths are approved by the people responsible for them, not by any reviewer.',
  },
  'repo-last-push-approval': {
    remediation: `${BRANCH_RULES} and tick "Require approval of the most recent reviewable push".`,
    rationale:
      'Without it the last person to push can also be the one whose change goes unreviewed: an author can add a commit after the approval and merge.',
  },
  'repo-enforce-admins': {
    remediation: `${BRANCH_RULES} and tick "Do not allow bypassing the above settings" (rulesets: leave the bypass list empty).`,
    rationale:
      'If administrators may bypass the rules, one stolen admin token pushes unreviewed code; the protection only holds if it holds for everyone.',
  },
  'repo-strict-status-checks': {
    remediation: `${BRANCH_RULES}, tick "Require status checks to pass before merging", add the CI checks and tick "Require branches to be up to date before merging".`,
    rationale:
      'Code should merge only after its tests and scans passed on top of the current default branch, not against an old base.',
  },
  'repo-linear-history': {
    remediation: `${BRANCH_RULES} and tick "Require linear history" (merge with squash or rebase).`,
    rationale:
      'A linear history is easier to review, audit and bisect; merge commits can hide changes from review.',
  },
  'repo-no-force-push': {
    remediation: `${BRANCH_RULES} and make sure "Allow force pushes" is off (rulesets: "Block force pushes" on).`,
    rationale:
      'A force push rewrites history that was reviewed and released, and can remove commits without a trace.',
  },
  'repo-no-deletion': {
    remediation: `${BRANCH_RULES} and make sure "Allow deletions" is off (rulesets: "Restrict deletions" on).`,
    rationale:
      'Deleting the default branch removes its protection and can be used to replace it with unreviewed code.',
  },
  'repo-conversation-resolution': {
    remediation: `${BRANCH_RULES} and tick "Require conversation resolution before merging".`,
    rationale:
      "Review comments are answered before merging, so a reviewer's objection cannot simply be merged past.",
  },
  'repo-signed-commits': {
    remediation: `${BRANCH_RULES} and tick "Require signed commits"; contributors add a GPG, SSH or S/MIME signing key to their GitHub account and sign their commits.`,
    rationale:
      "A signature ties each commit to a key its author controls; without it anyone can author a commit under another person's name.",
  },
  'repo-delete-branch-on-merge': {
    remediation: 'Repository Settings → General → Pull Requests: tick "Automatically delete head branches".',
    rationale:
      'Merged branches left behind are unprotected copies of the code that can be pushed to and reopened; deleting them keeps the attack surface and the clutter down.',
  },
  'repo-inactive-archived': {
    remediation:
      'Repository Settings → General → Danger Zone → "Archive this repository" (it becomes read-only and can be unarchived later), or delete it if it is no longer needed.',
    rationale:
      'A repository nobody maintains still has write access, secrets and workflows; archived, it cannot be pushed to or used as a forgotten foothold.',
  },
  'repo-secret-scanning': {
    remediation:
      'Repository Settings → Code security → Secret scanning: click "Enable" (private repositories need GitHub Advanced Security or Secret Protection).',
    rationale:
      'Credentials committed by mistake are found and reported, so they can be revoked before someone else finds them.',
  },
  'repo-secret-push-protection': {
    remediation: 'Repository Settings → Code security → Secret scanning → Push protection: click "Enable".',
    rationale:
      'Blocking the push is cheaper than revoking a leaked secret: a recognised credential never reaches the repository history.',
  },
  'repo-dependabot-alerts': {
    remediation: 'Repository Settings → Code security → Dependabot alerts: click "Enable".',
    rationale:
      'Dependencies with published vulnerabilities are reported, so the team knows what to upgrade (CIS Software Supply Chain 3.2).',
  },
  'repo-dependabot-security-updates': {
    remediation:
      'Repository Settings → Code security → Dependabot security updates: click "Enable" (Dependabot alerts must be on).',
    rationale:
      'A pull request that upgrades the vulnerable dependency shortens the time a known hole stays open.',
  },
  'repo-code-scanning': {
    remediation:
      'Repository Settings → Code security → Code scanning → CodeQL analysis: "Set up" → "Default" and enable it (private repositories need GitHub Advanced Security or Code Security).',
    rationale:
      'Static analysis of every push and pull request finds injection and other vulnerabilities before release.',
  },
  'repo-security-policy': {
    remediation:
      "Add a SECURITY.md (in the root, docs/ or .github/, or the organisation's .github repository) saying how to report a vulnerability privately, and enable private vulnerability reporting under Settings → Code security.",
    rationale:
      'People who find a vulnerability know how to tell you privately instead of opening a public issue that warns attackers first.',
  },
}

// Repository security feature checks: secret scanning and push protection, Dependabot alerts and updates,
// code scanning and a published security policy.
import type { CheckDef, RepoFacts, Verdict } from './model'
import { adminOnly, cis, fail, need, nist, onOff, pass, sa, sc, verdict } from './verdicts'

export const securityFeatureChecks: CheckDef<RepoFacts>[] = [
  {
    id: 'repo-secret-scanning',
    title: 'Secret scanning is enabled',
    severity: 'high',
    scope: 'repo',
    description: 'Leaked credentials in the code are found and reported.',
    references: [cis('1.5.1'), ...nist('IA-5(7)', 'SI-4')],
    expected: () => 'secret_scanning = enabled',
    evaluate: (f) => secretFeature(f, 'secret_scanning'),
  },
  {
    id: 'repo-secret-push-protection',
    title: 'Secret scanning push protection is enabled',
    severity: 'high',
    scope: 'repo',
    description: 'Pushes containing recognised secrets are blocked before they land.',
    references: [cis('1.5.1'), ...nist('IA-5(7)')],
    expected: () => 'secret_scanning_push_protection = enabled',
    evaluate: (f) => secretFeature(f, 'secret_scanning_push_protection'),
  },
  {
    id: 'repo-dependabot-alerts',
    title: 'Dependabot alerts are enabled',
    severity: 'medium',
    scope: 'repo',
    description: 'Known vulnerabilities in dependencies are reported.',
    references: [cis('1.5.5'), sc('Vulnerabilities'), ...nist('RA-5', 'SI-2')],
    expected: () => 'vulnerability alerts enabled',
    evaluate: (f) => need(f.vulnerabilityAlerts, (on) => verdict(on, onOff(on))),
  },
  {
    id: 'repo-dependabot-security-updates',
    title: 'Dependabot security updates are enabled',
    severity: 'medium',
    scope: 'repo',
    description: 'Vulnerable dependencies get fix pull requests automatically.',
    references: [cis('1.5.5'), sc('Dependency-Update-Tool'), ...nist('SI-2')],
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
    references: [cis('1.5.4'), sc('SAST'), ...nist('RA-5', 'SA-11')],
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
    references: [cis('1.2.1'), sc('Security-Policy'), ...nist('IR-6', 'SI-5')],
    expected: () => 'SECURITY.md, .github/SECURITY.md or docs/SECURITY.md',
    evaluate: (f) =>
      need(f.securityPolicy, (path) =>
        path ? pass(path) : fail('missing', 'No SECURITY.md in the repository'),
      ),
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

// The vocabulary the GitHub checks are written in: pass/fail verdicts, what an unreadable fact means, the
// references to CIS and OpenSSF Scorecard, and the repository fields only admins can see.
import type { GithubError } from '../client'
import type { Fact, RepoFacts, Verdict } from './model'

const CIS = 'CIS Software Supply Chain Security Guide v1.0'
const SCORECARD = 'OpenSSF Scorecard'
export const cis = (id: string) => ({ system: CIS, id })
export const sc = (id: string) => ({ system: SCORECARD, id })
/** The NIST SP 800-53 rev 5 controls a check supports (checked against the catalog's statements). */
export const nist = (...ids: string[]) => ids.map((id) => ({ system: 'NIST-800-53', id }))

export const pass = (actual: string, message = ''): Verdict => ({ status: 'pass', actual, message })
export const fail = (actual: string, message = ''): Verdict => ({ status: 'fail', actual, message })
export const verdict = (ok: boolean, actual: string, message = ''): Verdict =>
  (ok ? pass : fail)(actual, message)

/** What an unreadable fact means for a check: plan → notapplicable, the rest → error (scope named). */
export function fromError(e: GithubError): Verdict {
  if (e.kind === 'plan') return { status: 'notapplicable', actual: '', message: e.message }
  return { status: 'error', actual: '', message: e.message }
}

export function need<T>(f: Fact<T>, then: (d: T) => Verdict): Verdict {
  return f.ok ? then(f.data) : fromError(f.error)
}

export const onOff = (b: boolean) => (b ? 'enabled' : 'disabled')

/** A repository's security_and_analysis feature status; undefined when the token cannot see that block. */
export const sa = (f: RepoFacts, key: string): string | undefined => {
  const s = f.repo.security_and_analysis as Record<string, { status?: string }> | null | undefined
  return s ? (s[key]?.status ?? 'disabled') : undefined
}
export const adminOnly = (field: string): Verdict => ({
  status: 'error',
  actual: '',
  message: `GitHub shows ${field} only to repository admins: use a token with admin access (the repo scope)`,
})

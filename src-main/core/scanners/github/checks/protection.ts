// Merges a branch's classic protection and the rulesets that apply to it into one set of rules: a setting
// counts when either requires it.
import type { Json, Protection } from './model'

export function mergeProtection(classic: Json | null, rules: Json[]): Protection | null {
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

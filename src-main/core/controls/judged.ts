// Exceptions and attestations on the Controls view: which current failures a live exception covers and which
// unchecked rules a live attestation answers, read by the same rules (`judge`) as the results and the reports.
import { createHash } from 'node:crypto'
import type { ControlsRepo, TargetControlRow } from '../store/controls'
import type { AttestationRow, ExceptionRow, JudgementRepo } from '../store/judgement'
import { isLive, judge, type TargetRef } from '../judgement/apply'

export type Verdict = 'excepted' | 'attested-passed' | 'attested-failed'

export interface JudgementState {
  now: string
  exceptions: ExceptionRow[]
  attestations: AttestationRow[]
  /** Changes whenever an exception or attestation is made, changed, revoked or lapses: the cache's key. */
  key: string
}

/** The exceptions and attestations in force now (a revoked or lapsed one changes nothing, so is left out). */
export function judgementState(repo: JudgementRepo, now: string): JudgementState {
  const exceptions = repo.exceptions().filter((e) => isLive(e, now))
  // A lapsed attestation stays in the list (judge reads it as lapsed: the rule is not checked again).
  const attestations = repo.attestations()
  const key = createHash('sha256')
    .update(
      JSON.stringify([
        exceptions.map((e) => [e.id, e.updatedAt]),
        attestations.map((a) => [a.id, a.status, a.targetId, a.ruleId, a.expiresAt > now]),
      ]),
    )
    .digest('hex')
  return { now, exceptions, attestations, key }
}

/** Each (target, rule) the judgement changes, keyed `target\0rule`. */
export function verdicts(
  results: readonly { targetId: string; ruleId: string; status: string }[],
  targets: ReadonlyMap<string, TargetRef>,
  j: JudgementState,
): Map<string, Verdict> {
  const out = new Map<string, Verdict>()
  if (j.exceptions.length === 0 && j.attestations.length === 0) return out
  const byTarget = new Map<string, { ruleId: string; status: string }[]>()
  for (const r of results) byTarget.set(r.targetId, [...(byTarget.get(r.targetId) ?? []), r])
  for (const [targetId, list] of byTarget) {
    const target = targets.get(targetId) ?? { id: targetId, groups: [] }
    for (const { result, judgement } of judge(list, target, j.exceptions, j.attestations, j.now)) {
      const key = `${targetId}\u0000${result.ruleId}`
      if (judgement?.kind === 'excepted') out.set(key, 'excepted')
      else if (judgement?.kind === 'attested')
        out.set(key, judgement.status === 'passed' ? 'attested-passed' : 'attested-failed')
    }
  }
  return out
}

/** The rule id a mapping is kept under: a GitHub result names its repository after '@'. */
const baseRule = (ruleId: string) => ruleId.split('@')[0]!

/**
 * Adds to each target's control rows the failures excepted and the rules attested, per control. A manual rule
 * has no current status, so a control only it supports gets its row here, from the attestation.
 */
export function applyVerdicts(
  framework: string,
  rows: TargetControlRow[],
  judged: ReadonlyMap<string, Verdict>,
  repo: ControlsRepo,
): void {
  if (judged.size === 0) return
  const pairs = [...judged].map(([key, verdict]) => {
    const [targetId, ruleId] = key.split('\u0000') as [string, string]
    return { targetId, ruleId, verdict }
  })
  const controls = repo.controlsOfRules(framework, [...new Set(pairs.map((p) => baseRule(p.ruleId)))])
  const byKey = new Map(rows.map((r) => [`${r.targetId}\u0000${r.controlId}`, r]))
  for (const p of pairs)
    for (const c of controls.get(baseRule(p.ruleId)) ?? []) {
      const k = `${p.targetId}\u0000${c.controlId}`
      let r = byKey.get(k)
      if (!r) {
        r = {
          targetId: p.targetId,
          controlId: c.controlId,
          family: c.family,
          label: c.label,
          pass: 0,
          fail: 0,
          notApplicable: 0,
          other: 0,
          excepted: 0,
          attested: 0,
          attestedFailed: 0,
        }
        byKey.set(k, r)
        rows.push(r)
      }
      if (p.verdict === 'excepted') r.excepted++
      else {
        // The manual rule itself: not in current_status, so not counted among the control's rules yet.
        r.other++
        if (p.verdict === 'attested-passed') r.attested++
        else r.attestedFailed++
      }
    }
}

/**
 * One target's results for one control, each with the judgement `judge` gave it, as the counts the Controls page
 * reads (`targetControlStatus`): a report's rows are judged by the same rules, so an export and the page agree.
 */
export function judgedCounts(
  rows: readonly { status: string; judgement?: { kind: string; status?: string } | null }[],
): Pick<
  TargetControlRow,
  'pass' | 'fail' | 'notApplicable' | 'other' | 'excepted' | 'attested' | 'attestedFailed'
> {
  const c = { pass: 0, fail: 0, notApplicable: 0, other: 0, excepted: 0, attested: 0, attestedFailed: 0 }
  for (const r of rows) {
    if (r.status === 'pass' || r.status === 'fixed') c.pass++
    else if (r.status === 'fail') c.fail++
    else if (r.status === 'notapplicable') c.notApplicable++
    else c.other++
    if (r.judgement?.kind === 'excepted') c.excepted++
    else if (r.judgement?.kind === 'attested') {
      if (r.judgement.status === 'passed') c.attested++
      else c.attestedFailed++
    }
  }
  return c
}

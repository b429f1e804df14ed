// What the judgement rooms (exceptions, attestations, expiry, compare) are handed, and the checks they share.
import type { CoreContext } from '../context'
import type { AuditLog } from '../audit/log'
import type { FileStaging } from '../files/staging'
import type { JudgementRepo } from '../store/judgement'
import type { ScansRepo } from '../store/scans'
import type { RulePacks } from '../rules/registry'
import { AppError } from '../errors'
import { ruleMatcher } from './apply'

export interface JudgementDeps extends CoreContext {
  judgement: JudgementRepo
  scans: ScansRepo
  packs: RulePacks
  audit: AuditLog
  uploads: FileStaging
}

export const invalid = (path: string, message: string) =>
  new AppError('validation', message, [{ path, message }])

/** Rule ids a person may name: every rule a scan reported, and every rule of every pack. */
export function knownRules(d: JudgementDeps): Set<string> {
  const ids = d.judgement.knownRuleIds()
  for (const { pack } of d.packs.all()) for (const r of pack.rules) ids.add(r.id)
  for (const p of d.packs.codePacks) for (const r of p.rules) ids.add(r.id)
  return ids
}

/** Refuses a rule id or pattern that names no rule Driftwatch knows (a typo would except nothing). */
export function checkRule(pattern: string, known: Set<string>, path = 'rulePattern'): void {
  if (/[*?]/.test(pattern)) {
    const m = ruleMatcher(pattern)
    if (![...known].some(m))
      throw invalid(path, `The pattern "${pattern.slice(0, 100)}" matches no rule Driftwatch knows`)
  } else if (!known.has(pattern))
    throw invalid(
      path,
      `Unknown rule "${pattern.slice(0, 100)}": no scan reported it and no rule pack has it (check the rule id)`,
    )
}

/** A date alone is read as the start of that day (UTC): on the day itself, the exception no longer holds. */
export function isoInstant(v: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00.000Z` : new Date(v).toISOString()
}

/** An evidence file staged by the face: stored content-addressed, or a clear error. */
export function takeEvidence(
  d: JudgementDeps,
  uploadId: string | undefined,
): { sha256: string; name: string } | null {
  if (!uploadId) return null
  const f = d.uploads.take(uploadId)
  if (!f)
    throw invalid(
      'evidenceUploadId',
      'That evidence upload is gone (each is used once): choose the file again',
    )
  const sha256 = d.judgement.putEvidence(
    f.bytes,
    f.mediaType || 'application/octet-stream',
    d.clock.now().toISOString(),
  )
  return { sha256, name: f.fileName.slice(0, 200) }
}

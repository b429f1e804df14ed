// How a scan's results read under the exceptions and attestations in force at a moment: pure, so the rules
// (which failure is excepted, which attestation has lapsed, the score both ways) are tested on their own.
import type { ResultJudgement, JudgementSummary } from '../../../src-preload/contract'
import type { AttestationRow, ExceptionRow } from '../store/judgement'

export const DAY_MS = 86_400_000
export const NOTICE_MS = 7 * DAY_MS

/** A rule pattern: exact id, or a glob where * is any run of characters and ? one character. */
export function ruleMatcher(pattern: string): (ruleId: string) => boolean {
  if (!/[*?]/.test(pattern)) return (id) => id === pattern
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  )
  return (id) => re.test(id)
}

export interface TargetRef {
  id: string
  groups: readonly string[]
}

export function inScope(e: Pick<ExceptionRow, 'scope' | 'targetId' | 'group'>, t: TargetRef): boolean {
  if (e.scope === 'all') return true
  if (e.scope === 'target') return e.targetId === t.id
  return t.groups.some((g) => g.toLowerCase() === (e.group ?? '').toLowerCase())
}

export const isLive = (e: { revokedAt: string | null; expiresAt: string }, now: string) =>
  e.revokedAt === null && e.expiresAt > now

export function exceptionState(e: ExceptionRow, now: string): 'live' | 'expiring' | 'expired' | 'revoked' {
  if (e.revokedAt) return 'revoked'
  if (e.expiresAt <= now) return 'expired'
  return Date.parse(e.expiresAt) - Date.parse(now) <= NOTICE_MS ? 'expiring' : 'live'
}

/** The renewal date of an attestation: its date plus its frequency (SAF CLI's words, or N d/w/m/y). */
export function renewalDate(attestedAt: string, frequency: string): string {
  const d = new Date(attestedAt)
  const add = (unit: 'd' | 'w' | 'm' | 'y', n: number) => {
    if (unit === 'd') d.setUTCDate(d.getUTCDate() + n)
    else if (unit === 'w') d.setUTCDate(d.getUTCDate() + 7 * n)
    else if (unit === 'm') d.setUTCMonth(d.getUTCMonth() + n)
    else d.setUTCFullYear(d.getUTCFullYear() + n)
  }
  const words: Record<string, [unit: 'd' | 'w' | 'm' | 'y', n: number]> = {
    daily: ['d', 1],
    every3days: ['d', 3],
    weekly: ['w', 1],
    every2weeks: ['w', 2],
    fortnightly: ['w', 2],
    monthly: ['m', 1],
    quarterly: ['m', 3],
    semiannually: ['m', 6],
    annually: ['y', 1],
  }
  const f = frequency.trim().toLowerCase()
  const w = words[f]
  if (w) add(...w)
  else {
    const m = /^(\d{1,4})\s?([dwmy])$/.exec(f)
    if (!m) throw new Error(`Unknown frequency "${frequency}"`)
    add(m[2] as 'd', Number(m[1]))
  }
  return d.toISOString()
}

export interface Judged<R> {
  result: R
  judgement: ResultJudgement | null
}

/** The attestation for a rule on a target: the target's own first, else one for every target. */
export function attestationFor(
  list: readonly AttestationRow[],
  targetId: string,
  ruleId: string,
): AttestationRow | undefined {
  return (
    list.find((a) => a.ruleId === ruleId && a.targetId === targetId) ??
    list.find((a) => a.ruleId === ruleId && a.targetId === null)
  )
}

export function judge<R extends { ruleId: string; status: string }>(
  results: readonly R[],
  target: TargetRef,
  exceptions: readonly ExceptionRow[],
  attestations: readonly AttestationRow[],
  now: string,
): Judged<R>[] {
  const live = exceptions.filter((e) => isLive(e, now) && inScope(e, target))
  const matchers = live.map((e) => ({ e, m: ruleMatcher(e.rulePattern) }))
  const mine = attestations.filter((a) => a.revokedAt === null)
  return results.map((r) => {
    if (r.status === 'fail') {
      // The most specific exception wins: an exact rule over a pattern, a target over a group over all.
      const hit = matchers
        .filter((x) => x.m(r.ruleId))
        .sort(
          (a, b) =>
            Number(/[*?]/.test(a.e.rulePattern)) - Number(/[*?]/.test(b.e.rulePattern)) ||
            SCOPE_RANK[a.e.scope] - SCOPE_RANK[b.e.scope],
        )[0]?.e
      if (hit)
        return {
          result: r,
          judgement: {
            kind: 'excepted',
            exceptionId: hit.id,
            justification: hit.justification,
            approvedBy: hit.approvedBy,
            expiresAt: hit.expiresAt,
            evidenceSha256: hit.evidence?.sha256 ?? null,
          },
        }
    }
    if (r.status === 'notchecked') {
      const a = attestationFor(mine, target.id, r.ruleId)
      if (a && a.expiresAt > now)
        return {
          result: r,
          judgement: {
            kind: 'attested',
            attestationId: a.id,
            status: a.status,
            explanation: a.explanation,
            attestedBy: a.attestedBy,
            attestedAt: a.attestedAt,
            frequency: a.frequency,
            expiresAt: a.expiresAt,
            evidenceSha256: a.evidence?.sha256 ?? null,
          },
        }
      if (a)
        return {
          result: r,
          judgement: {
            kind: 'attestation-lapsed',
            attestationId: a.id,
            expiredAt: a.expiresAt,
            warning: `The attestation by ${a.attestedBy} lapsed on ${a.expiresAt.slice(0, 10)} (renewed ${a.frequency}): not checked until it is renewed`,
          },
        }
    }
    return { result: r, judgement: null }
  })
}

const SCOPE_RANK = { target: 0, group: 1, all: 2 } as const

const score = (pass: number, fail: number) =>
  pass + fail === 0 ? null : Math.round((pass / (pass + fail)) * 1000) / 10

/**
 * Counts and scores both ways. After the judgement: an excepted failure counts as "excepted" and leaves the
 * score (neither pass nor fail); an attested rule counts as the attestation says.
 */
export function summarise(judged: readonly Judged<{ status: string }>[]): JudgementSummary {
  const counts: Record<string, number> = {}
  const after: Record<string, number> = {}
  let excepted = 0
  let attested = 0
  let lapsed = 0
  for (const { result, judgement } of judged) {
    counts[result.status] = (counts[result.status] ?? 0) + 1
    let status = result.status
    if (judgement?.kind === 'excepted') {
      status = 'excepted'
      excepted++
    } else if (judgement?.kind === 'attested') {
      status = judgement.status === 'passed' ? 'pass' : 'fail'
      attested++
    } else if (judgement?.kind === 'attestation-lapsed') lapsed++
    after[status] = (after[status] ?? 0) + 1
  }
  return {
    counts,
    countsAfter: after,
    scoreRaw: score(counts.pass ?? 0, counts.fail ?? 0),
    scoreAfter: score(after.pass ?? 0, after.fail ?? 0),
    scoreRawLabel: 'Score as scanned',
    scoreAfterLabel: 'Score after exceptions and attestations',
    excepted,
    attested,
    lapsed,
  }
}

/** "fail 12 · excepted 3 · pass 40": the order a reader scans for. */
export function countsLine(c: Record<string, number>): string {
  const order = ['fail', 'excepted', 'error', 'pass', 'notchecked', 'notapplicable', 'informational', 'fixed']
  const keys = [...order.filter((k) => c[k]), ...Object.keys(c).filter((k) => !order.includes(k) && c[k])]
  return keys.map((k) => `${k} ${c[k]}`).join(' · ')
}

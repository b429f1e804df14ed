// The judgement's columns in the findings CSV: whether a finding is excepted (its status column stays what the
// scan found), by whom, until when, and why.
import type { ReportModel } from '../../../src-preload/contract'

export const JUDGEMENT_COLUMNS = ['judgement', 'judgement_by', 'judgement_until', 'justification'] as const

export function judgementCells(f: ReportModel['results'][number]): string[] {
  const j = f.judgement
  if (j?.kind === 'excepted') return ['excepted', j.approvedBy, j.expiresAt, j.justification]
  if (j?.kind === 'attested') return [`attested ${j.status}`, j.attestedBy, j.expiresAt, j.explanation]
  if (j?.kind === 'attestation-lapsed') return ['attestation lapsed', '', j.expiredAt, j.warning]
  return ['', '', '', '']
}

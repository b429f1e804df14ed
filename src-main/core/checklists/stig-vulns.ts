// The DISA STIG view of one target's latest scan, shared by the CKL and CKLB exports: each rule that carries a
// DISA STIG id (SCAP Security Guide's `stig` profiles do) with its checklist status, the evidence in words as the
// finding details, and the exceptions and attestations in force as comments.
import type { ReportModel } from '../../../src-preload/contract'
import { AppError } from '../errors'
import { methodOfScan } from '../reports/method'
import { stableUuid } from '../reports/model'

type Row = ReportModel['results'][number]

/** STIG Viewer's four statuses, as the CKL writes them. */
export type CklStatus = 'Open' | 'NotAFinding' | 'Not_Applicable' | 'Not_Reviewed'

export interface StigVuln {
  ruleId: string
  /** The STIG's rule version ("UBTU-20-010000"): the id auditors and STIG Viewer know the check by. */
  stigId: string
  srg: string
  ccis: string[]
  title: string
  severity: 'high' | 'medium' | 'low'
  status: CklStatus
  findingDetails: string
  comments: string
  discussion: string
  fixText: string
  uuid: string
}

export interface StigChecklist {
  target: ReportModel['targets'][number]
  scanId: string
  /** The benchmark and profile the scan ran ("Guide to the Secure Configuration of Ubuntu 20.04 0.1.65"). */
  title: string
  profileId: string
  releaseInfo: string
  uuid: string
  vulns: StigVuln[]
}

const refs = (r: Row, system: string) => r.references.filter((x) => x.system === system).map((x) => x.id)

/** A result as STIG Viewer reads it: what the scan found, or what a person attested for a manual check. */
export function cklStatus(r: Row): CklStatus {
  if (r.status === 'pass' || r.status === 'fixed') return 'NotAFinding'
  if (r.status === 'fail') return 'Open'
  if (r.status === 'notapplicable') return 'Not_Applicable'
  if (r.judgement?.kind === 'attested') return r.judgement.status === 'passed' ? 'NotAFinding' : 'Open'
  return 'Not_Reviewed'
}

/** The exception or attestation behind a status, in the words an assessor files; '' when none. */
export function cklComments(r: Row): string {
  const j = r.judgement
  if (j?.kind === 'excepted')
    return `Excepted until ${j.expiresAt.slice(0, 10)}, approved by ${j.approvedBy}: ${j.justification}`
  if (j?.kind === 'attested')
    return `Attested ${j.status} by ${j.attestedBy} on ${j.attestedAt.slice(0, 10)} (renewed ${j.frequency}): ${j.explanation}`
  if (j?.kind === 'attestation-lapsed') return j.warning
  return ''
}

function findingDetails(r: Row): string {
  const lines = [`Driftwatch: rule ${r.ruleId} evaluated ${r.status}.`]
  if (r.evidenceExcerpt) lines.push(r.evidenceExcerpt)
  else if (r.actual || r.expected)
    lines.push(`Found: ${r.actual || 'nothing'}; expected: ${r.expected || '—'}`)
  if (r.message) lines.push(r.message)
  return lines.join('\n')
}

const severity = (s: string): StigVuln['severity'] => (s === 'high' || s === 'low' ? s : 'medium')

/**
 * The checklist of the one target in the report whose results carry STIG ids. A checklist describes one asset,
 * so a report over several such targets is refused with the way out.
 */
export function stigChecklist(model: ReportModel): StigChecklist {
  const withStig = model.targets.filter((t) =>
    model.results.some((r) => r.targetId === t.id && refs(r, 'STIG').length > 0),
  )
  if (withStig.length === 0)
    throw new AppError(
      'validation',
      'No result in this report carries a DISA STIG id: a checklist needs a scan with a STIG profile ' +
        '(SCAP Security Guide content, profile "stig")',
    )
  if (withStig.length > 1)
    throw new AppError(
      'validation',
      `A STIG checklist describes one system, and ${withStig.length} targets in this report have STIG results ` +
        `(${withStig.map((t) => t.name).join(', ')}): export one target at a time`,
    )
  const target = withStig[0]!
  const method = methodOfScan(model, target.latestScanId)
  const vulns = model.results
    .filter((r) => r.targetId === target.id && refs(r, 'STIG').length > 0)
    .map((r) => ({
      ruleId: r.ruleId,
      stigId: refs(r, 'STIG').join(', '),
      srg: refs(r, 'DISA-SRG').join(', '),
      ccis: [...refs(r, 'DISA-CCI'), ...r.idents.filter((i) => i.system === 'DISA-CCI').map((i) => i.id)],
      title: r.title || r.ruleId,
      severity: severity(r.severity),
      status: cklStatus(r),
      findingDetails: findingDetails(r),
      comments: cklComments(r),
      discussion: [r.description, r.rationale].filter(Boolean).join('\n\n'),
      fixText: r.remediation,
      uuid: stableUuid(`stig|${model.reportId}|${target.id}|${r.ruleId}`),
    }))
    .sort(
      (a, b) => a.stigId.localeCompare(b.stigId, 'en', { numeric: true }) || a.ruleId.localeCompare(b.ruleId),
    )
  return {
    target,
    scanId: target.latestScanId,
    title: method ? `${method.benchmark}: ${method.profileTitle || method.profileId}` : target.name,
    profileId: method?.profileId ?? '',
    releaseInfo: method?.benchmark ?? '',
    uuid: stableUuid(`stig|${model.reportId}|${target.id}`),
    vulns,
  }
}

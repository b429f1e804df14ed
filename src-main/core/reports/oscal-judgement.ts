// The judgement in OSCAL Assessment Results: an excepted finding points to a risk whose status is
// "deviation-approved" (open again once the exception has expired), with its deadline and approver; an attested
// rule gets an observation made by INTERVIEW (EXAMINE when a document was attached) and a finding from it.
import type { ReportModel } from '../../../src-preload/contract'

type Row = ReportModel['results'][number]
type Judgement = NonNullable<ReportModel['judgement']>

const NS = 'https://driftwatch.invalid/ns/oscal'
const prop = (name: string, value: string) => {
  const v = value.replace(/\s+/g, ' ').trim()
  return v ? [{ name, ns: NS, value: v }] : []
}
const token = (s: string) => {
  const t = s.replace(/[^\p{L}\p{N}._-]/gu, '_')
  return /^[\p{L}_]/u.test(t) ? t : `_${t}`
}

/** What an automated finding adds: its related risk, when an exception accepts it. */
export function findingRisk(r: Row, u: (what: string) => string): Record<string, unknown> {
  return r.judgement?.kind === 'excepted' ? { 'related-risks': [{ 'risk-uuid': u(`risk|${r.id}`) }] } : {}
}

export function oscalJudgement(
  rows: readonly Row[],
  target: { name: string; itemUuid: string },
  judgement: Judgement | undefined,
  u: (what: string) => string,
) {
  const risks: Record<string, unknown>[] = []
  const observations: Record<string, unknown>[] = []
  const findings: Record<string, unknown>[] = []
  for (const r of rows) {
    const j = r.judgement
    if (j?.kind === 'excepted') {
      const state = judgement?.exceptions.find((e) => e.id === j.exceptionId)?.state
      risks.push({
        uuid: u(`risk|${r.id}`),
        title: `Accepted deviation: ${r.title || r.ruleId}`,
        description: j.justification,
        statement: `${r.ruleId} fails on ${target.name} (found ${r.actual || 'nothing'}); the failure is accepted by ${j.approvedBy} until ${j.expiresAt.slice(0, 10)}.`,
        props: [
          ...prop('exception-id', j.exceptionId),
          ...prop('approved-by', j.approvedBy),
          ...(j.evidenceSha256 ? prop('evidence-sha256', j.evidenceSha256) : []),
        ],
        status: state === 'expired' ? 'open' : 'deviation-approved',
        deadline: j.expiresAt,
        'related-observations': [{ 'observation-uuid': u(`observation|${r.id}`) }],
      })
    } else if (j?.kind === 'attested') {
      const obs = u(`attestation|${r.id}|${j.attestationId}`)
      observations.push({
        uuid: obs,
        title: `Attestation: ${r.title || r.ruleId}`,
        description: `${j.attestedBy} attested ${j.status} on ${j.attestedAt.slice(0, 10)}: ${j.explanation}`,
        props: [
          ...prop('rule-id', r.ruleId),
          ...prop('attestation-id', j.attestationId),
          ...prop('attested-by', j.attestedBy),
          ...prop('frequency', j.frequency),
          ...prop('renewal-due', j.expiresAt),
          ...(j.evidenceSha256 ? prop('evidence-sha256', j.evidenceSha256) : []),
        ],
        methods: [j.evidenceSha256 ? 'EXAMINE' : 'INTERVIEW'],
        subjects: [{ 'subject-uuid': target.itemUuid, type: 'inventory-item', title: target.name }],
        collected: j.attestedAt,
      })
      findings.push({
        uuid: u(`finding|attested|${r.id}`),
        title: r.title || r.ruleId,
        description: r.description || `${r.ruleId}: attested ${j.status}`,
        props: [...prop('result', `attested-${j.status}`), ...prop('severity', r.severity)],
        target: {
          type: 'objective-id',
          'target-id': token(r.ruleId),
          status: {
            state: j.status === 'passed' ? 'satisfied' : 'not-satisfied',
            reason: j.status === 'passed' ? 'pass' : 'fail',
          },
        },
        'related-observations': [
          { 'observation-uuid': u(`observation|${r.id}`) },
          { 'observation-uuid': obs },
        ],
      })
    }
  }
  return { risks, observations, findings }
}

// The judgement in HDF, as Heimdall and inspecjs read it: an excepted failure gives its control waiver_data
// (run: true — the check ran and its failure stands underneath — with the justification and expiry); an
// attestation gives attestation_data and a result segment carrying the attested status, as `saf attest apply`
// adds one; a lapsed attestation adds a skipped segment saying so.
import type { ReportModel } from '../../../src-preload/contract'

type Row = ReportModel['results'][number]

export function hdfJudgement(
  rows: readonly Row[],
  targetName: (id: string) => string,
  asOf: string,
): { fields: Record<string, unknown>; segments: Record<string, unknown>[] } {
  const fields: Record<string, unknown> = {}
  const segments: Record<string, unknown>[] = []
  const excepted = rows.filter((r) => r.judgement?.kind === 'excepted')
  if (excepted.length) {
    const first = excepted[0]!.judgement as Extract<Row['judgement'], { kind: 'excepted' }>
    const who = excepted.map((r) => targetName(r.targetId)).join(', ')
    fields.waiver_data = {
      justification: first.justification,
      expiration_date: first.expiresAt.slice(0, 10),
      run: true,
      skipped_due_to_waiver: false,
      message: `Accepted deviation (Driftwatch exception ${first.exceptionId}) on ${who}, approved by ${first.approvedBy}, until ${first.expiresAt.slice(0, 10)}; the scanned result is kept.`,
    }
  }
  for (const r of rows) {
    const j = r.judgement
    if (j?.kind === 'attested') {
      // Heimdall holds one attestation per control: the first target's (SAF files name no host either).
      fields.attestation_data ??= {
        control_id: r.ruleId,
        explanation: j.explanation,
        frequency: j.frequency,
        status: j.status,
        updated: j.attestedAt,
        updated_by: j.attestedBy,
      }
      segments.push({
        status: j.status,
        code_desc: `${targetName(r.targetId)}: manually verified status provided through attestation`,
        message: `Attestation by ${j.attestedBy} on ${j.attestedAt.slice(0, 10)} (renewed ${j.frequency}, next by ${j.expiresAt.slice(0, 10)}): ${j.explanation}`,
        resource: targetName(r.targetId),
        resource_id: r.targetId,
        start_time: j.attestedAt || asOf,
      })
    } else if (j?.kind === 'attestation-lapsed')
      segments.push({
        status: 'skipped',
        code_desc: `${targetName(r.targetId)}: manual verification status provided through attestation has expired`,
        skip_message: j.warning,
        resource: targetName(r.targetId),
        resource_id: r.targetId,
        start_time: asOf,
      })
  }
  return { fields, segments }
}

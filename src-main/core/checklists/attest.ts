// A filled-in STIG checklist back into Driftwatch: each manual check (one no scan can make) marked NotAFinding
// or Open becomes an attestation, passed or failed, its comments the explanation. Rules the scan checks keep
// their scanned status: a checklist cannot overwrite evidence.
import type { SafAttestation } from '../judgement/saf'
import { ChecklistError, readChecklist } from './read'

export function checklistAttestations(
  text: string,
  o: { targetId: string | null; attestedBy?: string; frequency?: string; manual: Set<string>; now: string },
): SafAttestation[] {
  if (!o.targetId)
    throw new ChecklistError('A checklist describes one system: choose the target its statuses are for')
  if (!o.attestedBy)
    throw new ChecklistError('A checklist does not say who reviewed it: give the name it is attested by')
  const entries = readChecklist(text)
  const marked = entries.filter(
    (e) => o.manual.has(e.ruleId) && (e.status === 'NotAFinding' || e.status === 'Open'),
  )
  if (marked.length === 0)
    throw new ChecklistError(
      `None of the checklist's ${entries.length} rules is a manual check marked NotAFinding or Open: nothing to attest`,
    )
  return marked.map((e) => ({
    control_id: e.ruleId,
    status: e.status === 'NotAFinding' ? 'passed' : 'failed',
    explanation: (
      e.comments || `Marked ${e.status} in a STIG checklist${e.stigId ? ` (${e.stigId})` : ''}`
    ).slice(0, 5000),
    frequency: o.frequency ?? 'annually',
    updated: o.now,
    updated_by: o.attestedBy!,
  }))
}

// Manual attestations: a person's passed/failed for a rule no scan can check, with who, when, how often it is
// renewed and optional evidence; SAF/Heimdall attestation files in and out; and how a scan reads under them.
import { randomUUID } from 'node:crypto'
import type { Handlers } from '../dispatch'
import type { AttestationView } from '../../../src-preload/contract'
import { AppError, notFound } from '../errors'
import type { AttestationInsert, AttestationRow } from '../store/judgement'
import { judge, renewalDate, summarise } from './apply'
import { invalid, isoInstant, knownRules, takeEvidence, type JudgementDeps } from './context'
import { parseSafAttestations, SafFileError, writeSafAttestations } from './saf'
import { ChecklistError, isChecklist } from '../checklists/read'
import { checklistAttestations } from '../checklists/attest'

type AttestationHandlers = Pick<
  Handlers,
  | 'attestations.list'
  | 'attestations.save'
  | 'attestations.revoke'
  | 'attestations.import'
  | 'attestations.export'
  | 'scan.judgement'
>

interface Input {
  targetId: string | null
  ruleId: string
  status: 'passed' | 'failed'
  explanation: string
  frequency: string
  attestedBy: string
  attestedAt?: string
}

/** Rules a person may attest: ones a scan could not check, or a rule pack's manual checks. */
function manualRules(d: JudgementDeps): Set<string> {
  const ids = d.judgement.notCheckedRuleIds()
  for (const { pack } of d.packs.all()) for (const r of pack.rules) if (r.manual) ids.add(r.id)
  return ids
}

function validate(
  d: JudgementDeps,
  req: Input,
  rules: { known: Set<string>; manual: Set<string> },
  id?: string,
): AttestationInsert {
  if (req.targetId && !d.repos.targets.get(req.targetId))
    throw invalid('targetId', `Unknown target "${req.targetId.slice(0, 60)}"`)
  if (!rules.known.has(req.ruleId))
    throw invalid(
      'ruleId',
      `Unknown rule "${req.ruleId.slice(0, 100)}": no scan reported it and no rule pack has it`,
    )
  if (!rules.manual.has(req.ruleId))
    throw invalid(
      'ruleId',
      `${req.ruleId.slice(0, 100)} is checked by the scan itself: attestations are for rules no scan can check ` +
        '(not checked, or a manual check); use an exception to accept a failure',
    )
  const now = d.clock.now().toISOString()
  const attestedAt = req.attestedAt ? isoInstant(req.attestedAt) : now
  if (attestedAt > now) throw invalid('attestedAt', 'The attestation date is in the future')
  return {
    id: id ?? randomUUID(),
    targetId: req.targetId,
    ruleId: req.ruleId,
    status: req.status,
    explanation: req.explanation,
    frequency: req.frequency,
    attestedBy: req.attestedBy,
    attestedAt,
    expiresAt: renewalDate(attestedAt, req.frequency),
    evidence: null,
  }
}

export const attestationView = (a: AttestationRow, now: string): AttestationView => ({
  ...a,
  lapsed: a.revokedAt === null && a.expiresAt <= now,
})

export function attestationHandlers(d: JudgementDeps): AttestationHandlers {
  const now = () => d.clock.now().toISOString()
  const rules = () => ({ known: knownRules(d), manual: manualRules(d) })
  const audit = (action: string, a: AttestationRow) =>
    d.audit.append({
      action,
      subject: a.id,
      details: {
        ruleId: a.ruleId,
        targetId: a.targetId,
        status: a.status,
        attestedBy: a.attestedBy,
        attestedAt: a.attestedAt,
        frequency: a.frequency,
        evidence: a.evidence?.sha256 ?? null,
      },
    })

  return {
    'attestations.list': ({ targetId, includeRevoked }) => {
      if (targetId && !d.repos.targets.get(targetId)) throw notFound('Target')
      return {
        attestations: d.judgement
          .attestations(includeRevoked)
          .filter((a) => !targetId || a.targetId === null || a.targetId === targetId)
          .map((a) => attestationView(a, now())),
      }
    },
    'attestations.save': (req) => {
      const existing = req.id ? d.judgement.attestation(req.id) : undefined
      if (req.id && !existing) throw notFound('That attestation')
      const row = validate(d, req, rules(), existing?.id)
      const evidence = takeEvidence(d, req.evidenceUploadId) ?? existing?.evidence ?? null
      const saved = d.judgement.atomically(() => {
        const s = d.judgement.saveAttestation({ ...row, evidence }, now())
        audit(existing ? 'attestation.updated' : 'attestation.created', s)
        return s
      })
      return attestationView(saved, now())
    },
    'attestations.revoke': ({ id }) => {
      const a = d.judgement.attestation(id)
      if (!a) throw notFound('That attestation')
      if (a.revokedAt) throw new AppError('conflict', 'That attestation was revoked already')
      d.judgement.atomically(() => {
        d.judgement.revokeAttestation(id, now())
        audit('attestation.revoked', a)
      })
      return attestationView(d.judgement.attestation(id)!, now())
    },
    'attestations.import': ({ text, targetId, attestedBy, frequency }) => {
      let entries
      try {
        entries = isChecklist(text)
          ? checklistAttestations(text, {
              targetId,
              attestedBy,
              frequency,
              manual: rules().manual,
              now: now(),
            })
          : parseSafAttestations(text)
      } catch (err) {
        if (err instanceof SafFileError) throw invalid(err.path, err.message)
        if (err instanceof ChecklistError) throw invalid('text', err.message)
        throw err
      }
      const r = rules()
      // Every entry is checked before the first is stored: a file is taken whole, or not at all.
      const rows = entries.map((e, i) => {
        try {
          return validate(
            d,
            {
              targetId,
              ruleId: e.control_id,
              status: e.status,
              explanation: e.explanation,
              frequency: e.frequency,
              attestedBy: e.updated_by,
              attestedAt: e.updated,
            },
            r,
          )
        } catch (err) {
          if (err instanceof AppError)
            throw invalid(`${i}`, `Entry ${i + 1} (${e.control_id.slice(0, 100)}): ${err.message}`)
          throw err
        }
      })
      const saved = d.judgement.atomically(() =>
        rows.map((row) => {
          const s = d.judgement.saveAttestation(row, now())
          audit('attestation.imported', s)
          return s
        }),
      )
      return { attestations: saved.map((a) => attestationView(a, now())) }
    },
    'attestations.export': ({ format, targetId }) => {
      if (targetId && !d.repos.targets.get(targetId)) throw notFound('Target')
      const list = d.judgement
        .attestations(false)
        .filter((a) => !targetId || a.targetId === null || a.targetId === targetId)
      const text = writeSafAttestations(
        list.map((a) => ({
          control_id: a.ruleId,
          explanation: a.explanation,
          frequency: a.frequency,
          status: a.status,
          updated: a.attestedAt,
          updated_by: a.attestedBy,
        })),
        format,
      )
      return { fileName: `driftwatch-attestations.${format === 'yaml' ? 'yml' : 'json'}`, text }
    },
    'scan.judgement': ({ scanId }) => {
      const scan = d.scans.get(scanId)
      if (!scan) throw notFound('That scan')
      const t = d.repos.targets.get(scan.targetId)
      const judged = judge(
        d.scans.results(scanId),
        { id: scan.targetId, groups: t?.groups ?? [] },
        d.judgement.exceptions(false),
        d.judgement.attestations(false),
        now(),
      )
      return {
        summary: summarise(judged),
        results: judged.flatMap((j) =>
          j.judgement ? [{ ruleId: j.result.ruleId, judgement: j.judgement }] : [],
        ),
      }
    },
  }
}

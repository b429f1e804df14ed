// Puts the audit's judgement into a report model: each result excepted or attested (its scanned status kept),
// the exceptions and attestations in scope, each target's score both ways, and their evidence files in the
// evidence list (so the signed bundle carries them). A model with no judgement in scope is left as it was.
import type { ReportModel } from '../../../src-preload/contract'
import type { JudgementRepo } from '../store/judgement'
import type { ReportsRepo } from '../store/reports'
import type { Clock } from '../ports'
import { exceptionState, inScope, judge, summarise } from '../judgement/apply'
import { evidencePath } from './model'

export interface ReportJudgementDeps {
  judgement: JudgementRepo
  reports: ReportsRepo
  clock: Clock
}

export function withJudgement(model: ReportModel, d: ReportJudgementDeps): ReportModel {
  const now = d.clock.now().toISOString()
  const targets = model.targets.map((t) => ({ id: t.id, groups: t.groups }))
  const exceptions = d.judgement.exceptions(false).filter((e) => targets.some((t) => inScope(e, t)))
  const ids = new Set(model.targets.map((t) => t.id))
  const rules = new Set(model.results.map((r) => r.ruleId))
  const attestations = d.judgement
    .attestations(false)
    .filter((a) => (a.targetId === null || ids.has(a.targetId)) && rules.has(a.ruleId))
  if (exceptions.length === 0 && attestations.length === 0) return model

  const results = [...model.results]
  const summaries: NonNullable<ReportModel['judgement']>['targets'] = []
  for (const t of targets) {
    const idx = results.flatMap((r, i) => (r.targetId === t.id ? [i] : []))
    const judged = judge(
      idx.map((i) => results[i]!),
      t,
      exceptions,
      attestations,
      now,
    )
    judged.forEach((j, k) => {
      if (j.judgement) results[idx[k]!] = { ...j.result, judgement: j.judgement }
    })
    summaries.push({ targetId: t.id, summary: summarise(judged) })
  }

  // Their supporting files travel with the scan evidence.
  const known = new Set(model.evidence.map((e) => e.sha256))
  const extra = [...exceptions, ...attestations]
    .map((x) => x.evidence?.sha256)
    .filter((s): s is string => !!s && !known.has(s))
  const evidence = [
    ...model.evidence,
    ...d.reports.evidenceMeta([...new Set(extra)]).map((e) => ({
      ...e,
      path: evidencePath(e.sha256, e.mediaType),
      scanIds: [],
    })),
  ].sort((a, b) => a.sha256.localeCompare(b.sha256))

  return {
    ...model,
    results,
    evidence,
    judgement: {
      evaluatedAt: now,
      exceptions: exceptions.map((e) => ({
        id: e.id,
        rulePattern: e.rulePattern,
        scope: e.scope,
        targetId: e.targetId,
        group: e.group,
        justification: e.justification,
        approvedBy: e.approvedBy,
        createdAt: e.createdAt,
        expiresAt: e.expiresAt,
        evidence: e.evidence,
        state: exceptionState(e, now),
      })),
      attestations: attestations.map((a) => ({
        id: a.id,
        targetId: a.targetId,
        ruleId: a.ruleId,
        status: a.status,
        explanation: a.explanation,
        frequency: a.frequency,
        attestedBy: a.attestedBy,
        attestedAt: a.attestedAt,
        expiresAt: a.expiresAt,
        evidence: a.evidence,
        lapsed: a.expiresAt <= now,
      })),
      targets: summaries,
    },
  }
}

// The report's "Results by control": the NIST SP 800-53 controls its results map to, each target's status read
// by the same rules as the Controls view (exceptions and attestations included), counts per family.
import type { ControlStatus, ReportControls, ReportModel } from '../../../src-preload/contract'
import { controlsOf } from '../controls/references'
import { nistCatalog, nistLabel } from '../controls/catalog'
import { combine, emptyCounts, targetControlStatus } from '../controls/status'

type Tally = {
  pass: number
  fail: number
  excepted: number
  attested: number
  attestedFailed: number
  rules: number
}

export function reportControls(model: ReportModel): ReportControls | undefined {
  const nist = nistCatalog()
  const familyTitle = new Map(nist.families.map((f) => [f.id, f.title]))
  // control → target → what its rules said
  const tallies = new Map<string, Map<string, Tally>>()
  for (const r of model.results)
    for (const c of controlsOf(r.references)) {
      if (c.framework !== 'nist-800-53') continue
      const perTarget = tallies.get(c.controlId) ?? new Map<string, Tally>()
      tallies.set(c.controlId, perTarget)
      const t = perTarget.get(r.targetId) ?? {
        pass: 0,
        fail: 0,
        excepted: 0,
        attested: 0,
        attestedFailed: 0,
        rules: 0,
      }
      perTarget.set(r.targetId, t)
      t.rules++
      if (r.status === 'pass' || r.status === 'fixed') t.pass++
      else if (r.status === 'fail') t.fail++
      if (r.judgement?.kind === 'excepted') t.excepted++
      else if (r.judgement?.kind === 'attested') {
        if (r.judgement.status === 'passed') t.attested++
        else t.attestedFailed++
      }
    }
  if (tallies.size === 0) return undefined
  const targetOrder = model.targets.map((t) => t.id)
  const controls = [...tallies.entries()]
    .map(([id, perTarget]) => {
      const known = nist.byId.get(id)
      const targets = targetOrder
        .filter((t) => perTarget.has(t))
        .map((targetId) => {
          const t = perTarget.get(targetId)!
          return { targetId, status: targetControlStatus(t) as ControlStatus, rules: t.rules }
        })
      const family = known?.family ?? (/^[a-z]{2}-/.test(id) ? id.slice(0, 2) : 'other')
      return {
        id,
        label: known?.label ?? nistLabel(id),
        title: known?.title ?? '',
        family,
        status: combine(targets.map((t) => t.status)),
        targets,
      }
    })
    .sort((a, b) => a.family.localeCompare(b.family) || a.id.localeCompare(b.id, 'en', { numeric: true }))
  const families = new Map<string, Record<ControlStatus, number>>()
  for (const c of controls) {
    const counts = families.get(c.family) ?? emptyCounts()
    counts[c.status]++
    families.set(c.family, counts)
  }
  return {
    framework: nist.title,
    families: [...families.entries()].map(([id, counts]) => ({
      id,
      title: familyTitle.get(id) ?? id.toUpperCase(),
      counts,
    })),
    controls,
  }
}

/** The model with its results by control, when any result names a NIST control. */
export function withControls(model: ReportModel): ReportModel {
  const controls = reportControls(model)
  return controls ? { ...model, controls } : model
}

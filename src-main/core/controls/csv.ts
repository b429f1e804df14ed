// The Controls view as CSV: one row per control (status and on how many targets it is met), or the estate matrix
// (one row per target, one column per family), cells escaped against spreadsheet formulas.
import type { Res } from '../../../src-preload/contract'
import { csvCell } from '../reports/csv'

type Status = Res<'controls.status'>
const line = (cells: (string | number)[]) => cells.map((c) => csvCell(String(c))).join(',') + '\r\n'

export function controlsCsv(s: Status): string {
  let out = line([
    'framework',
    'baseline',
    'control',
    'label',
    'title',
    'family',
    'status',
    'targets_met', // satisfied, excepted or attested
    'targets_not_satisfied',
    'targets_assessed',
    'rule_results',
    'in_catalog',
  ])
  for (const c of s.controls)
    out += line([
      s.framework.id,
      s.baseline ?? '',
      c.id,
      c.label,
      c.title,
      c.family,
      c.status,
      c.satisfied,
      c.notSatisfied,
      c.assessedTargets,
      c.rules,
      c.inCatalog ? 'yes' : 'no',
    ])
  return out
}

export function matrixCsv(s: Status): string {
  const families = s.families.map((f) => f.id)
  const cell = new Map(s.matrix.map((m) => [`${m.targetId}\u0000${m.family}`, m.status]))
  let out = line(['target', ...families.map((f) => f.toUpperCase())])
  for (const t of s.targets)
    out += line([t.name, ...families.map((f) => cell.get(`${t.id}\u0000${f}`) ?? 'not-assessed')])
  return out
}

// Which controls each rule supports, read from where rules come from: an imported benchmark's references, or a
// rule pack's (built-in or custom). The store keeps these rows per source so the Controls query is one join.
import type { Benchmark } from '../scap/types'
import { controlsOf, type FrameworkId } from './references'

export interface RuleControlRow {
  ruleId: string
  framework: FrameworkId
  controlId: string
  family: string
  label: string
}

export function mapRules(
  rules: readonly { id: string; references: readonly { system: string; id: string }[] }[],
) {
  const rows: RuleControlRow[] = []
  for (const r of rules) for (const c of controlsOf(r.references)) rows.push({ ruleId: r.id, ...c })
  return rows
}

export const mapBenchmark = (b: Pick<Benchmark, 'rules'>): RuleControlRow[] => mapRules(b.rules)

/**
 * A GitHub result's rule id names the repository it was checked on ("repo-branch-protection@acme/api"); the
 * mapping is per check.
 */
export const baseRuleId = (ruleId: string): string => {
  const at = ruleId.indexOf('@')
  return at < 0 ? ruleId : ruleId.slice(0, at)
}

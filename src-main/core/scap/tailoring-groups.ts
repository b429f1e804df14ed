// What a tailoring needs besides the auditor's own changes to run as meant: the parent Groups of every rule it
// selects, selected too, since oscap evaluates a rule only when all its ancestor Groups are selected.
import { writeTailoring } from './tailoring'
import type { Benchmark, Tailoring } from './types'

/**
 * `t` with a `select selected="true"` for each ancestor Group of a rule it selects, unless the base profile
 * already selects that Group or the tailoring itself decides it (an explicit choice wins). SCAP Workbench
 * does the same. Rules in SSG content are unselected by default, so a selected Group adds no other rule.
 */
export function withParentGroups(t: Tailoring, b: Benchmark): Tailoring {
  const parent = new Map(b.groups.map((g) => [g.id, g.parentId]))
  const groupOf = new Map(b.rules.map((r) => [r.id, r.groupId]))
  const base = b.profiles.find((p) => p.id === t.extends)
  const selectedByBase = new Set(base?.selected ?? [])
  const unselectedByBase = new Set(base?.unselected ?? [])
  const added: Record<string, boolean> = {}
  for (const [id, on] of Object.entries(t.selects)) {
    if (!on) continue
    const seen = new Set<string>()
    for (let g = groupOf.get(id) || null; g && !seen.has(g); g = parent.get(g) ?? null) {
      seen.add(g)
      if (g in t.selects) continue
      if (selectedByBase.has(g) && !unselectedByBase.has(g)) continue
      added[g] = true
    }
  }
  if (Object.keys(added).length === 0) return t
  return { ...t, selects: { ...added, ...t.selects } }
}

/** The XCCDF file that runs `t` against `b`: what a scan, a remediation and an export all use. */
export function tailoringXml(t: Tailoring, b: Benchmark | undefined): string {
  return writeTailoring(b ? withParentGroups(t, b) : t)
}

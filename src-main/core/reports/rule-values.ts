// The XCCDF Values a scan ran with, so a fix script reads "PASS_MAX_DAYS 45" rather than its placeholder
// "[xccdf_…_value_var_accounts_maximum_age_login_defs]". Resolved as oscap resolves them: the Value's default,
// then the profile (and the profiles it extends, parents first) refine-value / set-value, then the tailoring
// the scan ran (the kept file, else the tailoring as saved), its refine-value / set-value last.
import type { ContentRepo } from '../store/content'
import type { ReportsRepo } from '../store/reports'
import type { ScanRow } from '../store/scans'
import { readTailoring } from '../scap/tailoring'
import type { Benchmark, Tailoring, XccdfProfile, XccdfValue } from '../scap/types'

export interface ValueDeps {
  content: ContentRepo
  reports: ReportsRepo
}

function tailoringOfScan(deps: ValueDeps, s: ScanRow): Tailoring | undefined {
  const kept = s.info.tailoringSha256 ? deps.reports.evidenceBytes(s.info.tailoringSha256) : undefined
  if (kept) {
    try {
      return readTailoring(kept)
    } catch {
      // An unreadable kept file: fall back to the tailoring as saved, as the Method section does.
    }
  }
  return s.tailoringId ? deps.content.tailoring(s.tailoringId)?.tailoring : undefined
}

/** The profile and its ancestors, the furthest ancestor first (a child's refinements win). */
function profileChain(bench: Benchmark, id: string): XccdfProfile[] {
  const chain: XccdfProfile[] = []
  const seen = new Set<string>()
  let p = bench.profiles.find((x) => x.id === id)
  while (p && !seen.has(p.id)) {
    seen.add(p.id)
    chain.unshift(p)
    p = p.extends ? bench.profiles.find((x) => x.id === p!.extends) : undefined
  }
  return chain
}

function apply(
  values: Map<string, string>,
  byId: Map<string, XccdfValue>,
  refine: Record<string, string>,
  set: Record<string, string>,
): void {
  for (const [id, selector] of Object.entries(refine)) {
    const chosen = byId.get(id)?.selectors.find((s) => s.selector === selector)
    if (chosen) values.set(id, chosen.value)
  }
  for (const [id, value] of Object.entries(set)) values.set(id, value)
}

/** Value id → value under a profile of `bench` (and the tailoring that extends it, when one ran). */
export function resolveValues(
  bench: Benchmark,
  profileId: string,
  tailoring: Tailoring | undefined,
): Map<string, string> {
  const values = new Map<string, string>()
  const byId = new Map(bench.values.map((v) => [v.id, v]))
  for (const v of bench.values) if (v.default !== '') values.set(v.id, v.default)
  const base = bench.profiles.some((p) => p.id === profileId) ? profileId : (tailoring?.extends ?? '')
  for (const p of profileChain(bench, base)) apply(values, byId, p.refineValues, p.setValues)
  if (tailoring) apply(values, byId, tailoring.refineValues, tailoring.setValues)
  return values
}

/** Value id → the value a scan of SCAP content used; empty for a scan that ran a rule pack. */
export function scanValues(deps: ValueDeps, s: ScanRow, bench: Benchmark | undefined): Map<string, string> {
  return bench ? resolveValues(bench, s.profileId, tailoringOfScan(deps, s)) : new Map()
}

/** Text with each "[value_id]" placeholder of a Value the scan resolved replaced by that value. */
export function withValues(text: string, values: Map<string, string>): string {
  if (!text || values.size === 0 || !text.includes('[')) return text
  return text.replace(/\[([A-Za-z0-9_.:-]+)\]/g, (m, id: string) => values.get(id) ?? m)
}

// The control catalogs Driftwatch ships: NIST SP 800-53 rev 5 (from NIST's OSCAL catalog, generated into
// resources/ by scripts/make-nist-catalog.mjs) with its LOW / MODERATE / HIGH baselines.
import nist from '../../../resources/nist-800-53-rev5.json'

export interface CatalogControl {
  /** OSCAL id: "ac-2", "ia-5.1". */
  id: string
  /** As auditors write it: "AC-2", "IA-5(1)". */
  label: string
  title: string
  /** Family id: "ac". */
  family: string
  statement: string
}

export interface Catalog {
  framework: string
  title: string
  version: string
  families: { id: string; title: string }[]
  controls: CatalogControl[]
  baselines: Record<string, string[]>
  byId: Map<string, CatalogControl>
}

export const BASELINES = ['low', 'moderate', 'high'] as const
export type Baseline = (typeof BASELINES)[number]

let cached: Catalog | undefined
export function nistCatalog(): Catalog {
  cached ??= {
    framework: nist.framework,
    title: nist.title,
    version: nist.version,
    families: nist.families,
    controls: nist.controls,
    baselines: nist.baselines,
    byId: new Map(nist.controls.map((c) => [c.id, c])),
  }
  return cached
}

/** "ia-5.1" → "IA-5(1)": how a control the catalog does not hold is shown. */
export function nistLabel(id: string): string {
  const m = /^([a-z]{2})-(\d+)(?:\.(\d+))?$/.exec(id)
  if (!m) return id
  return `${m[1]!.toUpperCase()}-${m[2]}${m[3] ? `(${m[3]})` : ''}`
}

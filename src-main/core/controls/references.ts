// Reads the control references that rules carry (SSG's NIST scheme "CM-6(a)", "AC-2(1)", "IA-5(1)(a)"; CIS
// section numbers; PCI DSS requirements) as controls of a framework, keeping what it cannot place by its id.
import { nistCatalog } from './catalog'

export interface NistRef {
  /** The catalog's control id ("cm-6", "ac-2.1"), or the normalised id of a control it does not hold. */
  controlId: string
  /** False when the catalog (the HIGH baseline's controls) does not hold it: shown by its id. */
  known: boolean
  /** The reference as the content wrote it. */
  raw: string
}

/**
 * One NIST 800-53 reference → its control. Item letters "(a)", "b", roman objectives "(iv)" and 800-53A
 * suffixes ".1" name parts of a control, so they map to the control; a numeric "(1)" right after the base
 * names an enhancement. Returns undefined when the text names no control at all.
 */
export function parseNistRef(raw: string): NistRef | undefined {
  const s = raw.replace(/\s+/g, '').toUpperCase()
  const m = /^([A-Z]{2})-0*(\d{1,3})(?:\((\d{1,3})\))?/.exec(s)
  if (!m) return undefined
  const controlId = `${m[1]!.toLowerCase()}-${m[2]}${m[3] ? `.${Number(m[3])}` : ''}`
  return { controlId, known: nistCatalog().byId.has(controlId), raw }
}

/** A reference field may list several controls ("AC-2, AC-3"): each is read on its own. */
export function parseNistRefs(raw: string): { refs: NistRef[]; unreadable: string[] } {
  const refs: NistRef[] = []
  const unreadable: string[] = []
  for (const part of raw
    .split(/[,;]/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const r = parseNistRef(part)
    if (r) refs.push(r)
    else unreadable.push(part)
  }
  return { refs, unreadable }
}

export const FRAMEWORKS = ['nist-800-53', 'cis', 'pci-dss'] as const
export type FrameworkId = (typeof FRAMEWORKS)[number]

export interface ControlRef {
  framework: FrameworkId
  controlId: string
  /** Family or section: "au" for NIST; "CIS PostgreSQL 15 §3" for CIS; "Requirement 8" for PCI DSS. */
  family: string
  /** What the content calls it, when it says: CIS/PCI references carry only their id. */
  label: string
}

export const isNistSystem = (system: string) => /^NIST[- ]?(SP[- ]?)?800-53/i.test(system)
const isCis = (system: string) => /^CIS\b/i.test(system) && !/CSC/i.test(system)
const isPci = (system: string) => /^PCI[- ]?DSS/i.test(system)

/** Every control a rule's references place it under, in each framework Driftwatch reads. */
export function controlsOf(references: readonly { system: string; id: string }[]): ControlRef[] {
  const out: ControlRef[] = []
  const seen = new Set<string>()
  const add = (c: ControlRef) => {
    const key = `${c.framework} ${c.controlId}`
    if (seen.has(key)) return
    seen.add(key)
    out.push(c)
  }
  for (const r of references) {
    if (isNistSystem(r.system)) {
      const { refs, unreadable } = parseNistRefs(r.id)
      for (const n of refs)
        add({ framework: 'nist-800-53', controlId: n.controlId, family: n.controlId.slice(0, 2), label: '' })
      // Kept by its id: an auditor still sees what the content claimed.
      for (const u of unreadable) add({ framework: 'nist-800-53', controlId: u, family: 'other', label: u })
    } else if (isCis(r.system)) {
      // SSG writes "CIS" with no benchmark name; packs write "CIS PostgreSQL 15": the section is per benchmark.
      const bench = r.system.trim()
      for (const id of r.id
        .split(/[,;]/)
        .map((p) => p.trim())
        .filter(Boolean)) {
        const section = /^\d+/.exec(id)?.[0]
        add({
          framework: 'cis',
          controlId: `${bench} ${id}`,
          family: section ? `${bench} §${section}` : bench,
          label: `${bench} ${id}`,
        })
      }
    } else if (isPci(r.system)) {
      for (const id of r.id
        .split(/[,;]/)
        .map((p) => p.trim())
        .filter(Boolean)) {
        const req = /(\d+)/.exec(id)?.[1]
        const version = /4/.test(r.system) ? 'PCI DSS 4' : 'PCI DSS'
        add({
          framework: 'pci-dss',
          controlId: `${version} ${id}`,
          family: req ? `${version} Requirement ${req}` : version,
          label: `${version} ${id}`,
        })
      }
    }
  }
  return out
}

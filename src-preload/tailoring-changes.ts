// A tailoring's changes to a profile, edited as plain data: each edit returns new changes, and an edit back to
// what the profile says removes the change instead of recording a no-op. The Variables page and
// `driftwatch tailoring set` make their edits with these same functions and save through tailorings.save.
import type { SEVERITIES, TailoringView, ValueView } from './contract'

export type Changes = TailoringView['changes']
export const NO_CHANGES: Changes = { refineValues: {}, setValues: {}, selects: {}, refineRules: {} }
export const short = (id: string) => id.replace(/^xccdf_[a-z.]+_(rule|value|profile|group)_/, '')

const without = <T>(m: Record<string, T>, id: string) => {
  const next = { ...m }
  delete next[id]
  return next
}

/** Choose one of the Value's named selectors. */
export function setSelector(c: Changes, v: ValueView, selector: string): Changes {
  return {
    ...c,
    setValues: without(c.setValues, v.id),
    refineValues:
      selector === v.profileSelector
        ? without(c.refineValues, v.id)
        : { ...c.refineValues, [v.id]: selector },
  }
}

/** Set the Value to a literal. */
export function setLiteral(c: Changes, v: ValueView, value: string): Changes {
  return {
    ...c,
    refineValues: without(c.refineValues, v.id),
    setValues: value === v.profileValue ? without(c.setValues, v.id) : { ...c.setValues, [v.id]: value },
  }
}

export function toggleRule(c: Changes, id: string, inProfile: boolean, on: boolean): Changes {
  return { ...c, selects: on === inProfile ? without(c.selects, id) : { ...c.selects, [id]: on } }
}

export function setSeverity(c: Changes, id: string, base: string, sev: (typeof SEVERITIES)[number]): Changes {
  return {
    ...c,
    refineRules: sev === base ? without(c.refineRules, id) : { ...c.refineRules, [id]: sev },
  }
}

/** The value in force for a Value: a literal set here, else the chosen selector's, else the profile's. */
export function effectiveValue(c: Changes, v: ValueView): string {
  const literal = c.setValues[v.id]
  if (literal !== undefined) return literal
  const sel = c.refineValues[v.id]
  if (sel) return v.selectors.find((s) => s.selector === sel)?.value ?? ''
  return v.profileValue
}

export const changeCount = (c: Changes) =>
  Object.keys(c.refineValues).length +
  Object.keys(c.setValues).length +
  Object.keys(c.selects).length +
  Object.keys(c.refineRules).length

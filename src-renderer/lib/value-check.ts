// The check behind each value editor on the Variables page: why a typed value cannot be used, before saving.
import type { ValueView } from '../../src-preload/contract'

/** The reason a typed value cannot be used, or '' when it can. Same rules as the core checks on save. */
export function valueProblem(v: ValueView, raw: string): string {
  if (v.type === 'number') {
    if (raw.trim() === '' || !Number.isFinite(Number(raw))) return 'Must be a number'
    const n = Number(raw)
    if (v.lowerBound !== undefined && v.upperBound !== undefined && (n < v.lowerBound || n > v.upperBound))
      return `Must be between ${v.lowerBound} and ${v.upperBound}`
    if (v.lowerBound !== undefined && n < v.lowerBound) return `Must be at least ${v.lowerBound}`
    if (v.upperBound !== undefined && n > v.upperBound) return `Must be at most ${v.upperBound}`
  }
  if (v.type === 'boolean' && raw !== 'true' && raw !== 'false') return 'Must be true or false'
  if (v.type === 'string' && v.match) {
    try {
      if (!new RegExp(`^(?:${v.match})$`).test(raw)) return `Must match the pattern ${v.match}`
    } catch {
      return ''
    }
  }
  return ''
}

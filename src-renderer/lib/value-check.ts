// The check behind each value editor on the Variables page: why a typed value cannot be used, before saving.
// It mirrors the core's check on save (checkLiteral in src-main/core/scap/tailoring.ts), which the renderer
// cannot import; test/unit/renderer/value-check.test.ts holds the two to the same answers.
import type { ValueView } from '../../src-preload/contract'

// XCCDF numbers are decimals; Number() alone would also take '0x1F' and 'Infinity'.
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/** The reason a typed value cannot be used, or '' when it can. Same rules as the core checks on save. */
export function valueProblem(v: ValueView, raw: string): string {
  if (v.type === 'number') {
    if (!DECIMAL.test(raw.trim())) return 'Must be a number'
    const n = Number(raw.trim())
    if (v.lowerBound !== undefined && v.upperBound !== undefined && (n < v.lowerBound || n > v.upperBound))
      return `Must be between ${v.lowerBound} and ${v.upperBound}`
    if (v.lowerBound !== undefined && n < v.lowerBound) return `Must be at least ${v.lowerBound}`
    if (v.upperBound !== undefined && n > v.upperBound) return `Must be at most ${v.upperBound}`
  }
  if (v.type === 'boolean' && raw !== 'true' && raw !== 'false') return 'Must be true or false'
  if (v.match !== undefined) {
    let re: RegExp | undefined
    try {
      // XCCDF leaves anchoring to the pattern (Perl semantics): the pattern decides whether it matches it all.
      re = new RegExp(v.match, 'u')
    } catch {
      // A pattern JavaScript cannot compile is the benchmark's problem, not the auditor's.
    }
    if (re && !re.test(raw)) return `Must match the pattern ${v.match}`
  }
  return ''
}

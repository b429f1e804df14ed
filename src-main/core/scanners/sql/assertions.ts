// The assertion engine for SQL rules: judges the rows a rule's query returned and says, for the evidence,
// what was found (actual) and what the rule wanted (expected), in words an auditor can check.
import type { Assertion } from '../../rules/format'

export type Cell = string | number | boolean | null
export type Row = Record<string, Cell>
export type Vars = Record<string, number | string>

export interface Verdict {
  status: 'pass' | 'fail' | 'notapplicable' | 'error'
  actual: string
  expected: string
  message: string
}

const MAX_SHOWN = 10

/** Driver values (Dates, Buffers, bigints, arrays) as plain JSON cells, so evidence and comparisons agree. */
export function normaliseRows(rows: Record<string, unknown>[]): Row[] {
  return rows.map((r) => {
    const out: Row = {}
    for (const [k, v] of Object.entries(r)) out[k] = cell(v)
    return out
  })
}

function cell(v: unknown): Cell {
  if (v === null || v === undefined) return null
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v
  if (typeof v === 'bigint') return v.toString()
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? String(v) : v.toISOString()
  if (Buffer.isBuffer(v)) return v.toString('utf8')
  // PostgreSQL arrays (e.g. pg_hba_file_rules.database) read as their elements joined, as psql shows {a,b}.
  if (Array.isArray(v)) return v.map((x) => text(cell(x))).join(',')
  return JSON.stringify(v)
}

const text = (c: Cell): string => (c === null ? 'NULL' : String(c))

const BOOLEAN_WORDS: Record<string, boolean> = {
  on: true,
  off: false,
  true: true,
  false: false,
  yes: true,
  no: false,
  '1': true,
  '0': false,
}
const asBool = (s: string): boolean | undefined => BOOLEAN_WORDS[s.trim().toLowerCase()]

function substitute(s: string, vars: Vars): string {
  return s.replace(/\$\{([a-z][a-z0-9_]*)\}/g, (_, name: string) => {
    if (!(name in vars)) throw new Error(`The variable \${${name}} has no value`)
    return String(vars[name])
  })
}

function numberOf(v: number | string, vars: Vars): number {
  if (typeof v === 'number') return v
  const n = Number(substitute(v, vars))
  if (!Number.isFinite(n)) throw new Error(`The variable ${v} is not a number`)
  return n
}

/** Scalars equal as text, or as booleans when both read as one (MySQL's 1/0 against "ON"/"OFF"). */
function same(actual: Cell, wanted: string | number | boolean, ignoreCase: boolean): boolean {
  const a = text(actual)
  const w = String(wanted)
  if (typeof wanted === 'number' && Number(a) === wanted && a.trim() !== '') return true
  if (ignoreCase ? a.toLowerCase() === w.toLowerCase() : a === w) return true
  const ab = asBool(a)
  const wb = asBool(w)
  return ab !== undefined && wb !== undefined && ab === wb && (typeof wanted === 'boolean' || !/^\d$/.test(w))
}

function compare(a: number, op: string, b: number): boolean {
  switch (op) {
    case '<':
      return a < b
    case '<=':
      return a <= b
    case '>':
      return a > b
    case '>=':
      return a >= b
    case '=':
      return a === b
    default:
      return a !== b
  }
}

const list = (xs: string[], total = xs.length): string =>
  xs.slice(0, MAX_SHOWN).join(', ') + (total > MAX_SHOWN ? ` … (${total} in all)` : '')

function rowText(r: Row): string {
  return Object.entries(r)
    .map(([k, v]) => `${k}=${text(v)}`)
    .join(' ')
}

function expectedText(a: Assertion, vars: Vars): string {
  switch (a.type) {
    case 'equals':
      return `= ${substitute(String(a.value), vars)}`
    case 'notEquals':
      return `≠ ${substitute(String(a.value), vars)}`
    case 'oneOf':
      return `one of ${a.values.map((v) => substitute(String(v), vars)).join(', ')}`
    case 'regex':
      return `${a.negate ? 'does not match' : 'matches'} /${substitute(a.pattern, vars)}/${a.ignoreCase ? 'i' : ''}`
    case 'compare':
      return `${a.op} ${numberOf(a.value, vars)}`
    case 'rowCount':
      return `${a.op === '=' ? '' : `${a.op} `}${numberOf(a.value, vars)} rows`
    case 'contains':
      return `includes ${a.values.map((v) => substitute(v, vars)).join(', ')}`
    case 'excludes':
      return `none of ${a.values.map((v) => substitute(v, vars)).join(', ')}`
  }
}

/** Judges rows against an assertion; a bad assertion (missing column, variable) is an error, never a fail. */
export function evaluate(a: Assertion, rows: Row[], vars: Vars): Verdict {
  let expected = ''
  try {
    expected = expectedText(a, vars)
    return judge(a, rows, vars, expected)
  } catch (err) {
    return { status: 'error', actual: '', expected, message: (err as Error).message }
  }
}

function judge(a: Assertion, rows: Row[], vars: Vars, expected: string): Verdict {
  if (a.type === 'rowCount') {
    const want = numberOf(a.value, vars)
    const ok = compare(rows.length, a.op, want)
    const shown = rows.slice(0, MAX_SHOWN).map(rowText)
    return {
      status: ok ? 'pass' : 'fail',
      actual: `${rows.length} rows`,
      expected,
      message:
        rows.length === 0
          ? 'The query returned no rows.'
          : `${rows.length} rows:\n${shown.join('\n')}${rows.length > MAX_SHOWN ? '\n…' : ''}`,
    }
  }
  const col = a.column
  if (rows.length > 0 && !(col in rows[0]!))
    throw new Error(`The query returns no column "${col}" (it returns ${Object.keys(rows[0]!).join(', ')})`)
  const cells = rows.map((r) => r[col] ?? null)

  if (a.type === 'contains' || a.type === 'excludes') {
    const norm = (s: string) => (a.ignoreCase ? s.trim().toLowerCase() : s.trim())
    const found = cells
      .flatMap((c) => (c === null ? [] : a.separator ? String(c).split(a.separator) : [String(c)]))
      .map((s) => s.trim())
      .filter(Boolean)
    const have = new Set(found.map(norm))
    const wanted = a.values.map((v) => substitute(v, vars))
    const missing = wanted.filter((w) => !have.has(norm(w)))
    const present = wanted.filter((w) => have.has(norm(w)))
    const ok = a.type === 'contains' ? missing.length === 0 : present.length === 0
    return {
      status: ok ? 'pass' : 'fail',
      actual: found.length ? list(found) : '(empty)',
      expected,
      message: ok
        ? ''
        : a.type === 'contains'
          ? `Missing: ${missing.join(', ')}`
          : `Present but should not be: ${present.join(', ')}`,
    }
  }

  if (rows.length === 0) {
    const status = a.onEmpty
    return {
      status,
      actual: '(no rows)',
      expected,
      message: status === 'fail' ? 'The query returned no rows.' : '',
    }
  }
  const test = (c: Cell): boolean => {
    switch (a.type) {
      case 'equals':
        return same(c, typeof a.value === 'string' ? substitute(a.value, vars) : a.value, a.ignoreCase)
      case 'notEquals':
        return !same(c, typeof a.value === 'string' ? substitute(a.value, vars) : a.value, a.ignoreCase)
      case 'oneOf':
        return a.values.some((v) => same(c, typeof v === 'string' ? substitute(v, vars) : v, a.ignoreCase))
      case 'regex': {
        const m = new RegExp(substitute(a.pattern, vars), a.ignoreCase ? 'i' : '').test(text(c))
        return a.negate ? !m : m
      }
      case 'compare': {
        const n = c === null || String(c).trim() === '' ? NaN : Number(c)
        if (Number.isNaN(n)) throw new Error(`The value ${text(c)} is not a number`)
        return compare(n, a.op, numberOf(a.value, vars))
      }
    }
  }
  const failing = rows.filter((_, i) => !test(cells[i]!))
  const ok = failing.length === 0
  const actual =
    rows.length === 1
      ? text(cells[0]!)
      : ok
        ? list(cells.map(text))
        : list(failing.map((r) => text(r[col] ?? null)))
  return {
    status: ok ? 'pass' : 'fail',
    actual,
    expected,
    message:
      ok || rows.length === 1
        ? ''
        : `${failing.length} of ${rows.length} rows do not satisfy it:\n${failing.slice(0, MAX_SHOWN).map(rowText).join('\n')}`,
  }
}

// The MySQL/MariaDB half of the SQL guard. node-sql-parser does not read every text as the server does
// (it takes `--1` for a comment, runs no /*! … */ comments, knows nothing of ANSI_QUOTES), so the text is first
// split the way the server splits it; whatever could read two ways is refused with the reason, the server's
// comments are removed, and only then does the parser build the tree that is walked and judged.
import { lazyRequire } from '../util/lazy-require'
import type * as Mariadb from 'node-sql-parser/build/mariadb.js'
import { MYSQL_FUNCTIONS_ALLOWED } from './sql-allowlist'

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
// The grammar is large: built on the first MySQL/MariaDB check, not when Driftwatch starts.
const mariadb = lazyRequire<typeof Mariadb>('node-sql-parser/build/mariadb.js')
let parser: InstanceType<ReturnType<typeof mariadb>['Parser']> | undefined

/** Why MySQL/MariaDB may not run this rule query, or null when it is one read-only SELECT / SHOW. */
export function mysqlProblem(sql: string): string | null {
  const split = serverReading(sql)
  if (typeof split !== 'string') return split.problem
  const text = split.trim().replace(/;\s*$/, '')
  if (!text) return 'The query is empty'
  if (/^SHOW\b/i.test(text)) return showProblem(text)
  let ast: Json
  try {
    parser ??= new (mariadb().Parser)()
    ast = parser.astify(text, { database: 'MariaDB' }) as unknown as Json
  } catch (err) {
    return `The MySQL/MariaDB parser cannot read the query: ${(err as Error).message.split('\n')[0]}`
  }
  if (Array.isArray(ast)) {
    if (ast.length !== 1) return `Only one statement is allowed (found ${ast.length})`
    ast = ast[0]!
  }
  const top = ast as Record<string, Json>
  if (top.type !== 'select')
    return `${String(top.type).toUpperCase()} is not allowed in a rule: only SELECT, WITH … SELECT and SHOW may run`
  return walk(top)
}

/**
 * The text as the server reads it, with its comments removed (a blank in their place), or the reason it
 * cannot be known. Backslash escapes and ANSI_QUOTES depend on the server's sql_mode, so \' and "…" are
 * refused rather than guessed.
 */
function serverReading(sql: string): string | { problem: string } {
  let out = ''
  let i = 0
  const n = sql.length
  const refuse = (problem: string) => ({ problem })
  while (i < n) {
    const c = sql[i]!
    const next = sql[i + 1]
    if (c === '\\')
      return refuse(
        'A backslash outside a quoted string is not allowed in a MySQL/MariaDB rule (\\N and friends read differently by mode)',
      )
    if (c === '"')
      return refuse(
        'Double quotes are not allowed in a MySQL/MariaDB rule: the server reads "…" as text or as a name depending on ANSI_QUOTES; use \'…\' for text and `…` for names',
      )
    if (c === '$')
      return refuse(
        'A $ outside quotes is not allowed in a MySQL/MariaDB rule: the server takes it as part of a name, other readers as a quote; quote the name with `…`',
      )
    if (c === '#') {
      while (i < n && sql[i] !== '\n') i++
      out += ' '
      continue
    }
    if (c === '-' && next === '-') {
      const after = sql[i + 2]
      if (after === undefined || after === ' ' || after === '\t' || after === '\n' || after === '\r') {
        while (i < n && sql[i] !== '\n') i++
        out += ' '
        continue
      }
      return refuse(
        'A "--" not followed by a space is not a comment to MySQL/MariaDB but is to other readers (e.g. --1); write "- -" or "-- " as meant',
      )
    }
    if (c === '/' && next === '*') {
      const kind = sql[i + 2]
      if (kind === '!' || kind === '+' || (kind === 'M' && sql[i + 3] === '!'))
        return refuse(
          'Executable comments (/*! … */, /*M! … */) and optimizer hints (/*+ … */) are not allowed in a rule: the server runs their content',
        )
      const end = sql.indexOf('*/', i + 2)
      if (end < 0) return refuse('A /* comment is not closed')
      i = end + 2
      out += ' '
      continue
    }
    if (c === "'" || c === '`') {
      let j = i + 1
      for (;;) {
        if (j >= n) return refuse(`A ${c} quote is not closed`)
        if (c === "'" && sql[j] === '\\' && sql[j + 1] === "'")
          return refuse(
            "A backslash before a quote (\\') reads differently when the server's sql_mode has NO_BACKSLASH_ESCAPES; write '' for a quote in a string",
          )
        if (sql[j] === c && sql[j + 1] === c) j += 2
        else if (sql[j] === c) break
        else j++
      }
      out += sql.slice(i, j + 1)
      i = j + 1
      continue
    }
    if (c === '\0') return refuse('A NUL character is not allowed in a rule')
    out += c
    i++
  }
  return out
}

/** SHOW forms a rule may use: read-only listings with at most a LIKE pattern (WHERE runs expressions). */
const SHOW_FORMS = [
  /^SHOW\s+(?:(?:GLOBAL|SESSION)\s+)?(?:VARIABLES|STATUS)(?:\s+LIKE\s+'(?:[^']|'')*')?$/i,
  /^SHOW\s+GRANTS(?:\s+FOR\s+CURRENT_USER(?:\s*\(\s*\))?)?$/i,
  /^SHOW\s+(?:DATABASES|SCHEMAS|PLUGINS|ENGINES|PRIVILEGES)(?:\s+LIKE\s+'(?:[^']|'')*')?$/i,
  /^SHOW\s+(?:MASTER|SLAVE|REPLICA|BINLOG)\s+STATUS$/i,
]

function showProblem(text: string): string | null {
  const oneLine = text.replace(/\s+/g, ' ')
  if (SHOW_FORMS.some((f) => f.test(oneLine))) return null
  return "Only SHOW [GLOBAL|SESSION] VARIABLES/STATUS [LIKE '…'], SHOW GRANTS, SHOW DATABASES/PLUGINS/ENGINES/PRIVILEGES and SHOW … STATUS are allowed; for a filter use SELECT … FROM information_schema or performance_schema"
}

/** Node types of a read-only SELECT as node-sql-parser writes them; anything else is refused. */
const ALLOWED_TYPES = new Set(
  `select column_ref number string single_quote_string natural_string hex_string bit_string full_hex_string
  bool boolean null star expr_list binary_expr unary_expr function aggr_func cast case when else var
  backticks_quote_string default interval extract datetime date time timestamp param_unused window
  window_frame_expr origin ESCAPE ASC DESC bigint datatype collate fulltext_search dual`.split(/\s+/),
)

function walk(node: Json): string | null {
  if (Array.isArray(node)) {
    for (const x of node) {
      const p = walk(x)
      if (p) return p
    }
    return null
  }
  if (node === null || typeof node !== 'object') return null
  const type = node.type
  if (type === 'select') {
    const into = node.into as Record<string, Json> | null | undefined
    if (into && into.position !== null && into.position !== undefined)
      return 'SELECT … INTO (a variable, OUTFILE or DUMPFILE) is not allowed in a rule: it writes'
    if (node.locking_read) return 'FOR UPDATE / LOCK IN SHARE MODE is not allowed in a rule: it locks rows'
  } else if (typeof type === 'string' && !ALLOWED_TYPES.has(type)) {
    return `${type} is not allowed in a rule: rules may only read`
  }
  if (type === 'function' || type === 'aggr_func') {
    const { name, qualified } = functionName(node.name ?? null)
    if (qualified || !MYSQL_FUNCTIONS_ALLOWED.has(name.toUpperCase()))
      return `The function ${name}() is not on the list of functions a rule may call (text, number, date, aggregate and server-information functions)`
  }
  if (type === 'binary_expr' && node.operator === ':=')
    return 'Assigning a variable (:=) is not allowed in a rule'
  if (type === 'var' && node.prefix !== '@@' && node.prefix !== '@')
    return `The variable ${String(node.prefix)}${String(node.name)} is not allowed in a rule`
  for (const value of Object.values(node)) {
    const p = walk(value)
    if (p) return p
  }
  return null
}

/** The called name, and whether it is qualified (db.fn is a stored function, never a built-in). */
function functionName(name: Json): { name: string; qualified: boolean } {
  if (typeof name === 'string') return { name, qualified: false }
  const n = (name ?? {}) as { name?: Json; schema?: Json }
  const parts = Array.isArray(n.name) ? n.name : []
  const text = (x: Json) => String((x as { value?: Json } | null)?.value ?? '?')
  const schema = n.schema !== undefined && n.schema !== null ? [text(n.schema)] : []
  const all = [...schema, ...parts.map(text)]
  return { name: all.join('.') || '?', qualified: all.length !== 1 }
}

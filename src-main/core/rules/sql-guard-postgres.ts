// The PostgreSQL half of the SQL guard: a rule's query is parsed by PostgreSQL's own grammar (libpg-query,
// compiled to WebAssembly), so quoting, comments, the # operator, dollar quoting and U&"…" names are read
// exactly as the server reads them; then the whole tree is walked and judged node by node.
import { POSTGRES_FUNCTIONS } from './sql-allowlist'

let loaded: Promise<void> | undefined
let parseSync: ((sql: string) => unknown) | undefined

/**
 * Loads the WebAssembly parser once, on the first check that needs it (not when Driftwatch starts); every
 * check before it finishes refuses (fails closed).
 */
export function loadPostgresParser(): Promise<void> {
  return (loaded ??= import('libpg-query').then(async (m) => {
    await m.loadModule()
    parseSync = m.parseSync
  }))
}

/** Node types a read-only SELECT is built from; any other (INSERT, XMLTABLE, TABLESAMPLE, $1…) is refused. */
const ALLOWED_NODES = new Set(
  `SelectStmt ResTarget ColumnRef A_Const String Integer Float Boolean BitString A_Star FuncCall A_Expr
  BoolExpr NullTest BooleanTest TypeCast TypeName CaseExpr CaseWhen CoalesceExpr MinMaxExpr SubLink RangeVar
  RangeSubselect RangeFunction JoinExpr Alias SortBy WindowDef CommonTableExpr WithClause List A_Indirection
  A_Indices A_ArrayExpr RowExpr SQLValueFunction CollateClause GroupingSet ColumnDef CTESearchClause
  CTECycleClause NamedArgExpr`.split(/\s+/),
)

const STATEMENT_WORDS: Record<string, string> = {
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  MergeStmt: 'MERGE',
  CopyStmt: 'COPY',
  DoStmt: 'DO',
  CallStmt: 'CALL',
  PrepareStmt: 'PREPARE',
  ExecuteStmt: 'EXECUTE',
  VariableSetStmt: 'SET',
  TransactionStmt: 'a transaction statement',
  CreateStmt: 'CREATE',
  CreateTableAsStmt: 'CREATE TABLE AS',
  DropStmt: 'DROP',
  LockStmt: 'LOCK',
  ExplainStmt: 'EXPLAIN',
  DeclareCursorStmt: 'DECLARE',
  ListenStmt: 'LISTEN',
  NotifyStmt: 'NOTIFY',
  LoadStmt: 'LOAD',
  VacuumStmt: 'VACUUM',
  GrantStmt: 'GRANT',
  AlterTableStmt: 'ALTER',
  RangeTableSample: 'TABLESAMPLE',
  RangeTableFunc: 'XMLTABLE',
  XmlExpr: 'an XML function',
  XmlSerialize: 'XMLSERIALIZE',
  ParamRef: 'a parameter ($1)',
}

const describe = (node: string) => STATEMENT_WORDS[node] ?? node

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

/** Why PostgreSQL may not run this rule query, or null when it is one read-only SELECT / SHOW. */
export function postgresProblem(sql: string): string | null {
  if (!parseSync) return 'The PostgreSQL parser is not loaded yet, so the query cannot be checked; try again'
  // A plain '…' string ends at a different quote when the server's standard_conforming_strings is off
  // (backslash escapes) than in the parser's reading (on): \' is the only way the two readings part.
  if (/\\'/.test(sql))
    return "A backslash before a quote (\\') reads differently when the server's standard_conforming_strings is off; write '' for a quote in a string"
  let tree: { stmts?: { stmt: Record<string, Json> }[] }
  try {
    tree = parseSync(sql) as typeof tree
  } catch (err) {
    return `PostgreSQL's parser cannot read the query: ${(err as Error).message}`
  }
  const stmts = tree.stmts ?? []
  if (stmts.length === 0) return 'The query is empty'
  if (stmts.length > 1) return `Only one statement is allowed (found ${stmts.length})`
  const [type] = Object.keys(stmts[0]!.stmt)
  if (type === 'VariableShowStmt') return null
  if (type !== 'SelectStmt')
    return `${describe(type ?? '?')} is not allowed in a rule: only SELECT, WITH … SELECT and SHOW may run`
  return walk(stmts[0]!.stmt)
}

function walk(node: Json): string | null {
  if (Array.isArray(node)) {
    for (const x of node) {
      const p = walk(x)
      if (p) return p
    }
    return null
  }
  if (node === null || typeof node !== 'object') return null
  for (const [key, value] of Object.entries(node)) {
    if (/^[A-Z]/.test(key)) {
      const p = judge(key, value)
      if (p) return p
    } else if (key === 'intoClause') {
      return 'SELECT … INTO is not allowed in a rule: it creates a table'
    } else if (key === 'lockingClause') {
      return 'FOR UPDATE / FOR SHARE is not allowed in a rule: it locks rows'
    }
    const p = walk(value)
    if (p) return p
  }
  return null
}

function judge(type: string, body: Json): string | null {
  if (!ALLOWED_NODES.has(type)) return `${describe(type)} is not allowed in a rule: rules may only read`
  const b = body as Record<string, Json>
  if (type === 'FuncCall') {
    const name = names(b.funcname ?? null)
    const fn = schemaLess(name)
    if (!fn || !POSTGRES_FUNCTIONS.has(fn))
      return `The function ${name.join('.')}() is not on the list of functions a rule may call (settings, catalogue, text, number, date and aggregate functions)`
  }
  if (type === 'A_Expr' && b.name !== undefined) {
    const op = names(b.name ?? null)
    if (!schemaLess(op)) return `The operator OPERATOR(${op.join('.')}) is not allowed in a rule`
  }
  return null
}

/** A name list's last part when it is unqualified or in pg_catalog; null when another schema could hold it. */
function schemaLess(parts: string[]): string | null {
  if (parts.length === 1) return parts[0]!
  if (parts.length === 2 && parts[0] === 'pg_catalog') return parts[1]!
  return null
}

function names(list: Json): string[] {
  if (!Array.isArray(list)) return []
  return list.map((x) => {
    const s = (x as { String?: { sval?: string } })?.String?.sval
    return typeof s === 'string' ? s : '?'
  })
}

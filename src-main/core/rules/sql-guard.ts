// The check every rule query passes, on import and again just before it runs: parsed by a real parser for
// its dialect (PostgreSQL's own grammar; a MySQL/MariaDB grammar behind a server-faithful split of comments
// and quotes), it must be one SELECT / WITH … SELECT / SHOW with no INTO, no locking clause, no data-modifying
// CTE, and only allowlisted functions. It is the first wall; the read-only transaction with timeouts the
// scanners open is the second.
import type { RulePack } from './format'
import { loadPostgresParser, postgresProblem } from './sql-guard-postgres'
import { mysqlProblem } from './sql-guard-mysql'

export type SqlDialect = RulePack['kind']

export const MAX_QUERY_LENGTH = 20_000

/** Loads the parsers (PostgreSQL's is WebAssembly, loaded asynchronously); until then every check refuses. */
export function loadSqlGuard(): Promise<void> {
  return loadPostgresParser()
}

/** Why a rule's query may not run on a target of this kind, or null when it is a single read-only query. */
export function queryProblem(sql: string, dialect: SqlDialect): string | null {
  if (typeof sql !== 'string' || !sql.trim()) return 'The query is empty'
  if (sql.length > MAX_QUERY_LENGTH) return 'The query is longer than 20,000 characters'
  return dialect === 'postgres' ? postgresProblem(sql) : mysqlProblem(sql)
}

/** Every refused rule of a pack, by index, for the importer to name. */
export function packQueryProblems(pack: Pick<RulePack, 'kind' | 'rules'>) {
  const out: { index: number; id: string; problem: string }[] = []
  pack.rules.forEach((r, index) => {
    // A manual check runs nothing.
    if (r.manual) return
    const problem = queryProblem(r.query ?? '', pack.kind)
    if (problem) out.push({ index, id: r.id, problem })
  })
  return out
}

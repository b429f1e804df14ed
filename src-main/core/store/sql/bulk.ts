// Many rows into one table, as multi-row INSERTs of at most CHUNK rows. A scan's commit writes hundreds of
// results at once; building and compiling a statement of thousands of values costs more than running it, so
// each statement's text is compiled once per shape (table, columns, row count) and reused with new values.
import { CompiledQuery, type Compilable } from 'kysely'
import type { Sql } from './engine'

/** Rows a statement carries at most (10 columns × 500 rows stays far under both engines' parameter limits). */
export const CHUNK = 500

type Row = Record<string, unknown>

const texts = new WeakMap<Sql, Map<string, string>>()

/**
 * Runs `statement(chunk)` for each chunk of `rows`. `shape` names the statement (the same shape must build
 * the same text for the same row count), and `statement` must take no values but the rows' own, every row
 * with the same keys in the same order; a chunk that does not fit (a key left undefined) is compiled in full.
 */
export function insertRows<R extends Row>(
  sql: Sql,
  shape: string,
  rows: readonly R[],
  statement: (chunk: R[]) => Compilable<unknown>,
): void {
  let cache = texts.get(sql)
  if (!cache) texts.set(sql, (cache = new Map()))
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK)
    const columns = Object.keys(chunk[0]!)
    const key = `${shape}|${columns.join(',')}|${chunk.length}`
    const params = flatten(chunk, columns)
    const text = params && cache.get(key)
    if (params && text) {
      sql.run(CompiledQuery.raw(text, params))
      continue
    }
    const built = statement(chunk).compile()
    // Cached only when the compiled values are exactly the rows' values in order: nothing else is bound.
    if (params && sameValues(built.parameters, params)) cache.set(key, built.sql)
    sql.run(built)
  }
}

/** The chunk's values row by row in `columns` order, or undefined when a row does not have exactly those keys. */
function flatten(chunk: readonly Row[], columns: string[]): unknown[] | undefined {
  const out: unknown[] = []
  for (const row of chunk) {
    const keys = Object.keys(row)
    if (keys.length !== columns.length) return undefined
    for (let c = 0; c < columns.length; c++) {
      if (keys[c] !== columns[c]) return undefined
      const v = row[columns[c]!]
      if (v === undefined) return undefined
      out.push(v)
    }
  }
  return out
}

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

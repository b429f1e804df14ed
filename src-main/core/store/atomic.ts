// One transaction around several handler calls (a driftwatch.yml applied): every write inside `fn`, the
// handlers' own transactions included (savepoints inside this one), commits or rolls back as one. The
// transaction stays open across `fn`'s awaits, on either engine (Sql.begin: SQLite's BEGIN IMMEDIATE,
// PostgreSQL's BEGIN).
import { ALREADY_OPEN, type Sql } from './sql/engine'

export async function atomically<T>(sql: Sql, fn: () => Promise<T>): Promise<T> {
  if (sql.inTransaction) throw new Error(ALREADY_OPEN)
  sql.begin()
  let result: T
  try {
    result = await fn()
  } catch (err) {
    try {
      sql.end(false)
    } catch {
      // The connection is gone with the transaction; `fn`'s error is the one to show.
    }
    throw err
  }
  sql.end(true)
  return result
}

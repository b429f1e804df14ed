// One transaction around several handler calls (a driftwatch.yml applied): every write inside `fn`, the
// handlers' own transactions included (better-sqlite3 nests them as savepoints), commits or rolls back as one.
import type { Db } from './db'

export async function atomically<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  if (db.inTransaction) throw new Error('A transaction is already open on this store')
  db.exec('BEGIN IMMEDIATE')
  try {
    const result = await fn()
    db.exec('COMMIT')
    return result
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK')
    throw err
  }
}

// Opens the store a face was pointed at: a SQLite file (the embedded default, one auditor's laptop) or a
// PostgreSQL URL (a team's shared store), and brings its schema up to date.
import { openDatabase, type OpenOptions } from './db'
import type { Sql } from './sql/engine'
import { sqliteSql } from './sql/sqlite'
import { openPostgres } from './sql/postgres'
import { migratePostgres } from './migrations/postgres-runner'

/** Whether a store location names a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location)
}

export interface StoreOptions extends OpenOptions {
  /** Shown by PostgreSQL as the connection's application_name: which face or worker is connected. */
  applicationName?: string
}

export function openStore(location: string, opts: StoreOptions = {}): Sql {
  if (!isPostgresUrl(location)) return sqliteSql(openDatabase(location, opts))
  const sql = openPostgres(location, { applicationName: opts.applicationName })
  try {
    migratePostgres(sql)
    return sql
  } catch (err) {
    sql.close()
    throw err
  }
}

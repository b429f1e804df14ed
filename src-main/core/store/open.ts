// Opens the store a face was pointed at: a SQLite file (the embedded default, one auditor's laptop) or a
// PostgreSQL URL (a team's shared store), and brings its schema up to date.
import { openDatabase, type OpenOptions } from './db'
import type { Sql } from './sql/engine'
import { sqliteSql } from './sql/sqlite'
import { describeStoreUrl, openPostgres } from './sql/postgres'
import { migratePostgres, postgresSchemaVersion } from './migrations/postgres-runner'
import { sql as raw } from 'kysely'

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
  let sql: Sql
  try {
    sql = openPostgres(location, { applicationName: opts.applicationName })
  } catch (err) {
    // Which store could not be opened, its password hidden; the error keeps its SQLSTATE code.
    const e = err as Error
    e.message = `Could not open the PostgreSQL store at ${describeStoreUrl(location)}: ${e.message}`
    throw e
  }
  try {
    migratePostgres(sql)
    return sql
  } catch (err) {
    sql.close()
    throw err
  }
}

/** The schema version the store is at, on either engine. */
export function storeVersion(sql: Sql): number {
  if (sql.dialect === 'postgresql') return postgresSchemaVersion(sql)
  return sql.get(raw<{ user_version: number }>`PRAGMA user_version`.compile(sql.q))?.user_version ?? 0
}

// The shape of one numbered schema migration, applied by the runner in its own transaction.
import type Database from 'better-sqlite3'
import type { Sql } from '../sql/engine'

export interface Migration {
  version: number
  name: string
  up(db: Database.Database): void
  /** The same change on a PostgreSQL store (required from v18: PostgreSQL stores begin at the v17 baseline). */
  postgres?(sql: Sql): void
}

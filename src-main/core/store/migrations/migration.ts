// The shape of one numbered schema migration, applied by the runner in its own transaction.
import type Database from 'better-sqlite3'

export interface Migration {
  version: number
  name: string
  up(db: Database.Database): void
}

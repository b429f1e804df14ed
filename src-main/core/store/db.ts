// Opens the SQLite store with the pragmas Driftwatch relies on and brings its schema up to date.
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { migrate } from './migrations'

export type Db = Database.Database

export interface OpenOptions {
  /** Path to a better_sqlite3.node built for another runtime (the Electron shell passes its own build). */
  nativeBinding?: string
  /** Stop at this schema version (tests of the migrations use it); default: the latest. */
  targetVersion?: number
}

export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {})
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    // Another face (CLI beside the desktop app) may hold the write lock briefly; wait rather than fail.
    db.pragma('busy_timeout = 5000')
    db.pragma('synchronous = NORMAL')
    migrate(db, opts.targetVersion)
    return db
  } catch (err) {
    db.close()
    throw err
  }
}

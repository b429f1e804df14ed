// Opens the SQLite store with the pragmas Driftwatch relies on and brings its schema up to date.
import Database from 'better-sqlite3'
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs'
import { dirname } from 'node:path'
import { LATEST_VERSION, migrate, schemaVersion } from './migrations'

export type Db = Database.Database

export interface OpenOptions {
  /** Path to a better_sqlite3.node built for another runtime (the Electron shell passes its own build). */
  nativeBinding?: string
  /** Stop at this schema version (tests of the migrations use it); default: the latest. */
  targetVersion?: number
}

export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  if (file !== ':memory:') createPrivately(file)
  const db = new Database(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {})
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    // Another face (CLI beside the desktop app) may hold the write lock briefly; wait rather than fail.
    db.pragma('busy_timeout = 5000')
    db.pragma('synchronous = NORMAL')
    // The usual open: the schema is current and the migration runner is not entered. Behind, ahead (refused:
    // a newer Driftwatch wrote it) or asked for a version, the runner decides.
    if (opts.targetVersion !== undefined || schemaVersion(db) !== LATEST_VERSION)
      migrate(db, opts.targetVersion)
    return db
  } catch (err) {
    db.close()
    throw err
  }
}

/**
 * The database (targets, findings, evidence, sealed keys) is readable by its owner only, whatever the umask:
 * made 0600 before SQLite opens it, and an older, looser one tightened. SQLite gives the -wal and -shm files
 * it creates the database file's own mode, so they follow; ones left from an earlier run are tightened too.
 */
function createPrivately(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600))
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`])
    if (existsSync(f)) chmodSync(f, 0o600)
}

// The store a test's core on a data folder uses, opened beside it to read what a scan stored (or to make it
// refuse a write): the folder's SQLite file, or the PostgreSQL database the "postgresql" lane gave that folder.
import { join } from 'node:path'
import { openStore } from '../../src-main/core/store/open'
import { DB_FILE } from '../../src-main/core/app'
import type { Sql } from '../../src-main/core/store/sql/engine'
import { laneStore } from './store-lane'

/** Opens the store of `dataDir` on its engine; close it when done. */
export function openDataStore(dataDir: string): Sql {
  return openStore(laneStore(dataDir) ?? join(dataDir, DB_FILE))
}

/** Runs `fn` on the store of `dataDir` and closes it. */
export function withDataStore<T>(dataDir: string, fn: (sql: Sql) => T): T {
  const sql = openDataStore(dataDir)
  try {
    return fn(sql)
  } finally {
    sql.close()
  }
}

// The store's two engines for tests: a fresh SQLite file, or a fresh database on one real PostgreSQL 15
// server started for the test file (test/services). A test written once with `describe.each(ENGINES)` runs
// on both.
import { join } from 'node:path'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import Database from 'better-sqlite3'
import pg from 'pg'
import { startPostgres, stopAll, type PgService } from '../services/lib'
import type { Dialect, Sql } from '../../src-main/core/store/sql/engine'
import { sqliteSql } from '../../src-main/core/store/sql/sqlite'
import { openPostgres } from '../../src-main/core/store/sql/postgres'
import { openStore } from '../../src-main/core/store/open'

export const ENGINES: readonly Dialect[] = ['sqlite', 'postgresql']

let server: Promise<PgService> | undefined
let made = 0
const dirs: string[] = []
const open: Sql[] = []

/**
 * Closes what this file opened and stops its PostgreSQL server. Called after each file by
 * test/helpers/file-cleanup.ts, the setup file of the lane that runs this module's users ("servers"): their
 * files share the worker's modules, so a hook registered here, when the module is first imported, would run
 * after the first file only.
 */
export async function closeEngines(): Promise<void> {
  for (const s of open.splice(0)) s.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  if (server) {
    server = undefined
    await stopAll()
  }
}

/** The file's PostgreSQL server (started on first use) and a URL for a new, empty database on it. */
export async function freshPostgresUrl(): Promise<string> {
  server ??= startPostgres({ name: 'store' })
  const s = await server
  const name = `dw_test_${process.pid}_${++made}`
  const admin = new pg.Client({
    host: '127.0.0.1',
    port: s.port,
    user: s.user,
    password: s.password,
    database: s.database,
  })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  return `postgres://${s.user}:${encodeURIComponent(s.password)}@127.0.0.1:${s.port}/${name}`
}

/** An empty database on `engine`, behind the store's Sql door; closed after the file. */
export async function emptySql(engine: Dialect): Promise<Sql> {
  let sql: Sql
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'dw-engine-'))
    dirs.push(dir)
    sql = sqliteSql(new Database(join(dir, 'store.db')))
  } else {
    sql = openPostgres(await freshPostgresUrl())
  }
  open.push(sql)
  return sql
}

/** A store at the latest schema on `engine` (SQLite's migrations, or PostgreSQL's baseline and later bodies). */
export async function migratedSql(engine: Dialect): Promise<Sql> {
  let sql: Sql
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'dw-engine-'))
    dirs.push(dir)
    sql = openStore(join(dir, 'store.db'))
  } else {
    sql = openStore(await freshPostgresUrl())
  }
  open.push(sql)
  return sql
}

/** A bare target row, written straight to the store (tests of one repository); its groups as labels. */
export function addTargetRow(
  sql: Sql,
  t: { id: string; name?: string; kind?: string; host?: string; groups?: readonly string[] },
  at = '2030-01-01T00:00:00.000Z',
): string {
  sql.run(
    sql.q.insertInto('targets').values({
      id: t.id,
      name: t.name ?? t.id,
      kind: t.kind ?? 'local',
      ...(t.host === undefined ? {} : { host: t.host }),
      settings: '{}',
      created_at: at,
      updated_at: at,
    }),
  )
  for (const label of t.groups ?? [])
    sql.run(sql.q.insertInto('target_labels').values({ target_id: t.id, type: 'group', label }))
  return t.id
}

// Moves a whole store from one engine to another (an auditor's SQLite file into a team's PostgreSQL, and
// back): every table in foreign-key order, a page at a time, in ONE destination transaction that commits only
// after the copy is checked (row counts, a digest of every table's rows, the audit log's hash chain). An
// error or an interruption rolls it back, so the destination is left as empty as it was found.
import { existsSync, rmSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { createHash } from 'node:crypto'
import { setImmediate as yieldToEvents } from 'node:timers/promises'
import Database from 'better-sqlite3'
import { sql as raw, type Kysely, type RawBuilder } from 'kysely'
import type { Sql } from './sql/engine'
import { sqliteSql } from './sql/sqlite'
import { describeStoreUrl, openPostgres } from './sql/postgres'
import { isPostgresUrl, openStore } from './open'
import { LATEST_VERSION, schemaVersion } from './migrations'
import { postgresSchemaVersion } from './migrations/postgres-runner'
import { STORE_TABLES, type StoreTable } from './copy-tables'
import { verifyChain, type AuditEntry, type AuditWho } from '../audit/log'

/** Rows per multi-row INSERT and per page read (fewer for tables of large rows, see copy-tables.ts). */
export const PAGE_ROWS = 500

export interface CopyProgress {
  table: string
  copied: number
  total: number
}

export interface CopiedTable {
  name: string
  rows: number
  /** SHA-256 over the table's rows in key order, each row in canonical form; the same on both sides. */
  digest: string
}

export interface CopySummary {
  /** Both stores as they may be shown (a PostgreSQL password hidden). */
  from: string
  to: string
  tables: CopiedTable[]
  rows: number
  auditEntries: number
  /** Counts, digests and the audit chain all checked on the destination before it committed. */
  verified: true
}

export interface CopyOptions {
  /** Aborting rolls the destination back between two pages (Ctrl-C). */
  signal?: AbortSignal
  onProgress?(p: CopyProgress): void
  /** Shown by PostgreSQL for the connections (who is connected). */
  applicationName?: string
}

/** Why a copy did not happen; `refused` means nothing was even started on the destination. */
export class StoreCopyError extends Error {
  constructor(
    message: string,
    /** refused: the destination holds data or a schema is not this version's; missing: no store there;
     *  unreachable: a store could not be opened (a wrong password, a server down). */
    readonly reason: 'refused' | 'missing' | 'unreachable' | 'interrupted' | 'mismatch' | 'failed',
  ) {
    super(message)
    this.name = 'StoreCopyError'
  }
}

/** A store location as it may be printed: a file's full path, or a URL with its password hidden. */
export function describeStore(location: string): string {
  return isPostgresUrl(location) ? describeStoreUrl(location) : resolve(location)
}

// Tables are named from STORE_TABLES, never from input: the builder is used untyped over them.
type AnyDb = Kysely<Record<string, Record<string, unknown>>>
type Row = Record<string, unknown>

export async function copyStore(from: string, to: string, opts: CopyOptions = {}): Promise<CopySummary> {
  const fromName = describeStore(from)
  const toName = describeStore(to)
  if (fromName === toName)
    throw new StoreCopyError(`The source and the destination are both ${fromName}`, 'refused')
  const source = openSource(from, fromName, opts)
  let created = false
  let dest: Sql | undefined
  try {
    ;({ sql: dest, created } = openDestination(to, toName, opts))
    return await copyOpen(source, dest, fromName, toName, opts)
  } catch (err) {
    dest?.close()
    dest = undefined
    // A SQLite file this copy made and could not fill is removed rather than left behind half-explained.
    if (created) for (const f of [to, `${to}-wal`, `${to}-shm`]) rmSync(f, { force: true })
    throw err
  } finally {
    dest?.close()
    source.close()
  }
}

function openSource(location: string, name: string, opts: CopyOptions): Sql {
  let sql: Sql
  if (isPostgresUrl(location)) {
    sql = connect(() => openPostgres(location, { applicationName: opts.applicationName }), 'source', name)
    const version = postgresSchemaVersion(sql)
    if (version !== LATEST_VERSION) {
      sql.close()
      throw versionRefusal('source', name, version)
    }
    return sql
  }
  if (!existsSync(location) || statSync(location).size === 0)
    throw new StoreCopyError(`There is no Driftwatch store at ${name} (the source)`, 'missing')
  // Opened as it is: read-only, no migration. Bringing it up to date is what opening it with Driftwatch does.
  const db = connect(() => new Database(location, { readonly: true, fileMustExist: true }), 'source', name)
  const version = schemaVersion(db)
  if (version !== LATEST_VERSION) {
    db.close()
    throw versionRefusal('source', name, version)
  }
  return sqliteSql(db)
}

function openDestination(location: string, name: string, opts: CopyOptions): { sql: Sql; created: boolean } {
  if (isPostgresUrl(location)) {
    // Looked at before openStore, which would lay the baseline on an empty database (wanted) but would also
    // migrate an older store (not wanted: a refused destination is left untouched).
    const probe = connect(
      () => openPostgres(location, { applicationName: opts.applicationName }),
      'destination',
      name,
    )
    const version = postgresSchemaVersion(probe)
    probe.close()
    if (version !== 0 && version !== LATEST_VERSION) throw versionRefusal('destination', name, version)
    const sql = connect(
      () => openStore(location, { applicationName: opts.applicationName }),
      'destination',
      name,
    )
    return { sql: refuseRows(sql, name), created: false }
  }
  const fresh = !existsSync(location) || statSync(location).size === 0
  if (!fresh) {
    const db = connect(
      () => new Database(location, { readonly: true, fileMustExist: true }),
      'destination',
      name,
    )
    const version = schemaVersion(db)
    db.close()
    if (version !== LATEST_VERSION) throw versionRefusal('destination', name, version)
  }
  const created = !existsSync(location)
  try {
    return {
      sql: refuseRows(
        connect(() => openStore(location), 'destination', name),
        name,
      ),
      created,
    }
  } catch (err) {
    if (created) for (const f of [location, `${location}-wal`, `${location}-shm`]) rmSync(f, { force: true })
    throw err
  }
}

/** Opens one side; a failure (wrong password, no such file) says which side it was. */
function connect<T>(open: () => T, side: 'source' | 'destination', name: string): T {
  try {
    return open()
  } catch (err) {
    if (err instanceof StoreCopyError) throw err
    throw new StoreCopyError(
      `Cannot open the ${side} store ${name}: ${(err as Error).message}`,
      'unreachable',
    )
  }
}

function versionRefusal(side: 'source' | 'destination', name: string, version: number): StoreCopyError {
  if (side === 'destination')
    return new StoreCopyError(
      `The destination ${name} is not an empty Driftwatch store at schema ${LATEST_VERSION} (it is at ${version}). ` +
        'Copy into a new PostgreSQL database or a SQLite file that does not exist yet.',
      'refused',
    )
  if (version === 0)
    return new StoreCopyError(`There is no Driftwatch store at ${name} (the source)`, 'missing')
  if (version > LATEST_VERSION)
    return new StoreCopyError(
      `The source ${name} was written by a newer Driftwatch (schema ${version}; this one knows ${LATEST_VERSION}). ` +
        'Copy it with that version.',
      'refused',
    )
  return new StoreCopyError(
    `The source ${name} is at schema ${version}, an older Driftwatch's; this one copies schema ${LATEST_VERSION}. ` +
      'Open it once with this Driftwatch (for example: driftwatch targets list --data-dir ITS_FOLDER), which ' +
      'brings it up to date, then copy it.',
    'refused',
  )
}

function refuseRows(sql: Sql, name: string): Sql {
  const held = STORE_TABLES.filter((t) => !t.createdWithStore)
    .map((t) => ({ name: t.name, n: count(sql, t) }))
    .filter((t) => t.n > 0)
  if (held.length) {
    sql.close()
    throw new StoreCopyError(
      `The destination ${name} already holds data (${held.map((t) => `${t.name}: ${t.n}`).join(', ')}). ` +
        'migrate-store only copies into an empty store: a new PostgreSQL database or a SQLite file that does not exist yet.',
      'refused',
    )
  }
  return sql
}

/** Engine branches (the lint rule reserves comparisons with the word postgres for target kinds). */
const onSqlite = (sql: Sql): boolean => sql.dialect === 'sqlite'

const any = (sql: Sql): AnyDb => sql.q as unknown as AnyDb

function count(sql: Sql, t: StoreTable): number {
  const row = sql.get<{ n: number | string }>(
    any(sql)
      .selectFrom(t.name)
      .select((eb) => eb.fn.countAll().as('n')),
  )
  return Number(row?.n ?? 0)
}

/** One page of `t` in key order, after the key `after` (the first page when undefined). */
function page(sql: Sql, t: StoreTable, after: Row | undefined): Row[] {
  const keys = raw.join(t.key.map((k) => raw.ref(k)))
  const where: RawBuilder<unknown> = after
    ? raw`WHERE (${keys}) > (${raw.join(t.key.map((k) => after[k]))})`
    : raw``
  return sql.all(
    raw<Row>`SELECT * FROM ${raw.table(t.name)} ${where} ORDER BY ${keys} LIMIT ${t.pageRows ?? PAGE_ROWS}`.compile(
      sql.q,
    ),
  )
}

/** A row as the same bytes on either engine: columns sorted by name, bytes as hex, numbers and text as JSON. */
function canonicalRow(row: Row): string {
  return JSON.stringify(
    Object.keys(row)
      .sort()
      .map((k) => {
        const v = row[k]
        return [k, Buffer.isBuffer(v) ? { bytes: v.toString('hex') } : v]
      }),
  )
}

async function copyOpen(
  source: Sql,
  dest: Sql,
  fromName: string,
  toName: string,
  opts: CopyOptions,
): Promise<CopySummary> {
  const checkpoint = async () => {
    await yieldToEvents()
    if (opts.signal?.aborted)
      throw new StoreCopyError(`Interrupted: nothing was written to ${toName}`, 'interrupted')
  }
  const tables: CopiedTable[] = []
  const audit: AuditEntry[] = []
  // The source is read in one snapshot (a store someone is still using stays consistent); PostgreSQL's
  // REPEATABLE READ gives it, SQLite's read transaction in WAL mode does.
  source.exec(onSqlite(source) ? 'BEGIN' : 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
  // The destination's one transaction is driven here rather than by Sql.transaction because the copy yields
  // between pages (so Ctrl-C is heard); nothing else uses these connections meanwhile.
  dest.exec(onSqlite(dest) ? 'BEGIN IMMEDIATE' : 'BEGIN')
  try {
    for (const t of STORE_TABLES) {
      const total = count(source, t)
      const hash = createHash('sha256')
      let copied = 0
      opts.onProgress?.({ table: t.name, copied, total })
      if (t.createdWithStore) dest.run(any(dest).deleteFrom(t.name))
      for (let rows = page(source, t, undefined); rows.length; rows = page(source, t, rows.at(-1))) {
        dest.run(any(dest).insertInto(t.name).values(rows))
        for (const r of rows) hash.update(canonicalRow(r)).update('\n')
        copied += rows.length
        opts.onProgress?.({ table: t.name, copied, total })
        await checkpoint()
      }
      if (t.identity && !onSqlite(dest)) advanceIdentity(dest, t)
      tables.push({ name: t.name, rows: copied, digest: hash.digest('hex') })
    }
    // Checked on the destination, inside its transaction: a difference rolls everything back.
    for (const [i, t] of STORE_TABLES.entries()) {
      const expected = tables[i]!
      const hash = createHash('sha256')
      let n = 0
      for (let rows = page(dest, t, undefined); rows.length; rows = page(dest, t, rows.at(-1))) {
        for (const r of rows) hash.update(canonicalRow(r)).update('\n')
        n += rows.length
        if (t.name === 'audit_log') audit.push(...auditEntries(rows, toName))
        await checkpoint()
      }
      if (count(dest, t) !== expected.rows || n !== expected.rows)
        throw new StoreCopyError(
          `Table ${t.name}: ${expected.rows} rows in ${fromName} but ${n} in ${toName}; nothing was written`,
          'mismatch',
        )
      if (hash.digest('hex') !== expected.digest)
        throw new StoreCopyError(
          `Table ${t.name} differs between ${fromName} and ${toName} after copying; nothing was written`,
          'mismatch',
        )
    }
    const problems = verifyChain(audit)
    if (problems.length)
      throw new StoreCopyError(
        `The audit log's hash chain does not verify on ${toName} (${problems[0]!.message}); nothing was written`,
        'mismatch',
      )
    await checkpoint()
    dest.exec('COMMIT')
  } catch (err) {
    rollback(dest)
    if (err instanceof StoreCopyError) throw err
    throw new StoreCopyError(
      `Copying into ${toName} failed, and nothing was written: ${(err as Error).message}`,
      'failed',
    )
  } finally {
    rollback(source)
  }
  return {
    from: fromName,
    to: toName,
    tables,
    rows: tables.reduce((a, t) => a + t.rows, 0),
    auditEntries: audit.length,
    verified: true,
  }
}

/** The destination's audit rows as the chain checker reads entries. */
function auditEntries(rows: Row[], toName: string): AuditEntry[] {
  return rows.map((r) => {
    let details: Record<string, unknown>
    try {
      details = JSON.parse(String(r.details)) as Record<string, unknown>
    } catch {
      throw new StoreCopyError(`Audit entry ${String(r.seq)} on ${toName} has unreadable details`, 'mismatch')
    }
    return {
      seq: Number(r.seq),
      at: String(r.at),
      actor: String(r.actor),
      ...(r.who !== null && r.who !== undefined && { who: JSON.parse(String(r.who)) as AuditWho }),
      action: String(r.action),
      subject: String(r.subject),
      details,
      prevHash: String(r.prev_hash),
      hash: String(r.hash),
    }
  })
}

/** New rows must not take a copied id: the identity's next value goes past the largest one copied. */
function advanceIdentity(dest: Sql, t: StoreTable): void {
  const column = t.identity!
  dest.get(
    raw`SELECT setval(pg_get_serial_sequence(${t.name}, ${column}), coalesce(max(${raw.ref(column)}), 0) + 1, false)
        FROM ${raw.table(t.name)}`.compile(dest.q),
  )
}

function rollback(sql: Sql): void {
  try {
    sql.exec('ROLLBACK')
  } catch {
    // Already ended (committed, or the engine ended it on the error being reported).
  }
}

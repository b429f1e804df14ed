// The embedded engine: better-sqlite3 behind the store's Sql door. Statements are prepared once per SQL text
// and kept (a scan's commit runs the same insert hundreds of times).
import type Database from 'better-sqlite3'
import { Kysely } from 'kysely'
import { DummyDriver, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely'
import { ALREADY_OPEN, compiled, nestedTransaction, type Sql, type Statement } from './engine'
import type { DB } from './schema'

const CACHE_LIMIT = 500

/** A query builder that compiles SQLite statements and can run none (the Sql door runs them). */
export function sqliteBuilder(): Kysely<DB> {
  return new Kysely<DB>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  })
}

export function sqliteSql(db: Database.Database): Sql & { readonly db: Database.Database } {
  const q = sqliteBuilder()
  const cache = new Map<string, Database.Statement>()
  const depth = { value: 0 }

  function prepare(text: string): Database.Statement {
    let stmt = cache.get(text)
    if (!stmt) {
      stmt = db.prepare(text)
      if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string)
      cache.set(text, stmt)
    }
    return stmt
  }
  const bind = (params: readonly unknown[]): unknown[] =>
    params.map((p) => (p === undefined ? null : typeof p === 'boolean' ? (p ? 1 : 0) : p))

  return {
    dialect: 'sqlite',
    q,
    db,
    all<R>(statement: Statement<R>): R[] {
      const c = compiled(statement)
      return prepare(c.sql).all(...bind(c.parameters)) as R[]
    },
    get<R>(statement: Statement<R>): R | undefined {
      const c = compiled(statement)
      return prepare(c.sql).get(...bind(c.parameters)) as R | undefined
    },
    run(statement: Statement<unknown>): { changes: number } {
      const c = compiled(statement)
      const stmt = prepare(c.sql)
      // A statement that returns rows (INSERT … RETURNING) is still run for its effect.
      if (stmt.reader) return { changes: stmt.all(...bind(c.parameters)).length }
      return { changes: stmt.run(...bind(c.parameters)).changes }
    },
    exec(text: string): void {
      db.exec(text)
    },
    transaction<T>(fn: () => T): T {
      // better-sqlite3's own transactions (code not yet on this door) and ours nest either way round.
      return nestedTransaction(db.inTransaction, depth, (t) => db.exec(t), 'BEGIN IMMEDIATE', fn)
    },
    begin(): void {
      if (db.inTransaction) throw new Error(ALREADY_OPEN)
      db.exec('BEGIN IMMEDIATE')
    },
    end(commit: boolean): void {
      if (commit) {
        try {
          db.exec('COMMIT')
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK')
          throw err
        }
      } else if (db.inTransaction) {
        // SQLite may already have rolled back by itself (a full disk); then there is nothing left to undo.
        db.exec('ROLLBACK')
      }
    },
    lock(): void {
      // BEGIN IMMEDIATE holds SQLite's one write lock for the whole transaction: writers already queue.
      if (!db.inTransaction) throw new Error('A store lock is taken inside a transaction')
    },
    get inTransaction(): boolean {
      return db.inTransaction
    },
    close(): void {
      cache.clear()
      if (db.open) db.close()
    },
  }
}

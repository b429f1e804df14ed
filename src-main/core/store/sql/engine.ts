// The store's one door to a database engine. Repositories build statements with the query builder (`sql.q`,
// Kysely compiling for this engine's dialect) and run them here; SQLite (better-sqlite3, embedded) and
// PostgreSQL (a shared team store) both answer synchronously, so a repository reads the same over either and
// a transaction is one uninterrupted block of code, as it always was.
import type { CompiledQuery, Compilable, Kysely } from 'kysely'
import type { DB } from './schema'

export type Dialect = 'sqlite' | 'postgresql'

/** A statement to run: built (`sql.q.selectFrom(…)`) or already compiled (`sql\`…\`.compile(sql.q)`). */
export type Statement<R> = Compilable<R> | CompiledQuery<R>

export interface Sql {
  readonly dialect: Dialect
  /** The query builder for this engine's dialect. It builds and compiles; it never runs anything itself. */
  readonly q: Kysely<DB>
  /** Every row the statement returns. */
  all<R>(statement: Statement<R>): R[]
  /** The first row, or undefined. */
  get<R>(statement: Statement<R>): R | undefined
  /** A statement run for its effect: how many rows it changed. */
  run(statement: Statement<unknown>): { changes: number }
  /** A script with no parameters (migrations' DDL). */
  exec(text: string): void
  /**
   * `fn` in one transaction: it commits when `fn` returns and rolls back when it throws. Nested calls are
   * savepoints. `fn` is synchronous: a promise returned from it is refused (it would commit before its work).
   */
  transaction<T>(fn: () => T): T
  /**
   * Opens a transaction that stays open across awaits, for work spread over several calls that must commit or
   * roll back as one (a driftwatch.yml applied through the handlers; see store/atomic.ts). `transaction` calls
   * inside it are savepoints. Refused while a transaction is open. End it with `end`.
   */
  begin(): void
  /** Ends the transaction `begin` opened: COMMIT (which throws if the engine cannot), or ROLLBACK. */
  end(commit: boolean): void
  /**
   * Serialises writers on `name` until the enclosing transaction ends, across every process on the store
   * (a read-then-write, such as the audit chain's next link). SQLite's write transaction already does.
   */
  lock(name: string): void
  readonly inTransaction: boolean
  close(): void
}

/** Why `begin` refuses: one transaction per connection, and the one open would swallow the new one's work. */
export const ALREADY_OPEN = 'A transaction is already open on this store'

/** What the store says when the database refuses a write, the same for both engines. */
export type Violation = 'unique' | 'foreign_key' | 'check' | 'not_null'

const SQLITE: Record<string, Violation> = {
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign_key',
  SQLITE_CONSTRAINT_CHECK: 'check',
  SQLITE_CONSTRAINT_NOTNULL: 'not_null',
}
// PostgreSQL SQLSTATEs, class 23 (integrity constraint violation).
const POSTGRES: Record<string, Violation> = {
  '23505': 'unique',
  '23503': 'foreign_key',
  '23514': 'check',
  '23502': 'not_null',
}

/** Which constraint refused a write, whichever engine refused it; undefined for any other error. */
export function violation(err: unknown): Violation | undefined {
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return undefined
  return SQLITE[code] ?? POSTGRES[code]
}

export function compiled<R>(statement: Statement<R>): CompiledQuery<R> {
  return 'compile' in statement && typeof statement.compile === 'function'
    ? (statement as Compilable<R>).compile()
    : (statement as CompiledQuery<R>)
}

/**
 * Savepoint bookkeeping both engines share: BEGIN when no transaction is open (`open` false), a savepoint
 * inside one. `depth` names the savepoints.
 */
export function nestedTransaction<T>(
  open: boolean,
  depth: { value: number },
  exec: (text: string) => void,
  begin: string,
  fn: () => T,
): T {
  const level = open ? depth.value + 1 : 0
  const name = `dw_sp${depth.value}`
  exec(level === 0 ? begin : `SAVEPOINT ${name}`)
  depth.value++
  let result: T
  try {
    result = fn()
    if (result && typeof (result as { then?: unknown }).then === 'function')
      throw new Error('A store transaction cannot await: its statements must run before it commits')
  } catch (err) {
    depth.value--
    try {
      exec(level === 0 ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`)
    } catch {
      // The engine already ended the transaction (a failed COMMIT); the original error is the one to show.
    }
    throw err
  }
  depth.value--
  exec(level === 0 ? 'COMMIT' : `RELEASE SAVEPOINT ${name}`)
  return result
}

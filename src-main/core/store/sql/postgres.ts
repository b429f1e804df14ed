// The shared engine: PostgreSQL behind the store's Sql door, answering synchronously like SQLite.
//
// One connection per process lives in a worker thread (node-postgres); each statement is posted to it and this
// thread waits on a shared flag until its answer is back (sync-channel.ts). A
// statement therefore holds this thread for one round trip to the server, as a SQLite statement holds it for a
// disk read; in exchange a transaction stays one uninterrupted block and no other code runs inside it.
import { createRequire } from 'node:module'
import { MessageChannel, Worker } from 'node:worker_threads'
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely'
import { ALREADY_OPEN, compiled, nestedTransaction, type Sql, type Statement } from './engine'
import type { DB } from './schema'
import { WORKER_SOURCE } from './postgres-worker'
import { SyncChannel } from './sync-channel'

/** How long one statement may take before the store gives up on the server (a lock held elsewhere, say). */
const STATEMENT_TIMEOUT_MS = 120_000

export function postgresBuilder(): Kysely<DB> {
  return new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  })
}

/** A store URL with its password hidden, for messages and logs. */
export function describeStoreUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '****'
    return u.toString()
  } catch {
    return 'postgres://(unreadable address)'
  }
}

/** What PostgreSQL or the connection said, with the SQLSTATE kept as `code` (see engine.violation). */
export class PostgresStoreError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly detail?: string,
  ) {
    super(message)
    this.name = 'PostgresStoreError'
  }
}

type Reply =
  | { ok: true; rows: unknown[]; changes: number }
  | { ok: false; message: string; code?: string; detail?: string }

export interface PostgresOptions {
  /** `application_name` the server shows for this connection (pg_stat_activity): who is connected. */
  applicationName?: string
}

export function openPostgres(url: string, opts: PostgresOptions = {}): Sql {
  const flag = new Int32Array(new SharedArrayBuffer(4))
  const { port1, port2 } = new MessageChannel()
  const pgPath = createRequire(import.meta.url).resolve('pg')
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { url, pgPath, flag, port: port2, applicationName: opts.applicationName ?? 'driftwatch' },
    transferList: [port2],
  })
  worker.unref()
  const channel = new SyncChannel(flag, port1)
  let closed = false
  let dead: Error | undefined
  worker.on('error', (err) => (dead = err))
  worker.on('exit', () => (dead ??= new Error('the store connection ended')))

  function call(msg: { op: 'query'; sql: string; params: unknown[] } | { op: 'connect' } | { op: 'end' }): {
    rows: unknown[]
    changes: number
  } {
    if (closed) throw new PostgresStoreError('The PostgreSQL store is closed', undefined)
    if (dead) throw new PostgresStoreError(`The PostgreSQL store is unreachable: ${dead.message}`, undefined)
    const reply = channel.request<typeof msg, Reply>(msg, STATEMENT_TIMEOUT_MS)
    if (!reply) {
      dead = new Error(`no answer within ${STATEMENT_TIMEOUT_MS / 1000} s`)
      void worker.terminate()
      throw new PostgresStoreError(
        `PostgreSQL at ${describeStoreUrl(url)} did not answer within ${STATEMENT_TIMEOUT_MS / 1000} s`,
        undefined,
      )
    }
    if (!reply.ok) throw new PostgresStoreError(reply.message, reply.code, reply.detail)
    return reply
  }

  try {
    call({ op: 'connect' })
  } catch (err) {
    closed = true
    void worker.terminate()
    throw err
  }

  const depth = { value: 0 }
  let open = false
  const exec = (text: string): void => void call({ op: 'query', sql: text, params: [] })
  const query = (statement: Statement<unknown>) => {
    const c = compiled(statement)
    const reply = call({
      op: 'query',
      sql: c.sql,
      params: c.parameters.map((p) => (p === undefined ? null : p)),
    })
    for (const row of reply.rows as Record<string, unknown>[]) {
      // bytea crossed the thread as a Uint8Array; the store hands out Buffers, as better-sqlite3 does.
      for (const key in row) {
        const v = row[key]
        if (v instanceof Uint8Array && !Buffer.isBuffer(v))
          row[key] = Buffer.from(v.buffer, v.byteOffset, v.byteLength)
      }
    }
    return reply
  }

  return {
    dialect: 'postgresql',
    q: postgresBuilder(),
    all<R>(statement: Statement<R>): R[] {
      return query(statement).rows as R[]
    },
    get<R>(statement: Statement<R>): R | undefined {
      return query(statement).rows[0] as R | undefined
    },
    run(statement: Statement<unknown>): { changes: number } {
      return { changes: query(statement).changes }
    },
    exec,
    transaction<T>(fn: () => T): T {
      const outer = !open
      if (outer) open = true
      try {
        return nestedTransaction(!outer, depth, exec, 'BEGIN', fn)
      } finally {
        if (outer) open = false
      }
    },
    begin(): void {
      if (open) throw new Error(ALREADY_OPEN)
      exec('BEGIN')
      open = true
    },
    end(commit: boolean): void {
      try {
        if (!commit) {
          exec('ROLLBACK')
          return
        }
        // PostgreSQL answers COMMIT of a transaction a failed statement aborted with a silent ROLLBACK: ask
        // first, so a held transaction that lost its work says so instead of reporting success.
        try {
          exec('SELECT 1')
        } catch (err) {
          exec('ROLLBACK')
          throw err
        }
        exec('COMMIT')
      } finally {
        open = false
      }
    },
    lock(name: string): void {
      if (!open) throw new Error('A store lock is taken inside a transaction')
      call({ op: 'query', sql: 'SELECT pg_advisory_xact_lock(hashtext($1))', params: [name] })
    },
    get inTransaction(): boolean {
      return open
    },
    close(): void {
      if (closed) return
      try {
        if (!dead) call({ op: 'end' })
      } finally {
        closed = true
        port1.close()
        void worker.terminate()
      }
    },
  }
}

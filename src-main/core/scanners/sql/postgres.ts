// PostgreSQL sessions for rule checks, read-only by construction: every query runs inside one
// BEGIN READ ONLY transaction (and default_transaction_read_only), bounded by statement_timeout,
// lock_timeout and idle_in_transaction_session_timeout, each rule behind a savepoint so one failure
// does not end the others.
import { CONNECT_TIMEOUT_MS, openSql, STALLED, type SqlSecret, type SqlTarget } from './connect'
import { QueryError, type QueryFailure, type ReadOnlySession, type SessionOptions } from './read-only'

const LOCK_TIMEOUT_MS = 2_000
/** Long enough for the slowest rule plus our own work between rules, short enough that a hung scan frees the server. */
const IDLE_TX_TIMEOUT_MS = 60_000

const FAILURES: Record<string, QueryFailure> = {
  '57014': 'timeout', // query_canceled: statement_timeout
  '55P03': 'timeout', // lock_not_available: lock_timeout
  '42501': 'privilege', // insufficient_privilege
  '25006': 'read-only', // read_only_sql_transaction
  '42704': 'undefined', // undefined_object: unknown setting
  '42P01': 'undefined', // undefined_table: a view this version lacks
  '42883': 'undefined', // undefined_function
  '42703': 'undefined', // undefined_column
  '3F000': 'undefined', // invalid_schema_name
}

export async function openPostgresReadOnly(
  t: SqlTarget,
  secret: SqlSecret,
  opts: SessionOptions,
): Promise<ReadOnlySession> {
  const s = await openSql(t, secret, opts.network)
  const grace = opts.network?.queryMs ?? CONNECT_TIMEOUT_MS
  let lost = false
  let closing: Promise<void> | undefined
  let currentTimeout = opts.timeoutMs
  try {
    const settings: Record<string, string> = {
      statement_timeout: `${opts.timeoutMs}ms`,
      lock_timeout: `${LOCK_TIMEOUT_MS}ms`,
      idle_in_transaction_session_timeout: `${IDLE_TX_TIMEOUT_MS}ms`,
      default_transaction_read_only: 'on',
    }
    for (const [k, v] of Object.entries(settings)) await s.query(`SET ${k} = '${v}'`)
    // One snapshot for the whole scan, so every rule sees the same state of the catalogue.
    await s.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY')
    const num = String((await s.query('SHOW server_version'))[0]?.server_version ?? '')
    const versionNumber = /^\d+(\.\d+)*/.exec(num)?.[0] ?? '0'
    return {
      flavour: 'postgresql',
      version: `PostgreSQL ${versionNumber}`,
      versionNumber,
      settings: { ...settings, transaction: 'BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY' },
      async query(sql, timeoutMs) {
        if (lost) throw new QueryError('lost', 'The connection to the server was lost', '08006')
        try {
          // SET LOCAL lasts until the transaction ends, and rolling back to the savepoint undoes it.
          await s.query(
            timeoutMs === currentTimeout
              ? 'SAVEPOINT dw_rule'
              : `SAVEPOINT dw_rule; SET LOCAL statement_timeout = ${Math.round(timeoutMs)}`,
          )
        } catch (err) {
          const f = failure(err, timeoutMs)
          if (f.kind === 'lost') lost = true
          throw f
        }
        try {
          // Extended protocol: a rule's text is run as one statement, never a script.
          const rows = await s.query(sql, { single: true, waitMs: timeoutMs + grace })
          await s.query('RELEASE SAVEPOINT dw_rule')
          if (timeoutMs !== currentTimeout) currentTimeout = timeoutMs
          return rows
        } catch (err) {
          const f = failure(err, timeoutMs)
          if (f.kind === 'lost') {
            // Nothing to roll back on a dead connection, and waiting for it again would only stall twice.
            lost = true
            throw f
          }
          try {
            // Also undoes a SET LOCAL made under the savepoint, so the timeout in force stays currentTimeout.
            await s.query('ROLLBACK TO SAVEPOINT dw_rule')
          } catch (again) {
            lost = true
            throw failure(again, timeoutMs)
          }
          throw f
        }
      },
      close: () =>
        (closing ??= (async () => {
          if (!lost) await s.query('ROLLBACK').catch(() => undefined)
          await s.close().catch(() => undefined)
        })()),
      abort() {
        lost = true
        s.destroy()
      },
    }
  } catch (err) {
    await s.close().catch(() => undefined)
    throw err
  }
}

function failure(err: unknown, timeoutMs: number): QueryError {
  const e = err as Error & { code?: string }
  const code = e.code ?? ''
  const kind: QueryFailure =
    (code === STALLED ? 'lost' : FAILURES[code]) ??
    (code.startsWith('08') || /terminat|Connection|ended/i.test(e.message) ? 'lost' : 'other')
  const first = (e.message ?? String(err)).split('\n')[0] ?? ''
  const message =
    kind === 'timeout' && code === '57014'
      ? `The query ran longer than the ${timeoutMs / 1000} s statement timeout and was cancelled`
      : first
  return new QueryError(kind, message, code)
}

// MySQL and MariaDB sessions for rule checks, read-only by construction: the session's transactions are
// READ ONLY (so even a statement that commits implicitly cannot write afterwards), every query runs inside
// START TRANSACTION READ ONLY, and each is bounded by MAX_EXECUTION_TIME (MySQL) or max_statement_time
// (MariaDB) and by the lock wait timeouts.
import { CONNECT_TIMEOUT_MS, openSql, STALLED, type SqlSecret, type SqlTarget } from './connect'
import { QueryError, type QueryFailure, type ReadOnlySession, type SessionOptions } from './read-only'

const LOCK_WAIT_S = 2

const FAILURES: Record<string, QueryFailure> = {
  ER_STATEMENT_TIMEOUT: 'timeout', // MariaDB max_statement_time (1969)
  ER_QUERY_TIMEOUT: 'timeout', // MySQL MAX_EXECUTION_TIME (3024)
  ER_LOCK_WAIT_TIMEOUT: 'timeout',
  ER_SPECIFIC_ACCESS_DENIED_ERROR: 'privilege',
  ER_TABLEACCESS_DENIED_ERROR: 'privilege',
  ER_COLUMNACCESS_DENIED_ERROR: 'privilege',
  ER_DBACCESS_DENIED_ERROR: 'privilege',
  ER_PROCACCESS_DENIED_ERROR: 'privilege',
  ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION: 'read-only',
  ER_UNKNOWN_SYSTEM_VARIABLE: 'undefined',
  ER_NO_SUCH_TABLE: 'undefined',
  ER_BAD_FIELD_ERROR: 'undefined',
  ER_SP_DOES_NOT_EXIST: 'undefined',
  PROTOCOL_CONNECTION_LOST: 'lost',
  ECONNRESET: 'lost',
  [STALLED]: 'lost',
}

export async function openMysqlReadOnly(
  t: SqlTarget,
  secret: SqlSecret,
  opts: SessionOptions,
): Promise<ReadOnlySession> {
  const s = await openSql(t, secret, opts.network)
  const grace = opts.network?.queryMs ?? CONNECT_TIMEOUT_MS
  let lost = false
  let closing: Promise<void> | undefined
  try {
    const mariadb = s.version.startsWith('MariaDB')
    const versionNumber = /\d+(\.\d+)*/.exec(s.version)?.[0] ?? '0'
    // MariaDB counts max_statement_time in seconds; MySQL's MAX_EXECUTION_TIME is milliseconds (SELECT only,
    // which is all a rule may be).
    const timeoutSetting = (ms: number) =>
      mariadb ? `max_statement_time = ${(ms / 1000).toFixed(3)}` : `MAX_EXECUTION_TIME = ${Math.round(ms)}`
    const settings: Record<string, string> = {
      [mariadb ? 'max_statement_time' : 'max_execution_time']: mariadb
        ? `${opts.timeoutMs / 1000} s`
        : `${opts.timeoutMs} ms`,
      lock_wait_timeout: `${LOCK_WAIT_S} s`,
      innodb_lock_wait_timeout: `${LOCK_WAIT_S} s`,
      session_transactions: 'READ ONLY',
      transaction: 'START TRANSACTION READ ONLY',
    }
    await s.query(`SET SESSION ${timeoutSetting(opts.timeoutMs)}`)
    await s.query(`SET SESSION lock_wait_timeout = ${LOCK_WAIT_S}, innodb_lock_wait_timeout = ${LOCK_WAIT_S}`)
    await s.query('SET SESSION TRANSACTION READ ONLY')
    await s.query('START TRANSACTION READ ONLY')
    let currentTimeout = opts.timeoutMs
    return {
      flavour: mariadb ? 'mariadb' : 'mysql',
      version: s.version,
      versionNumber,
      settings,
      async query(sql, timeoutMs) {
        if (lost)
          throw new QueryError('lost', 'The connection to the server was lost', 'PROTOCOL_CONNECTION_LOST')
        try {
          if (timeoutMs !== currentTimeout) {
            await s.query(`SET SESSION ${timeoutSetting(timeoutMs)}`)
            currentTimeout = timeoutMs
          }
          const rows = await s.query(sql, { waitMs: timeoutMs + grace })
          // SHOW and SELECT give row arrays; anything else (never a rule's query) is not rows.
          return Array.isArray(rows) ? rows : []
        } catch (err) {
          const f = failure(err, timeoutMs)
          if (f.kind === 'lost') lost = true
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

/** MariaDB-only error numbers that mysql2 has no name for. */
const MARIADB_ERRNO: Record<number, string> = { 1969: 'ER_STATEMENT_TIMEOUT' }

function failure(err: unknown, timeoutMs: number): QueryError {
  const e = err as Error & { code?: string; errno?: number; sqlMessage?: string }
  const code = (e.errno !== undefined && MARIADB_ERRNO[e.errno]) || e.code || ''
  const kind = FAILURES[code] ?? (e.message?.includes('closed state') ? 'lost' : 'other')
  const message =
    kind === 'timeout' && code !== 'ER_LOCK_WAIT_TIMEOUT'
      ? `The query ran longer than the ${timeoutMs / 1000} s statement timeout and was interrupted`
      : (e.sqlMessage ?? e.message ?? String(err)).split('\n')[0]!
  return new QueryError(kind, message, code)
}

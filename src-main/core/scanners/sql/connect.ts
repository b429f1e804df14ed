// Opening PostgreSQL and MySQL/MariaDB connections the way every SQL check will: the target's TLS mode
// mapped exactly (libpq's sslmode semantics), timeouts on everything, and errors a person can act on.
import { readFile } from 'node:fs/promises'
import net from 'node:net'
import type { ConnectionOptions as TlsOptions } from 'node:tls'
import type pg from 'pg'
import type mysql from 'mysql2/promise'
import type { Target } from '../../../../src-preload/contract'
import { TLS_LABELS, type TLS_MODES } from '../fields'

/** A PostgreSQL or MySQL/MariaDB target with the fields its kind (scanners/postgres, scanners/mysql) declares. */
export type SqlTarget = Target & {
  kind: 'postgres' | 'mysql'
  host: string
  port: number
  user: string
  database: string
  tls: (typeof TLS_MODES)[number]
  caFile: string
  /** Let a password travel in clear when TLS is off (the person opted in); absent on targets stored before. */
  allowCleartextPassword?: boolean
  credentialId: string | null
}
export interface SqlSecret {
  password?: string
  cert?: string
  key?: string
  passphrase?: string
}

export const CONNECT_TIMEOUT_MS = 10_000

/** How long the client waits, whatever the server was told: a peer that stalls cannot hold a scan forever. */
export interface SqlTimeouts {
  /** TCP connect, TLS and login; default CONNECT_TIMEOUT_MS. */
  connectMs?: number
  /**
   * The client's own wait for any one answer, beyond the server-side statement timeout (which a stalled
   * network never delivers); default CONNECT_TIMEOUT_MS.
   */
  queryMs?: number
}

/** The client gave up waiting for an answer: the connection is unusable (half a reply may be in flight). */
export const STALLED = 'DW_STALLED'

export class ConnectError extends Error {
  constructor(
    readonly step: 'tls' | 'connect' | 'auth' | 'query',
    message: string,
  ) {
    super(message)
  }
}

async function tlsOptions(t: SqlTarget, secret: SqlSecret): Promise<TlsOptions | false> {
  if (t.tls === 'disable') return false
  const client =
    secret.cert && secret.key
      ? { cert: secret.cert, key: secret.key, passphrase: secret.passphrase || undefined }
      : {}
  // Security switch, on purpose: sslmode=require encrypts without checking who answers, exactly as libpq and
  // the MySQL client do; the person chose it by name ("Required (no certificate check)") over verify-ca /
  // verify-full, which the form offers beside it. SECURITY.md (10) says what it does not defend.
  if (t.tls === 'require') return { ...client, rejectUnauthorized: false }
  if (!t.caFile)
    throw new ConnectError(
      'tls',
      `TLS "${TLS_LABELS[t.tls]}" needs a CA certificate file: name it in the form`,
    )
  let ca: string
  try {
    ca = await readFile(t.caFile, 'utf8')
  } catch (err) {
    throw new ConnectError(
      'tls',
      `Cannot read the CA file ${t.caFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    )
  }
  const base = { ...client, ca, rejectUnauthorized: true, servername: t.host }
  // verify-ca checks the chain but not the name, as libpq does.
  return t.tls === 'verify-ca' ? { ...base, checkServerIdentity: () => undefined } : base
}

/** The peer's first bytes were not the protocol's greeting. */
const NOT_SPOKEN = 'DW_NOT_SPOKEN'

/** The product a target's kind speaks, as errors name it. */
const PROTOCOL = { postgres: 'PostgreSQL', mysql: 'MySQL/MariaDB' } as const

/** The sentence for a server asking for a password this target has none to give. */
export const noCredential = (t: SqlTarget) =>
  new ConnectError(
    'auth',
    `No credential chosen for this target: the server asked user ${t.user} for a password. ` +
      'Choose the credential in the target form',
  )

/**
 * Driver errors that mean the peer accepted TCP but does not speak the protocol (an SSH or web server on that
 * port): the connection was reset or closed before any answer, or the first bytes made no sense.
 */
const NOT_THE_PROTOCOL =
  /Connection terminated unexpectedly|unexpected (end|message)|Received unexpected|Packets out of order|malformed packet|PROTOCOL_|Unknown message code|Connection lost: The server closed the connection|ER_HANDSHAKE/i

/** Turns driver and socket errors into one sentence naming the cause and where to look. */
export function explain(
  t: SqlTarget,
  err: unknown,
  connectMs = CONNECT_TIMEOUT_MS,
  stage: 'connect' | 'session' = 'session',
): ConnectError {
  if (err instanceof ConnectError) return err
  const e = err as NodeJS.ErrnoException & { code?: string; errno?: number; sqlMessage?: string }
  const at = `${t.host}:${t.port}`
  const notSpoken = () =>
    new ConnectError(
      'connect',
      `The server at ${at} did not answer as ${PROTOCOL[t.kind]} (is this the right port?)`,
    )
  if (e.code === NOT_SPOKEN) return notSpoken()
  if (
    stage === 'connect' &&
    (e.code === 'ECONNRESET' || NOT_THE_PROTOCOL.test(`${e.code ?? ''} ${e.message ?? ''}`))
  )
    return notSpoken()
  switch (e.code) {
    case 'ECONNREFUSED':
      return new ConnectError('connect', `Nothing is listening on ${at} (connection refused)`)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConnectError('connect', `The host name ${t.host} does not resolve`)
    case 'ETIMEDOUT':
    case 'ECONNRESET':
      return new ConnectError('connect', `The connection to ${at} was cut or timed out (${e.code})`)
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return new ConnectError(
        'tls',
        `The server's certificate is not signed by the CA in ${t.caFile || 'the system store'}`,
      )
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return new ConnectError(
        'tls',
        `The server's certificate does not name ${t.host} (verify-full checks the host name)`,
      )
    case 'CERT_HAS_EXPIRED':
      return new ConnectError('tls', `The server's certificate has expired`)
    case '28P01':
    case 'ER_ACCESS_DENIED_ERROR':
      if (!t.credentialId) return noCredential(t)
      return new ConnectError(
        'auth',
        `The server refused user ${t.user}: wrong password, or the account may not sign in from here`,
      )
    case '28000':
      return new ConnectError(
        'auth',
        `The server's access rules refused this connection: ${firstLine(e.message)}`,
      )
    case '3D000':
    case 'ER_BAD_DB_ERROR':
      return new ConnectError('auth', `The database ${t.database} does not exist on ${at}`)
  }
  // mysql2 reports TLS verification failures by message only.
  if (
    /self[- ]signed certificate|unable to verify the first certificate|unable to get local issuer/i.test(
      e.message ?? '',
    )
  )
    return explain(t, Object.assign(new Error(e.message), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), connectMs)
  if (/Hostname\/IP does not match/i.test(e.message ?? ''))
    return explain(
      t,
      Object.assign(new Error(e.message), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }),
      connectMs,
    )
  if (/timeout/i.test(e.message ?? ''))
    return new ConnectError('connect', `No answer from ${at} within ${connectMs / 1000} s`)
  if (/does not support SSL|server does not support secure/i.test(e.message ?? ''))
    return new ConnectError(
      'tls',
      `The server at ${at} does not offer TLS. Turn TLS on at the server, or set TLS to "${TLS_LABELS.disable}" ` +
        'in the target form if a connection in clear is acceptable',
    )
  if (/no pg_hba.conf entry/i.test(e.message ?? '')) return new ConnectError('auth', firstLine(e.message))
  return new ConnectError(
    'connect',
    `Could not connect to ${at}: ${firstLine(e.sqlMessage ?? e.message ?? String(err))}`,
  )
}

const firstLine = (s: string) => s.split('\n')[0]?.slice(0, 300) ?? ''

export interface SqlSession {
  version: string
  /**
   * `single`: the text must be exactly one statement (PostgreSQL's extended protocol refuses several;
   * mysql2 never sends several, multipleStatements being off).
   */
  query(sql: string, opts?: { single?: boolean; waitMs?: number }): Promise<Record<string, unknown>[]>
  close(): Promise<void>
  /** Drops the connection at once, even mid-query (cancel); the server ends the session when it notices. */
  destroy(): void
}

export async function openSql(
  t: SqlTarget,
  secret: SqlSecret,
  timeouts: SqlTimeouts = {},
): Promise<SqlSession> {
  const ssl = await tlsOptions(t, secret)
  const connectMs = timeouts.connectMs ?? CONNECT_TIMEOUT_MS
  const queryMs = timeouts.queryMs ?? CONNECT_TIMEOUT_MS
  const at = `${t.host}:${t.port}`
  const stalled = (ms: number) =>
    Object.assign(new Error(`${at} stopped answering: no reply within ${ms / 1000} s`), { code: STALLED })
  // A cleartext login hands the password to whoever answers: without TLS anyone on the path, and under TLS
  // mode "require" (no certificate check) a machine in the middle that presents its own certificate. Only a
  // checked certificate (verify-ca / verify-full) says who receives it.
  const verifiedTls = ssl !== false && t.tls !== 'require'
  const refuseCleartext = !verifiedTls && !t.allowCleartextPassword
  const cleartextRefused = () =>
    new ConnectError(
      'auth',
      `The server at ${at} asked for the password in clear text ` +
        (ssl ? 'over TLS whose certificate was not checked' : 'without TLS') +
        '; it was not sent. Use TLS mode "Verify the CA" or "Verify the CA and host name", have the server ' +
        'use scram-sha-256, or allow cleartext passwords for this target',
    )
  try {
    if (t.kind === 'postgres') {
      let askedCleartext = false
      const password = secret.password ?? ''
      // Loaded on first connect: a command that opens no database connection never pays for the driver.
      const { default: PgDriver } = await import('pg')
      const client = new PgDriver.Client({
        host: t.host,
        port: t.port,
        user: t.user,
        // pg asks for the password only once the server has said how it wants it: the listener below has
        // recorded the request type by then, so a cleartext request is refused before anything is sent.
        password: () => {
          if (askedCleartext && refuseCleartext) throw cleartextRefused()
          if (!t.credentialId && !secret.password) throw noCredential(t)
          return password
        },
        database: t.database || 'postgres',
        ssl,
        connectionTimeoutMillis: connectMs,
        statement_timeout: connectMs,
        // Client side: the server's statement_timeout cannot reach us over a stalled network.
        query_timeout: queryMs,
        application_name: 'driftwatch',
      })
      client.on('error', () => undefined)
      // Added before connect() attaches pg's own listeners, so it runs first.
      ;(client as unknown as { connection: NodeJS.EventEmitter }).connection.on(
        'authenticationCleartextPassword',
        () => (askedCleartext = true),
      )
      // pg keeps the socket after a client-side timeout or end() (which waits for the peer); destroying it
      // is what frees a stalled connection.
      const drop = () =>
        (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy()
      let dropped = false
      const run = async (q: string | pg.QueryConfig, waitMs = queryMs) => {
        try {
          const config: pg.QueryConfig = typeof q === 'string' ? { text: q } : q
          return await client.query({ ...config, query_timeout: waitMs } as pg.QueryConfig)
        } catch (err) {
          if (/Query read timeout/i.test((err as Error).message ?? '')) {
            dropped = true
            drop()
            throw stalled(waitMs)
          }
          throw err
        }
      }
      await client.connect()
      const version = String((await run('SHOW server_version')).rows[0]?.server_version ?? '')
      return {
        version: `PostgreSQL ${version}`,
        query: async (sql, opts) =>
          (
            await run(
              opts?.single ? ({ text: sql, queryMode: 'extended' } as pg.QueryConfig) : sql,
              opts?.waitMs,
            )
          ).rows as Record<string, unknown>[],
        close: async () => {
          if (dropped) return
          // A peer that never acknowledges the goodbye must not hold the caller.
          const timer = setTimeout(drop, queryMs)
          try {
            await client.end()
          } finally {
            clearTimeout(timer)
          }
        },
        // pg's end() does not wait for a running query.
        destroy: () => {
          void client.end().catch(() => undefined)
          drop()
        },
      }
    }
    // The server speaks first: a MySQL greeting is a packet numbered 0 holding protocol 10 (or an error
    // packet). Anything else (an SSH banner, say) is told at once, rather than as a timeout while the driver
    // waits for the megabytes a misread length promises.
    let foreign = false
    const stream = () => {
      const sock = net.connect(t.port, t.host)
      sock.setNoDelay(true)
      sock.once('data', (b: Buffer) => {
        if (b.length >= 5 && b[3] === 0 && (b[4] === 0x0a || b[4] === 0xff)) return
        foreign = true
        sock.destroy(Object.assign(new Error('not a MySQL greeting'), { code: NOT_SPOKEN }))
      })
      return sock
    }
    const { default: mysqlDriver } = await import('mysql2/promise')
    const conn = await mysqlDriver
      .createConnection({
        host: t.host,
        port: t.port,
        stream,
        user: t.user,
        password: secret.password ?? '',
        database: t.database || undefined,
        ssl: (ssl || undefined) as mysql.SslOptions | undefined,
        connectTimeout: connectMs,
        // mysql_clear_password sends the password as it is: only inside verified TLS, or when the target opts in.
        enableCleartextPlugin: !refuseCleartext,
      })
      .catch((err: unknown) => {
        throw foreign ? Object.assign(new Error('not a MySQL greeting'), { code: NOT_SPOKEN }) : err
      })
    conn.on('error', () => undefined)
    let dropped = false
    const run = async (sql: string, waitMs = queryMs) => {
      try {
        // mysql2's per-query timeout is the client's own wait; it also closes the connection.
        return (await conn.query({ sql, timeout: waitMs }))[0]
      } catch (err) {
        if ((err as { code?: string }).code === 'PROTOCOL_SEQUENCE_TIMEOUT') {
          dropped = true
          conn.destroy()
          throw stalled(waitMs)
        }
        throw err
      }
    }
    const rows = await run('SELECT VERSION() AS v')
    const v = String((rows as { v: string }[])[0]?.v ?? '')
    return {
      version: /mariadb/i.test(v) ? `MariaDB ${v.replace(/-MariaDB.*/i, '')}` : `MySQL ${v}`,
      query: async (sql, opts) => (await run(sql, opts?.waitMs)) as Record<string, unknown>[],
      close: async () => {
        if (dropped) return
        const timer = setTimeout(() => conn.destroy(), queryMs)
        try {
          await conn.end()
        } finally {
          clearTimeout(timer)
        }
      },
      // mysql2's end() would wait for the running query; destroy() closes the socket now.
      destroy: () => conn.destroy(),
    }
  } catch (err) {
    if ((err as { code?: string }).code === STALLED) throw new ConnectError('connect', (err as Error).message)
    if ((err as { code?: string }).code === NOT_SPOKEN) throw explain(t, err, connectMs, 'connect')
    if ((err as { code?: string }).code === 'MYSQL_CLEAR_PASSWORD_NOT_ENABLED') throw cleartextRefused()
    throw explain(t, err, connectMs, 'connect')
  }
}

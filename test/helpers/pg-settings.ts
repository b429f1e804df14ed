// Changes a running PostgreSQL's configuration as its superuser would: ALTER SYSTEM SET, then pg_reload_conf(),
// over TLS with the server's CA when it has one (a hardened server refuses plain connections).
import { readFileSync } from 'node:fs'
import pg from 'pg'
import type { PgService } from '../services/lib'

const NAME = /^[a-z_][a-z0-9_.]*$/
const VALUE = /^(?:[A-Za-z0-9_.-]+|'[^'\\]*')$/

/** `ALTER SYSTEM SET <name> = <value>; SELECT pg_reload_conf()` on `svc`. */
export async function alterSystem(svc: PgService, name: string, value: string): Promise<void> {
  if (!NAME.test(name)) throw new Error(`not a PostgreSQL setting name: ${name}`)
  if (!VALUE.test(value)) throw new Error(`not a plain or single-quoted setting value: ${value}`)
  const c = new pg.Client({
    host: svc.host,
    port: svc.port,
    user: svc.user,
    password: svc.password,
    database: svc.database,
    ssl: svc.caCertPath ? { ca: readFileSync(svc.caCertPath, 'utf8') } : false,
  })
  await c.connect()
  try {
    await c.query(`ALTER SYSTEM SET ${name} = ${value}`)
    await c.query('SELECT pg_reload_conf()')
  } finally {
    await c.end()
  }
}

/** The setting the drift tests flip: pg-log-connections passes with `on` and fails with `off`. */
export const setLogConnections = (svc: PgService, v: 'on' | 'off') => alterSystem(svc, 'log_connections', v)

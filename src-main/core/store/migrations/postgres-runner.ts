// Brings a PostgreSQL store up to date: the baseline on an empty database, then each later migration's
// PostgreSQL body, each in its own transaction. Every watcher and person opening the store may run this at
// once: an advisory lock makes one of them migrate while the others wait and then find nothing to do.
import { sql as raw } from 'kysely'
import type { Sql } from '../sql/engine'
import { migrations } from './list'
import type { Migration } from './migration'
import { POSTGRES_BASELINE, POSTGRES_BASELINE_VERSION, POSTGRES_SCHEMA_TABLE } from './postgres-baseline'

const LOCK = 'driftwatch-schema'

export function postgresSchemaVersion(sql: Sql): number {
  const table = sql.get(
    raw<{ t: string | null }>`SELECT to_regclass(${POSTGRES_SCHEMA_TABLE})::text AS t`.compile(sql.q),
  )
  if (!table?.t) return 0
  const row = sql.get(
    raw<{ version: number }>`SELECT version FROM ${raw.table(POSTGRES_SCHEMA_TABLE)}`.compile(sql.q),
  )
  return row?.version ?? 0
}

export function migratePostgres(sql: Sql, list: readonly Migration[] = migrations): void {
  const latest = list.at(-1)?.version ?? 0
  sql.transaction(() => {
    sql.lock(LOCK)
    const current = postgresSchemaVersion(sql)
    if (current > latest)
      throw new Error(
        `This store was written by a newer Driftwatch (schema ${current}; this version knows ${latest}). ` +
          'Update Driftwatch to open it.',
      )
    if (current === 0) {
      const tables = sql.get(
        raw<{ n: number }>`SELECT count(*) AS n FROM pg_tables WHERE schemaname = current_schema()`.compile(
          sql.q,
        ),
      )
      if (tables && tables.n > 0)
        throw new Error(
          'This PostgreSQL database already holds tables that are not a Driftwatch store. ' +
            'Give Driftwatch a database of its own (CREATE DATABASE driftwatch).',
        )
      sql.exec(POSTGRES_BASELINE)
    }
    for (const m of list.filter((m) => m.version > Math.max(current, POSTGRES_BASELINE_VERSION))) {
      if (!m.postgres)
        throw new Error(
          `Schema migration ${m.version} ("${m.name}") has no PostgreSQL body; it cannot run here`,
        )
      sql.transaction(() => {
        m.postgres!(sql)
        sql.exec(`UPDATE ${POSTGRES_SCHEMA_TABLE} SET version = ${m.version}`)
      })
    }
  })
}

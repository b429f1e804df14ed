// The list of tables `driftwatch migrate-store` copies, held to the store's schema at the latest version: every
// table is in it (one added by a migration cannot be forgotten), with its primary key, after every table it
// references, and with the AUTOINCREMENT ids whose PostgreSQL sequences must be moved on.
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../../src-main/core/store/db'
import { STORE_TABLES } from '../../../src-main/core/store/copy-tables'

const db = openDatabase(':memory:')
afterAll(() => db.close())

const tables = (
  db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
    .all() as { name: string; sql: string }[]
).sort((a, b) => a.name.localeCompare(b.name))

describe('the tables migrate-store copies', () => {
  it('are every table of the schema, each once', () => {
    expect(STORE_TABLES.map((t) => t.name).sort()).toEqual(tables.map((t) => t.name))
  })

  it.each(tables.map((t) => [t.name, t.sql] as const))('%s: its primary key, in order', (name) => {
    const cols = db.prepare('SELECT name, pk FROM pragma_table_info(?)').all(name) as {
      name: string
      pk: number
    }[]
    const key = cols
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name)
    expect(STORE_TABLES.find((t) => t.name === name)?.key).toEqual(key)
  })

  it.each(tables.map((t) => [t.name, t.sql] as const))(
    '%s: comes after every table it references',
    (name) => {
      const at = STORE_TABLES.findIndex((t) => t.name === name)
      const refs = db.prepare('SELECT DISTINCT "table" AS t FROM pragma_foreign_key_list(?)').all(name) as {
        t: string
      }[]
      for (const { t } of refs)
        expect(
          STORE_TABLES.findIndex((x) => x.name === t),
          `${name} → ${t}`,
        ).toBeLessThan(at)
    },
  )

  it('a new store holds rows only in the tables marked as created with it', () => {
    const held = tables
      .filter((t) => (db.prepare(`SELECT count(*) AS n FROM ${t.name}`).get() as { n: number }).n > 0)
      .map((t) => t.name)
    expect(held).toEqual(STORE_TABLES.filter((t) => t.createdWithStore).map((t) => t.name))
  })

  it.each(tables.map((t) => [t.name, t.sql] as const))('%s: an AUTOINCREMENT id is marked', (name, sql) => {
    const identity = /(\w+)\s+INTEGER\s+PRIMARY\s+KEY\s+AUTOINCREMENT/i.exec(sql)?.[1]
    expect(STORE_TABLES.find((t) => t.name === name)?.identity).toBe(identity)
  })
})

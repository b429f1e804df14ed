// Opening a store on either engine: PostgreSQL gets the baseline once, refuses what it must not touch, and the
// repositories read the same over both.
import { describe, expect, it } from 'vitest'
import { sql as raw } from 'kysely'
import { openStore } from '../../src-main/core/store/open'
import { migratePostgres, postgresSchemaVersion } from '../../src-main/core/store/migrations/postgres-runner'
import { LATEST_VERSION, migrations } from '../../src-main/core/store/migrations'
import { RulePacksRepo } from '../../src-main/core/store/rule-packs'
import { TargetPacksRepo } from '../../src-main/core/store/target-packs'
import { ENGINES, freshPostgresUrl, migratedSql } from '../helpers/engines'

describe('a PostgreSQL store', () => {
  it('is created at the latest schema on an empty database, and opening it again changes nothing', async () => {
    const url = await freshPostgresUrl()
    const first = openStore(url)
    expect(postgresSchemaVersion(first)).toBe(LATEST_VERSION)
    first.close()
    const again = openStore(url)
    expect(postgresSchemaVersion(again)).toBe(LATEST_VERSION)
    again.close()
  })

  it('refuses a database that holds other tables, and leaves them alone', async () => {
    const url = await freshPostgresUrl()
    const other = openStore(url.replace(/^postgres:/, 'postgresql:'))
    other.exec('DROP TABLE driftwatch_schema')
    other.exec('CREATE TABLE invoices (id int)')
    expect(() => migratePostgres(other)).toThrow(/already holds tables that are not a Driftwatch store/)
    expect(other.get(raw<{ t: string }>`SELECT to_regclass('invoices')::text AS t`.compile(other.q))).toEqual(
      {
        t: 'invoices',
      },
    )
    other.close()
  })

  it('refuses a store written by a newer Driftwatch', async () => {
    const url = await freshPostgresUrl()
    const s = openStore(url)
    s.exec(`UPDATE driftwatch_schema SET version = ${LATEST_VERSION + 1}`)
    s.close()
    expect(() => openStore(url)).toThrow(/newer Driftwatch \(schema \d+; this version knows \d+\)/)
  })

  it('refuses a later migration that has no PostgreSQL body, and keeps the store as it was', async () => {
    const url = await freshPostgresUrl()
    const s = openStore(url)
    const next = { version: LATEST_VERSION + 1, name: 'sqlite only', up: () => undefined }
    expect(() => migratePostgres(s, [...migrations, next])).toThrow(/has no PostgreSQL body/)
    expect(postgresSchemaVersion(s)).toBe(LATEST_VERSION)
    s.close()
  })
})

describe.each(ENGINES)('repositories on %s', (engine) => {
  it('keep a rule pack and a target’s assignment the same way', async () => {
    const sql = await migratedSql(engine)
    const packs = new RulePacksRepo(sql)
    const pack = { id: 'acme', kind: 'postgres', title: 'Acme', rules: [] } as never
    packs.put(pack, '2026-12-01T00:00:00.000Z')
    packs.put({ ...(pack as object), title: 'Acme v2' } as never, '2026-12-02T00:00:00.000Z')
    expect(packs.list()).toEqual([
      {
        pack: { id: 'acme', kind: 'postgres', title: 'Acme v2', rules: [] },
        importedAt: '2026-12-01T00:00:00.000Z',
        updatedAt: '2026-12-02T00:00:00.000Z',
      },
    ])
    expect(packs.remove('acme')).toBe(true)
    expect(packs.remove('acme')).toBe(false)
    const assigned = new TargetPacksRepo(sql)
    expect(assigned.get('t1')).toBeUndefined()
  })
})

// Custom rule packs people imported (YAML or JSON), kept as the checked pack JSON; the built-in packs
// ship with the code and are never stored.
import type { Sql } from './sql/engine'
import type { RulePack } from '../rules/format'

export interface RulePackRow {
  pack: RulePack
  importedAt: string
  updatedAt: string
}

export class RulePacksRepo {
  constructor(private readonly sql: Sql) {}

  list(): RulePackRow[] {
    const { q } = this.sql
    const rows = this.sql.all(
      q.selectFrom('rule_packs').select(['pack', 'imported_at', 'updated_at']).orderBy('id'),
    )
    return rows.map((r) => ({
      pack: JSON.parse(r.pack) as RulePack,
      importedAt: r.imported_at,
      updatedAt: r.updated_at,
    }))
  }

  get(id: string): RulePackRow | undefined {
    return this.list().find((r) => r.pack.id === id)
  }

  /** Inserts, or replaces an existing pack of the same id keeping its import date. */
  put(pack: RulePack, at: string): void {
    const { q } = this.sql
    this.sql.run(
      q
        .insertInto('rule_packs')
        .values({
          id: pack.id,
          kind: pack.kind,
          title: pack.title,
          pack: JSON.stringify(pack),
          imported_at: at,
          updated_at: at,
        })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            kind: eb.ref('excluded.kind'),
            title: eb.ref('excluded.title'),
            pack: eb.ref('excluded.pack'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        ),
    )
  }

  remove(id: string): boolean {
    const { q } = this.sql
    return this.sql.run(q.deleteFrom('rule_packs').where('id', '=', id)).changes > 0
  }
}

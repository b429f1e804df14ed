// Custom rule packs people imported (YAML or JSON), kept as the checked pack JSON; the built-in packs
// ship with the code and are never stored.
import type { Db } from './db'
import type { RulePack } from '../rules/format'

export interface RulePackRow {
  pack: RulePack
  importedAt: string
  updatedAt: string
}

export class RulePacksRepo {
  constructor(private readonly db: Db) {}

  list(): RulePackRow[] {
    const rows = this.db
      .prepare('SELECT pack, imported_at, updated_at FROM rule_packs ORDER BY id')
      .all() as { pack: string; imported_at: string; updated_at: string }[]
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
    this.db
      .prepare(
        `INSERT INTO rule_packs (id, kind, title, pack, imported_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, title = excluded.title, pack = excluded.pack,
           updated_at = excluded.updated_at`,
      )
      .run(pack.id, pack.kind, pack.title, JSON.stringify(pack), at, at)
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM rule_packs WHERE id = ?').run(id).changes > 0
  }
}

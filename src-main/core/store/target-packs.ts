// The rule pack assigned to a target whose kind runs a chosen pack: its policy, used by every scan that names none.
import type { Sql } from './sql/engine'

export class TargetPacksRepo {
  constructor(private readonly sql: Sql) {}

  get(targetId: string): string | undefined {
    const { q } = this.sql
    return this.sql.get(q.selectFrom('target_packs').select('pack_id').where('target_id', '=', targetId))
      ?.pack_id
  }

  set(targetId: string, packId: string | null, at: string): void {
    const { q } = this.sql
    if (packId === null) this.sql.run(q.deleteFrom('target_packs').where('target_id', '=', targetId))
    else
      this.sql.run(
        q
          .insertInto('target_packs')
          .values({ target_id: targetId, pack_id: packId, assigned_at: at })
          .onConflict((oc) =>
            oc.column('target_id').doUpdateSet((eb) => ({
              pack_id: eb.ref('excluded.pack_id'),
              assigned_at: eb.ref('excluded.assigned_at'),
            })),
          ),
      )
  }
}

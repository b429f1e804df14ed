// The rule pack assigned to a target whose kind runs a chosen pack: its policy, used by every scan that names none.
import type { Db } from './db'

export class TargetPacksRepo {
  constructor(private readonly db: Db) {}

  get(targetId: string): string | undefined {
    const r = this.db.prepare('SELECT pack_id FROM target_packs WHERE target_id = ?').get(targetId) as
      { pack_id: string } | undefined
    return r?.pack_id
  }

  set(targetId: string, packId: string | null, at: string): void {
    if (packId === null) this.db.prepare('DELETE FROM target_packs WHERE target_id = ?').run(targetId)
    else
      this.db
        .prepare(
          `INSERT INTO target_packs (target_id, pack_id, assigned_at) VALUES (?, ?, ?)
           ON CONFLICT (target_id) DO UPDATE SET pack_id = excluded.pack_id, assigned_at = excluded.assigned_at`,
        )
        .run(targetId, packId, at)
  }
}

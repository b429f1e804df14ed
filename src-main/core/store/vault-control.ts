// The vault state every process on one store shares: the lock generation and the processes holding the vault
// (see vault/control.ts for what they mean). Its failure columns are unused since schema 20: each member counts
// its own (store/vault-members.ts).
import type { Sql } from './sql/engine'

export type ControlRow = { lock_generation: number; failures: number; next_attempt_at: string | null }

export interface ProcessRow {
  id: string
  pid: number
  face: string
  unlocked: number
  seen_generation: number
}

export class VaultControlRepo {
  constructor(private readonly sql: Sql) {}

  row(): ControlRow {
    const { q } = this.sql
    const r = this.sql.get(
      q
        .selectFrom('vault_control')
        .select(['lock_generation', 'failures', 'next_attempt_at'])
        .where('id', '=', 1),
    )
    // The row is created by the migration; a store restored without it starts over rather than failing.
    if (r) return r
    this.sql.run(
      q
        .insertInto('vault_control')
        .values({ id: 1 })
        .onConflict((oc) => oc.doNothing()),
    )
    return { lock_generation: 0, failures: 0, next_attempt_at: null }
  }

  bumpGeneration(): void {
    const { q } = this.sql
    this.sql.run(
      q
        .updateTable('vault_control')
        .set((eb) => ({ lock_generation: eb('lock_generation', '+', 1) }))
        .where('id', '=', 1),
    )
  }

  upsertProcess(p: {
    id: string
    pid: number
    face: string
    started: string
    unlocked: number
    generation: number
    at: string
  }): void {
    const { q } = this.sql
    this.sql.run(
      q
        .insertInto('vault_processes')
        .values({
          id: p.id,
          pid: p.pid,
          face: p.face,
          started_at: p.started,
          unlocked: p.unlocked,
          seen_generation: p.generation,
          updated_at: p.at,
        })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            unlocked: eb.ref('excluded.unlocked'),
            seen_generation: eb.ref('excluded.seen_generation'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        ),
    )
  }

  deleteProcess(id: string): void {
    const { q } = this.sql
    this.sql.run(q.deleteFrom('vault_processes').where('id', '=', id))
  }

  processesOtherThan(id: string): ProcessRow[] {
    const { q } = this.sql
    return this.sql.all(
      q
        .selectFrom('vault_processes')
        .select(['id', 'pid', 'face', 'unlocked', 'seen_generation'])
        .where('id', '!=', id),
    )
  }
}

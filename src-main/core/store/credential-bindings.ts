// The addresses each credential may be handed out for (see vault/bindings.ts for the rule they enforce).
import type { Sql } from './sql/engine'

export type BindingHow = 'existing' | 'first-use' | 'confirmed'

export class CredentialBindingsRepo {
  constructor(private readonly sql: Sql) {}

  addresses(credentialId: string): string[] {
    const { q } = this.sql
    return this.sql
      .all(
        q
          .selectFrom('credential_bindings')
          .select('address')
          .where('credential_id', '=', credentialId)
          .orderBy('bound_at')
          .orderBy('address'),
      )
      .map((r) => r.address)
  }

  /** Adds an address; false when it was bound already. */
  add(credentialId: string, address: string, how: BindingHow, at: string): boolean {
    const { q } = this.sql
    const { changes } = this.sql.run(
      q
        .insertInto('credential_bindings')
        .values({ credential_id: credentialId, address, bound_at: at, how })
        .onConflict((oc) => oc.doNothing()),
    )
    return changes > 0
  }

  /**
   * Runs `fn` in one transaction that holds the bindings' lock, so two processes racing on a first use cannot
   * both bind (each reads the bindings only after the other's transaction ended).
   */
  atomically<T>(fn: () => T): T {
    return this.sql.transaction(() => {
      this.sql.lock('credential_bindings')
      return fn()
    })
  }
}

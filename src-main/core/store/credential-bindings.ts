// The addresses each credential may be handed out for (see vault/bindings.ts for the rule they enforce).
import type { Db } from './db'

export type BindingHow = 'existing' | 'first-use' | 'confirmed'

export class CredentialBindingsRepo {
  constructor(private readonly db: Db) {}

  addresses(credentialId: string): string[] {
    return (
      this.db
        .prepare('SELECT address FROM credential_bindings WHERE credential_id = ? ORDER BY bound_at, address')
        .all(credentialId) as { address: string }[]
    ).map((r) => r.address)
  }

  /** Adds an address; false when it was bound already. */
  add(credentialId: string, address: string, how: BindingHow, at: string): boolean {
    const { changes } = this.db
      .prepare(
        `INSERT OR IGNORE INTO credential_bindings (credential_id, address, bound_at, how) VALUES (?, ?, ?, ?)`,
      )
      .run(credentialId, address, at, how)
    return changes > 0
  }

  /** Runs `fn` in one transaction, so two processes racing on a first use cannot both bind. */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }
}

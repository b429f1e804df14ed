// The report signing keys' rows: the public half readable, the private half only as the vault sealed it.
import type { Sql } from './sql/engine'

export class SigningKeysRepo {
  constructor(private readonly sql: Sql) {}

  /** The newest key. */
  current(): { id: string; public_key: string } | undefined {
    const { q } = this.sql
    return this.sql.get(
      q
        .selectFrom('signing_keys')
        .select(['id', 'public_key'])
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(1),
    )
  }

  sealedPrivate(id: string): Buffer {
    const { q } = this.sql
    const row = this.sql.get(q.selectFrom('signing_keys').select('sealed_private').where('id', '=', id))
    if (!row) throw new Error(`No report signing key ${id} in the store`)
    return row.sealed_private
  }

  add(id: string, publicKeyPem: string, sealedPrivate: Buffer, at: string): void {
    const { q } = this.sql
    this.sql.run(
      q.insertInto('signing_keys').values({
        id,
        algorithm: 'ed25519',
        public_key: publicKeyPem,
        sealed_private: sealedPrivate,
        created_at: at,
      }),
    )
  }
}

// The report signing keys' rows: the public half readable, the private half only as the vault sealed it.
import type { Db } from './db'

export class SigningKeysRepo {
  constructor(private readonly db: Db) {}

  /** The newest key. */
  current(): { id: string; public_key: string } | undefined {
    return this.db
      .prepare('SELECT id, public_key FROM signing_keys ORDER BY created_at DESC, id LIMIT 1')
      .get() as { id: string; public_key: string } | undefined
  }

  sealedPrivate(id: string): Buffer {
    const row = this.db.prepare('SELECT sealed_private FROM signing_keys WHERE id = ?').get(id) as {
      sealed_private: Buffer
    }
    return row.sealed_private
  }

  add(id: string, publicKeyPem: string, sealedPrivate: Buffer, at: string): void {
    this.db
      .prepare(
        `INSERT INTO signing_keys (id, algorithm, public_key, sealed_private, created_at) VALUES (?, 'ed25519', ?, ?, ?)`,
      )
      .run(id, publicKeyPem, sealedPrivate, at)
  }
}

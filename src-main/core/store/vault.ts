// The vault's rows: its record (header, wrapped data key, device key, auto-lock) and the credentials, which hold
// only ciphertext. Every statement the vault runs is here; what they mean (keys, sealing) stays in vault/.
import type { Db } from './db'
import type { CredentialKind } from '../../../src-preload/contract'

export type VaultRow = {
  header: string
  checksum: string
  wrapped_key: Buffer
  key_check: Buffer
  remembered_key: Buffer | null
  auto_lock_minutes: number
}

export type CredRow = {
  id: string
  kind: CredentialKind
  name: string
  meta: string
  ciphertext: Buffer
  created_at: string
  updated_at: string
  rotated_at: string | null
}

export class VaultRepo {
  constructor(private readonly db: Db) {}

  row(): VaultRow | undefined {
    return this.db.prepare('SELECT * FROM vault WHERE id = 1').get() as VaultRow | undefined
  }

  create(v: {
    header: string
    checksum: string
    wrappedKey: Buffer
    keyCheck: Buffer
    autoLockMinutes: number
    at: string
  }): void {
    this.db
      .prepare(
        `INSERT INTO vault (id, header, checksum, wrapped_key, key_check, auto_lock_minutes, created_at,
           updated_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(v.header, v.checksum, v.wrappedKey, v.keyCheck, v.autoLockMinutes, v.at, v.at)
  }

  rememberKey(blob: Buffer): void {
    this.db.prepare('UPDATE vault SET remembered_key = ? WHERE id = 1').run(blob)
  }

  /** Returns whether a remembered key was there to forget. */
  forgetKey(): boolean {
    const { changes } = this.db
      .prepare('UPDATE vault SET remembered_key = NULL WHERE id = 1 AND remembered_key IS NOT NULL')
      .run()
    return changes > 0
  }

  rewrap(header: string, checksum: string, wrappedKey: Buffer, at: string): void {
    this.db
      .prepare('UPDATE vault SET header = ?, checksum = ?, wrapped_key = ?, updated_at = ? WHERE id = 1')
      .run(header, checksum, wrappedKey, at)
  }

  setAutoLock(minutes: number, at: string): void {
    this.db.prepare('UPDATE vault SET auto_lock_minutes = ?, updated_at = ? WHERE id = 1').run(minutes, at)
  }

  credentialCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM credentials').get() as { n: number }).n
  }

  credentials(): CredRow[] {
    return this.db
      .prepare(
        `SELECT id, kind, name, meta, created_at, updated_at, rotated_at FROM credentials
         ORDER BY name COLLATE NOCASE`,
      )
      .all() as CredRow[]
  }

  credential(id: string): CredRow | undefined {
    return this.db.prepare('SELECT * FROM credentials WHERE id = ?').get(id) as CredRow | undefined
  }

  nameTaken(name: string): boolean {
    return Boolean(this.db.prepare('SELECT 1 FROM credentials WHERE name = ? COLLATE NOCASE').get(name))
  }

  addCredential(c: {
    id: string
    kind: CredentialKind
    name: string
    meta: string
    ciphertext: Buffer
    at: string
  }): void {
    this.db
      .prepare(
        `INSERT INTO credentials (id, kind, name, meta, ciphertext, created_at, updated_at, rotated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, NULL)`,
      )
      .run(c.id, c.kind, c.name, c.meta, c.ciphertext, c.at, c.at)
  }

  /** Renames and re-describes a credential, and with `ciphertext` rotates its secret, in one transaction. */
  updateCredential(id: string, c: { name: string; meta: string; ciphertext?: Buffer; at: string }): void {
    this.db.transaction(() => {
      if (c.ciphertext)
        this.db
          .prepare('UPDATE credentials SET ciphertext = ?, rotated_at = ? WHERE id = ?')
          .run(c.ciphertext, c.at, id)
      this.db
        .prepare('UPDATE credentials SET name = ?, meta = ?, updated_at = ? WHERE id = ?')
        .run(c.name, c.meta, c.at, id)
    })()
  }

  removeCredential(id: string): void {
    this.db.prepare('DELETE FROM credentials WHERE id = ?').run(id)
  }
}

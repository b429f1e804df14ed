// The vault's rows: its record (key check, device key, auto-lock) and the credentials, which hold
// only ciphertext. Every statement the vault runs is here; what they mean (keys, sealing) stays in vault/.
import type { Sql } from './sql/engine'
import { foldCase, lowerOf } from './sql/nocase'
import type { CredentialKind } from '../../../src-preload/contract'

import type { NewMember } from './vault-members'

/** The vault's own record: no wrap of its data key (each member holds one, in vault_members). */
export type VaultRow = {
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

/** A credential as lists show it: everything but its ciphertext. */
export type CredMetaRow = Omit<CredRow, 'ciphertext'>

export class VaultRepo {
  constructor(private readonly sql: Sql) {}

  row(): VaultRow | undefined {
    const { q } = this.sql
    return this.sql.get(
      q.selectFrom('vault').select(['key_check', 'remembered_key', 'auto_lock_minutes']).where('id', '=', 1),
    )
  }

  /** The vault's record and its first member's wrap of the data key, together or not at all. */
  create(v: { keyCheck: Buffer; autoLockMinutes: number; at: string; member: NewMember }): void {
    const { q } = this.sql
    this.sql.transaction(() => {
      this.sql.run(
        q.insertInto('vault').values({
          id: 1,
          key_check: v.keyCheck,
          auto_lock_minutes: v.autoLockMinutes,
          created_at: v.at,
          updated_at: v.at,
        }),
      )
      this.sql.run(q.insertInto('vault_members').values({ ...v.member, bound: 1 }))
    })
  }

  rememberKey(blob: Buffer): void {
    const { q } = this.sql
    this.sql.run(q.updateTable('vault').set({ remembered_key: blob }).where('id', '=', 1))
  }

  /** Returns whether a remembered key was there to forget. */
  forgetKey(): boolean {
    const { q } = this.sql
    const { changes } = this.sql.run(
      q
        .updateTable('vault')
        .set({ remembered_key: null })
        .where('id', '=', 1)
        .where('remembered_key', 'is not', null),
    )
    return changes > 0
  }

  setAutoLock(minutes: number, at: string): void {
    const { q } = this.sql
    this.sql.run(
      q.updateTable('vault').set({ auto_lock_minutes: minutes, updated_at: at }).where('id', '=', 1),
    )
  }

  credentialCount(): number {
    const { q } = this.sql
    return this.sql.get(q.selectFrom('credentials').select(({ fn }) => fn.countAll<number>().as('n')))?.n ?? 0
  }

  /** Every credential without its ciphertext, by name without regard to case (names are unique that way). */
  credentials(): CredMetaRow[] {
    const { q } = this.sql
    return this.sql.all(
      q
        .selectFrom('credentials')
        .select(['id', 'kind', 'name', 'meta', 'created_at', 'updated_at', 'rotated_at'])
        .orderBy(({ ref }) => lowerOf(ref('name'))),
    ) as CredMetaRow[]
  }

  credential(id: string): CredRow | undefined {
    const { q } = this.sql
    return this.sql.get(q.selectFrom('credentials').selectAll().where('id', '=', id)) as CredRow | undefined
  }

  nameTaken(name: string): boolean {
    const { q } = this.sql
    return (
      this.sql.get(
        q
          .selectFrom('credentials')
          .select('id')
          .where(({ eb, ref }) => eb(lowerOf(ref('name')), '=', foldCase(name))),
      ) !== undefined
    )
  }

  addCredential(c: {
    id: string
    kind: CredentialKind
    name: string
    meta: string
    ciphertext: Buffer
    at: string
  }): void {
    const { q } = this.sql
    this.sql.run(
      q.insertInto('credentials').values({
        id: c.id,
        kind: c.kind,
        name: c.name,
        meta: c.meta,
        ciphertext: c.ciphertext,
        created_at: c.at,
        updated_at: c.at,
        rotated_at: null,
      }),
    )
  }

  /** Renames and re-describes a credential, and with `ciphertext` rotates its secret, in one transaction. */
  updateCredential(id: string, c: { name: string; meta: string; ciphertext?: Buffer; at: string }): void {
    const { q } = this.sql
    this.sql.transaction(() => {
      if (c.ciphertext)
        this.sql.run(
          q
            .updateTable('credentials')
            .set({ ciphertext: c.ciphertext, rotated_at: c.at })
            .where('id', '=', id),
        )
      this.sql.run(
        q
          .updateTable('credentials')
          .set({ name: c.name, meta: c.meta, updated_at: c.at })
          .where('id', '=', id),
      )
    })
  }

  removeCredential(id: string): void {
    const { q } = this.sql
    this.sql.run(q.deleteFrom('credentials').where('id', '=', id))
  }
}

// The vault's members: one row per person or worker, holding their own wrap of the vault's data key (its header
// with the key-derivation parameters and salt, a checksum, the wrapped key) and their own wrong-passphrase count.
// What the wraps mean stays in vault/members.ts; every statement on these rows is here.
import type { Sql } from './sql/engine'
import { foldCase, lowerOf } from './sql/nocase'

export type MemberSecretKind = 'passphrase' | 'key-file'

export type MemberRow = {
  id: string
  name: string
  secret_kind: MemberSecretKind
  header: string
  checksum: string
  wrapped_key: Buffer
  /** 0: the wrap from before members (schema 20), bound to the header only; rewrapped at its first unlock. */
  bound: number
  failures: number
  next_attempt_at: string | null
  added_at: string
  added_by: string
}

/** A member as lists show it: no wrap, no counters. */
export type MemberMetaRow = Pick<MemberRow, 'id' | 'name' | 'secret_kind' | 'added_at' | 'added_by'>

export type NewMember = Omit<MemberRow, 'failures' | 'next_attempt_at' | 'bound'>

export class VaultMembersRepo {
  constructor(private readonly sql: Sql) {}

  /** Names and kinds only (what a viewer may read too), by name without regard to case. */
  list(): MemberMetaRow[] {
    const { q } = this.sql
    return this.sql.all(
      q
        .selectFrom('vault_members')
        .select(['id', 'name', 'secret_kind', 'added_at', 'added_by'])
        .orderBy(({ ref }) => lowerOf(ref('name'))),
    ) as MemberMetaRow[]
  }

  byName(name: string): MemberRow | undefined {
    const { q } = this.sql
    return this.sql.get(
      q
        .selectFrom('vault_members')
        .selectAll()
        .where(({ eb, ref }) => eb(lowerOf(ref('name')), '=', foldCase(name))),
    ) as MemberRow | undefined
  }

  byId(id: string): MemberRow | undefined {
    const { q } = this.sql
    return this.sql.get(q.selectFrom('vault_members').selectAll().where('id', '=', id)) as
      MemberRow | undefined
  }

  /** `alongside` runs in the same transaction (the audit entry): if it fails, the member is not added. */
  insert(m: NewMember, alongside?: () => void): void {
    const { q } = this.sql
    this.sql.transaction(() => {
      this.sql.run(q.insertInto('vault_members').values({ ...m, bound: 1 }))
      alongside?.()
    })
  }

  /** A member's new wrap (a changed passphrase, or the first unlock of a wrap from before members). */
  rewrap(id: string, header: string, checksum: string, wrappedKey: Buffer): void {
    const { q } = this.sql
    this.sql.run(
      q
        .updateTable('vault_members')
        .set({ header, checksum, wrapped_key: wrappedKey, bound: 1 })
        .where('id', '=', id),
    )
  }

  /**
   * Deletes the member unless it is the last one, in one transaction holding the members' lock (two people
   * removing the last two members at once cannot leave none). Returns false when it was the last.
   */
  removeUnlessLast(id: string, alongside?: () => void): boolean {
    const { q } = this.sql
    return this.sql.transaction(() => {
      this.sql.lock('vault_members')
      const n =
        this.sql.get(q.selectFrom('vault_members').select(({ fn }) => fn.countAll<number>().as('n')))?.n ?? 0
      if (Number(n) <= 1) return false
      this.sql.run(q.deleteFrom('vault_members').where('id', '=', id))
      alongside?.()
      return true
    })
  }

  /**
   * Runs `fn` on the member's current counters in one transaction holding that member's lock, so a count read
   * then written never interleaves with another process's, and writes what it returns.
   */
  updateFailures(
    id: string,
    fn: (failures: number) => {
      failures: number
      lastFailureAt: string | null
      nextAttemptAt: string | null
    },
  ): number {
    const { q } = this.sql
    return this.sql.transaction(() => {
      this.sql.lock(`vault_member:${id}`)
      const row = this.sql.get(q.selectFrom('vault_members').select('failures').where('id', '=', id))
      if (!row) return 0
      const next = fn(Number(row.failures))
      this.sql.run(
        q
          .updateTable('vault_members')
          .set({
            failures: next.failures,
            next_attempt_at: next.nextAttemptAt,
            ...(next.lastFailureAt !== null && { last_failure_at: next.lastFailureAt }),
          })
          .where('id', '=', id),
      )
      return next.failures
    })
  }

  clearFailures(id: string): void {
    const { q } = this.sql
    this.sql.run(
      q
        .updateTable('vault_members')
        .set({ failures: 0, next_attempt_at: null })
        .where('id', '=', id)
        .where('failures', '!=', 0),
    )
  }
}

// Covers issue 23's "Secrets in a shared store" and "every change names who", on both engines: several people
// and workers, each with their own passphrase or key file, unlock one vault (each process its own core on the
// one store) and read the same secret; adding a member wraps the key once more and rewraps nothing else; a
// removed member's passphrase opens nothing and the removal is audited naming who removed it; one member's
// wrong passphrases never make another wait; a v18 store with a single-passphrase vault and an audit log
// migrates to one member, still unlocks with the old passphrase, and its chain verifies with new entries that
// carry who made them, inside what the hash covers.
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { sql as raw } from 'kysely'
import { hostname, userInfo } from 'node:os'
import { createCore, DB_FILE, type Core } from '../../src-main/core/app'
import { openStore } from '../../src-main/core/store/open'
import { openDatabase } from '../../src-main/core/store/db'
import { sqliteSql } from '../../src-main/core/store/sql/sqlite'
import { openPostgres } from '../../src-main/core/store/sql/postgres'
import { migratePostgres } from '../../src-main/core/store/migrations/postgres-runner'
import { migrations } from '../../src-main/core/store/migrations'
import type { Dialect, Sql } from '../../src-main/core/store/sql/engine'
import { canonical, checksum, deriveKey, newHeader, pack, seal } from '../../src-main/core/vault/crypto'
import { CHECK_AAD, KEY_AAD } from '../../src-main/core/vault/passphrase'
import { entryHash, GENESIS } from '../../src-main/core/audit/log'
import { ENGINES, freshPostgresUrl } from '../helpers/engines'
import { call, callError, fakeClock } from '../helpers/core'
import { useTmpDirs } from '../helpers/tmp-dir'
import { FAST_KDF, reveal } from '../unit/vault/support'

const tmp = useTmpDirs()
const OWNER_PASS = 'owner passphrase, long enough'
const BOB_PASS = 'bob has his very own passphrase'
const ME = { user: userInfo().username, host: hostname() }

async function storeFor(engine: Dialect): Promise<string> {
  return engine === 'sqlite' ? join(tmp.make('dw-members-'), DB_FILE) : freshPostgresUrl()
}

/** A Sql on the store as the test's own look behind the app (what a thief or an administrator sees). */
function behind(store: string): Sql {
  return store.startsWith('postgres') ? openPostgres(store) : sqliteSql(openDatabase(store))
}

describe.each(ENGINES)('vault members on %s', (engine) => {
  const opened: Core[] = []
  const open = (store: string, extra: { vaultMember?: string } = {}) => {
    const core = createCore({
      face: 'cli',
      dataDir: tmp.make('dw-members-data-'),
      store,
      unsafeKdfForTests: FAST_KDF,
      ...extra,
    })
    opened.push(core)
    return core
  }
  const closeAll = () => {
    for (const c of opened.splice(0)) c.close()
  }

  it('lets two members unlock the same vault and read the same secret; adding one rewraps nothing else', async () => {
    const store = await storeFor(engine)
    try {
      const alice = open(store)
      await call(alice, 'vault.init', { passphrase: OWNER_PASS })
      const cred = await call(alice, 'credentials.create', {
        credential: { kind: 'db-password', name: 'billing', secret: { password: 'shared-s3cret-42' } },
      })
      const look = behind(store)
      const wraps = () =>
        look.all(
          raw<{
            name: string
            header: string
            wrapped_key: Buffer
          }>`SELECT name, header, wrapped_key FROM vault_members ORDER BY name`.compile(look.q),
        )
      const ciphertexts = () =>
        look.all(raw<{ ciphertext: Buffer }>`SELECT ciphertext FROM credentials`.compile(look.q))
      const before = { wraps: wraps(), ciphertexts: ciphertexts() }
      expect(before.wraps.map((w) => w.name)).toEqual(['owner'])

      const bob = await call(alice, 'vault.addMember', { name: 'bob', passphrase: BOB_PASS })
      expect(bob).toMatchObject({
        name: 'bob',
        kind: 'passphrase',
        addedBy: `owner (vault member) · ${ME.user}@${ME.host}, via cli`,
      })
      // A worker unlocks with a key file.
      const keyFile = randomBytes(64)
      await alice.vault.addMember('watch-east', { keyFile: Buffer.from(keyFile) })
      const after = wraps()
      expect(after.map((w) => w.name)).toEqual(['bob', 'owner', 'watch-east'])
      // The owner's wrap and every credential are byte for byte what they were.
      expect(after.find((w) => w.name === 'owner')).toEqual(before.wraps[0])
      expect(ciphertexts()).toEqual(before.ciphertexts)
      look.close()

      // Each in a process of their own, on the same store.
      const asBob = open(store)
      const refused = await callError(asBob, 'vault.unlock', { passphrase: BOB_PASS })
      expect(refused.message).toBe(
        'This vault has 3 members (bob, owner, watch-east): say which one you are (--member NAME)',
      )
      const status = await call(asBob, 'vault.unlock', { passphrase: BOB_PASS, member: 'Bob' })
      expect(status).toMatchObject({ state: 'unlocked', member: 'bob', members: 3 })
      expect(await reveal(asBob.vault, cred.id)).toEqual({ password: 'shared-s3cret-42' })

      const asOwner = open(store, { vaultMember: 'owner' })
      await call(asOwner, 'vault.unlock', { passphrase: OWNER_PASS })
      expect(await reveal(asOwner.vault, cred.id)).toEqual({ password: 'shared-s3cret-42' })

      const worker = open(store, { vaultMember: 'watch-east' })
      await worker.vault.unlock({ keyFile })
      expect(await reveal(worker.vault, cred.id)).toEqual({ password: 'shared-s3cret-42' })

      // One member's secret is not another's.
      const cross = open(store)
      expect(
        (await callError(cross, 'vault.unlock', { passphrase: BOB_PASS, member: 'owner' })).message,
      ).toBe('Wrong passphrase')
      expect(
        (await callError(cross, 'vault.unlock', { passphrase: BOB_PASS, member: 'watch-east' })).message,
      ).toBe('Vault member "watch-east" unlocks with a key file, not a passphrase')
    } finally {
      closeAll()
    }
  })

  it('a removed member no longer unlocks; the removal is audited naming who removed whom; never the last', async () => {
    const store = await storeFor(engine)
    try {
      const owner = open(store)
      await call(owner, 'vault.init', { passphrase: OWNER_PASS })
      await call(owner, 'vault.addMember', { name: 'bob', passphrase: BOB_PASS })
      const bobBefore = open(store)
      await call(bobBefore, 'vault.unlock', { passphrase: BOB_PASS, member: 'bob' })

      // Removing needs the vault unlocked.
      const locked = open(store)
      expect((await callError(locked, 'vault.removeMember', { name: 'bob' })).message).toBe(
        'The vault is locked: unlock it to remove the member "bob"',
      )
      const removed = await call(owner, 'vault.removeMember', { name: 'bob' })
      expect(removed.name).toBe('bob')

      const bobAfter = open(store)
      const e = await callError(bobAfter, 'vault.unlock', { passphrase: BOB_PASS, member: 'bob' })
      expect(e).toMatchObject({
        code: 'not_found',
        message: 'The vault has no member named "bob" (its members: owner)',
      })
      // Not as the remaining member either: his passphrase never wrapped the owner's key.
      expect((await callError(bobAfter, 'vault.unlock', { passphrase: BOB_PASS })).message).toBe(
        'Wrong passphrase',
      )

      const last = await callError(owner, 'vault.removeMember', { name: 'owner' })
      expect(last.message).toMatch(/^"owner" is the vault's last member: add another member before removing/)
      expect((await call(owner, 'vault.members', {})).members.map((m) => m.name)).toEqual(['owner'])

      const log = await call(owner, 'audit.list', { limit: 100 })
      expect(log.intact).toBe(true)
      const removal = log.entries.filter((x) => x.action === 'vault.member-removed')
      expect(removal.map((x) => x.by)).toEqual([`owner (vault member) · ${ME.user}@${ME.host}, via cli`])
      const look = behind(store)
      const row = look.get(
        raw<{
          who: string
          details: string
        }>`SELECT who, details FROM audit_log WHERE action = 'vault.member-removed'`.compile(look.q),
      )
      look.close()
      expect(JSON.parse(row!.who)).toEqual({ member: 'owner', ...ME })
      expect(JSON.parse(row!.details)).toEqual({ member: 'bob', kind: 'passphrase' })
    } finally {
      closeAll()
    }
  })

  it('adds or removes no member when the audit log cannot record it', async () => {
    const store = await storeFor(engine)
    try {
      const owner = open(store)
      await call(owner, 'vault.init', { passphrase: OWNER_PASS })
      await call(owner, 'vault.addMember', { name: 'bob', passphrase: BOB_PASS })
      // The audit log refuses every new entry (a full disk, a revoked grant), as the database itself says.
      const look = behind(store)
      look.exec(
        engine === 'sqlite'
          ? `CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log refused'); END`
          : `CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit log refused'; END $$;
             CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()`,
      )
      await callError(owner, 'vault.removeMember', { name: 'bob' })
      await callError(owner, 'vault.addMember', {
        name: 'carol',
        passphrase: 'carol passphrase, long enough',
      })
      expect((await call(owner, 'vault.members', {})).members.map((m) => m.name)).toEqual(['bob', 'owner'])
      // Bob's wrap is whole: he still unlocks.
      const bob = open(store)
      look.exec(engine === 'sqlite' ? 'DROP TRIGGER refuse_audit' : 'DROP TRIGGER refuse_audit ON audit_log')
      look.close()
      await call(bob, 'vault.unlock', { passphrase: BOB_PASS, member: 'bob' })
      const log = await call(owner, 'audit.list', { limit: 100 })
      expect(log.intact).toBe(true)
      expect(log.entries.filter((x) => x.action === 'vault.member-removed')).toEqual([])
    } finally {
      closeAll()
    }
  })

  it("one member's wrong passphrases make that member wait, in every process, and never another", async () => {
    const store = await storeFor(engine)
    const clock = fakeClock('2031-05-01T09:00:00.000Z')
    try {
      const owner = createCore({
        face: 'cli',
        dataDir: tmp.make('dw-m-'),
        store,
        clock,
        unsafeKdfForTests: FAST_KDF,
      })
      opened.push(owner)
      await call(owner, 'vault.init', { passphrase: OWNER_PASS })
      await call(owner, 'vault.addMember', { name: 'bob', passphrase: BOB_PASS })
      const guesser = createCore({
        face: 'serve',
        dataDir: tmp.make('dw-m-'),
        store,
        clock,
        unsafeKdfForTests: FAST_KDF,
      })
      opened.push(guesser)
      for (let i = 0; i < 3; i++)
        await callError(guesser, 'vault.unlock', { passphrase: 'not bobs passphrase', member: 'bob' })
      // Bob must wait, here and in any other process on the store...
      expect(
        (await callError(guesser, 'vault.unlock', { passphrase: BOB_PASS, member: 'bob' })).message,
      ).toBe('Too many wrong passphrases for "bob": wait 5 s before trying again')
      const another = createCore({
        face: 'cli',
        dataDir: tmp.make('dw-m-'),
        store,
        clock,
        unsafeKdfForTests: FAST_KDF,
      })
      opened.push(another)
      expect((await callError(another, 'vault.unlock', { passphrase: BOB_PASS, member: 'bob' })).code).toBe(
        'unauthorized',
      )
      // ...while the owner unlocks at once, and the owner's count is untouched.
      expect((await call(another, 'vault.unlock', { passphrase: OWNER_PASS, member: 'owner' })).member).toBe(
        'owner',
      )
      clock.advance(5000)
      expect((await call(guesser, 'vault.unlock', { passphrase: BOB_PASS, member: 'bob' })).member).toBe(
        'bob',
      )
      const wrong = (await call(owner, 'audit.list', { limit: 100 })).entries.filter(
        (x) => x.action === 'vault.wrong-passphrase',
      )
      expect(wrong).toHaveLength(3)
      expect(wrong.every((x) => x.by === `${ME.user}@${ME.host}, via serve`)).toBe(true)
    } finally {
      closeAll()
    }
  })

  it('migrates a v18 single-passphrase vault to one member that the old passphrase unlocks; the chain verifies', async () => {
    const store = await storeFor(engine)
    // A store at schema 18, written as Driftwatch 18 wrote it: one wrap bound to its header, one credential,
    // and two audit entries hashed without who.
    const old = store.startsWith('postgres')
      ? openPostgres(store)
      : sqliteSql(openDatabase(store, { targetVersion: 18 }))
    if (old.dialect === 'postgresql')
      migratePostgres(
        old,
        migrations.filter((m) => m.version <= 18),
      )
    const header = newHeader(FAST_KDF)
    const text = canonical(header)
    const kek = await deriveKey(OWNER_PASS, header.kdf)
    const dk = randomBytes(32)
    const wrapped = seal(kek, dk, KEY_AAD + text)
    const at = '2030-06-01T00:00:00.000Z'
    old.run(
      raw`INSERT INTO vault (id, header, checksum, wrapped_key, key_check, auto_lock_minutes, created_at, updated_at)
          VALUES (1, ${text}, ${checksum(text, wrapped)}, ${wrapped}, ${seal(dk, Buffer.from('ok'), CHECK_AAD)}, 15, ${at}, ${at})`.compile(
        old.q,
      ),
    )
    const secret = pack({ password: 'kept-since-v18' })
    old.run(
      raw`INSERT INTO credentials (id, kind, name, meta, ciphertext, created_at, updated_at)
          VALUES ('c-old', 'db-password', 'old db', '{}', ${seal(dk, secret, 'driftwatch-credential|v1|c-old|db-password')}, ${at}, ${at})`.compile(
        old.q,
      ),
    )
    let prev = GENESIS
    for (const [seq, action] of [
      [1, 'vault.created'],
      [2, 'target.created'],
    ] as const) {
      const base = { seq, at, actor: 'desktop', action, subject: 'x', details: {}, prevHash: prev }
      const hash = entryHash(base)
      old.run(
        raw`INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash)
            VALUES (${seq}, ${at}, 'desktop', ${action}, 'x', '{}', ${prev}, ${hash})`.compile(old.q),
      )
      prev = hash
    }
    old.close()

    try {
      openStore(store).close()
      const core = open(store)
      expect((await call(core, 'vault.members', {})).members).toEqual([
        { name: 'owner', kind: 'passphrase', addedAt: at, addedBy: 'schema migration 20' },
      ])
      // No member named: the only one. The old passphrase opens it and the old secret reads.
      expect((await call(core, 'vault.unlock', { passphrase: OWNER_PASS })).member).toBe('owner')
      expect(await reveal(core.vault, 'c-old')).toEqual({ password: 'kept-since-v18' })
      // The wrap is now bound to its member; it still opens, in a new process too.
      const fresh = open(store)
      await call(fresh, 'vault.unlock', { passphrase: OWNER_PASS })
      expect(await reveal(fresh.vault, 'c-old')).toEqual({ password: 'kept-since-v18' })
      const look = behind(store)
      const cols = look.get(raw<Record<string, unknown>>`SELECT * FROM vault`.compile(look.q))!
      expect(Object.keys(cols)).not.toContain('wrapped_key')
      expect(look.get(raw<{ bound: number }>`SELECT bound FROM vault_members`.compile(look.q))).toEqual({
        bound: 1,
      })

      await call(core, 'vault.addMember', { name: 'carol', passphrase: 'carol passphrase here' })
      const log = await call(core, 'audit.list', { limit: 100 })
      expect(log).toMatchObject({ intact: true, problems: [] })
      expect(log.entries.map((x) => [x.seq, x.action, x.by]).reverse()).toEqual([
        [1, 'vault.created', 'desktop'],
        [2, 'target.created', 'desktop'],
        [3, 'vault.unlocked', `owner (vault member) · ${ME.user}@${ME.host}, via cli`],
        [4, 'vault.unlocked', `owner (vault member) · ${ME.user}@${ME.host}, via cli`],
        [5, 'vault.member-added', `owner (vault member) · ${ME.user}@${ME.host}, via cli`],
      ])

      // Who is inside what the chain covers: an entry whose who was changed behind the app no longer verifies.
      if (look.dialect === 'sqlite') look.exec('DROP TRIGGER audit_log_no_update')
      else look.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update')
      look.run(
        raw`UPDATE audit_log SET who = ${JSON.stringify({ member: 'carol', ...ME })} WHERE seq = 5`.compile(
          look.q,
        ),
      )
      look.close()
      const tampered = await call(core, 'audit.list', { limit: 100 })
      expect(tampered.intact).toBe(false)
      expect(tampered.problems).toEqual(['entry 5 (vault.member-added) was changed: its hash does not match'])
    } finally {
      closeAll()
    }
  })
})

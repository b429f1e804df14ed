// The vault's promises to an auditor: secrets round-trip, only ciphertext is stored, tampering and
// downgrades are named, one damaged secret loses nothing else, and it locks itself when it should.
import { describe, expect, it } from 'vitest'
import type { Db } from '../../../src-main/core/store/db'
import { canonical, checksum, KDF_DEFAULT } from '../../../src-main/core/vault/crypto'
import type { Vault } from '../../../src-main/core/vault/vault'
import {
  canary,
  CLIENT_CERT,
  CLIENT_KEY,
  errorOf,
  fakeKeychain,
  fakePower,
  KEY_PASSPHRASE,
  PASS,
  plainSshKey,
  reveal,
  sshKey,
  useVaults,
} from './support'

const vaults = useVaults()

type VaultRow = { header: string; checksum: string; wrapped_key: Buffer; remembered_key: Buffer | null }
const vaultRow = (db: Db) => db.prepare('SELECT * FROM vault_members').get() as VaultRow
const blob = (db: Db, id: string) =>
  (db.prepare('SELECT ciphertext FROM credentials WHERE id = ?').get(id) as { ciphertext: Buffer }).ciphertext
const setBlob = (db: Db, id: string, b: Buffer) =>
  db.prepare('UPDATE credentials SET ciphertext = ? WHERE id = ?').run(b, id)
const flip = (buf: Buffer, at: number, bit = 0) => {
  const out = Buffer.from(buf)
  out[at] = (out[at] ?? 0) ^ (1 << bit)
  return out
}
// The one Buffer the key lives in, inside the vault's key session (session.ts).
const internalKey = (v: Vault) => (v as unknown as { session: { key: Buffer | null } }).session.key

describe('storing secrets', () => {
  it('round-trips every credential kind, and list() shows metadata and fingerprints only', async () => {
    const { vault } = vaults()
    await vault.init(PASS)
    const s = {
      ssh: canary('ssh'),
      sudo: canary('sudo'),
      db: canary('db'),
      token: `ghp_${canary('tok').replace(/-/g, '')}`,
    }
    const ids = {
      key: vault.add('ssh-key', 'root key', {}, { privateKey: sshKey.private, passphrase: KEY_PASSPHRASE })
        .id,
      plainKey: vault.add('ssh-key', 'deploy key', {}, { privateKey: plainSshKey.private, passphrase: '' })
        .id,
      ssh: vault.add('ssh-password', 'ssh pw', { username: 'auditor' }, { password: s.ssh }).id,
      sudo: vault.add('sudo-password', 'sudo', {}, { password: s.sudo }).id,
      db: vault.add('db-password', 'db', { username: 'ro', notes: 'read-only role' }, { password: s.db }).id,
      cert: vault.add('db-client-cert', 'db cert', { username: 'ro' }, { cert: CLIENT_CERT, key: CLIENT_KEY })
        .id,
      gh: vault.add('github-token', 'gh', {}, { token: s.token }).id,
    }
    expect(await reveal(vault, ids.key)).toEqual({ privateKey: sshKey.private, passphrase: KEY_PASSPHRASE })
    // An empty passphrase means "none": it is not stored as a field.
    expect(await reveal(vault, ids.plainKey)).toEqual({ privateKey: plainSshKey.private })
    expect(await reveal(vault, ids.ssh)).toEqual({ password: s.ssh })
    expect(await reveal(vault, ids.sudo)).toEqual({ password: s.sudo })
    expect(await reveal(vault, ids.db)).toEqual({ password: s.db })
    expect(await reveal(vault, ids.cert)).toEqual({ cert: CLIENT_CERT, key: CLIENT_KEY })
    expect(await reveal(vault, ids.gh)).toEqual({ token: s.token })

    const listed = vault.list()
    expect(listed.map((c) => c.name)).toEqual([
      'db',
      'db cert',
      'deploy key',
      'gh',
      'root key',
      'ssh pw',
      'sudo',
    ])
    const text = JSON.stringify(listed)
    for (const secret of [...Object.values(s), KEY_PASSPHRASE]) expect(text).not.toContain(secret)
    expect(text).not.toContain('PRIVATE KEY')
    const byId = (id: string) => listed.find((c) => c.id === id)!
    expect(byId(ids.db).meta).toEqual({ username: 'ro', notes: 'read-only role' })
    expect(byId(ids.key).meta.fingerprint).toMatch(/^ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}$/)
    expect(byId(ids.cert).meta.fingerprint).toMatch(
      /^O=Driftwatch tests, CN=db-client SHA256:([0-9A-F]{2}:){31}[0-9A-F]{2}$/,
    )
    expect(byId(ids.gh).meta.fingerprint).toBe('personal access token (classic) (ghp_…)')
    expect(byId(ids.ssh)).toMatchObject({ kind: 'ssh-password', rotatedAt: null })
  })

  it('writes no secret and no passphrase to the database file or its WAL, in any flow', async () => {
    const keychain = fakeKeychain()
    const h = vaults({ keychain })
    const passphrase = canary('master-passphrase')
    const next = canary('next-passphrase')
    const secrets = [canary('a'), canary('b'), canary('rotated'), canary('removed')]
    await h.vault.init(passphrase)
    const a = h.vault.add('db-password', 'a', {}, { password: secrets[0]! }).id
    h.vault.add('ssh-password', 'b', {}, { password: secrets[1]! })
    h.vault.update(a, { secret: { password: secrets[2]! } })
    const gone = h.vault.add('sudo-password', 'gone', {}, { password: secrets[3]! }).id
    h.vault.remove(gone)
    await reveal(h.vault, a)
    await h.vault.changePassphrase(passphrase, next)
    h.vault.lock('manual')
    await h.vault.unlock(next, { remember: true })
    h.vault.lock('manual')

    const disk = h.bytesOnDisk()
    expect(disk.length).toBeGreaterThan(0)
    for (const s of [...secrets, passphrase, next]) {
      expect(disk.includes(Buffer.from(s)), s).toBe(false)
      expect(disk.includes(Buffer.from(s, 'utf16le')), s).toBe(false)
    }
  })

  it('refuses a secret that is not what its kind says, and stores nothing', async () => {
    const { vault } = vaults()
    await vault.init(PASS)
    const cases: [Parameters<Vault['add']>[0], Record<string, string>, string][] = [
      ['ssh-key', { privateKey: 'hello' }, 'privateKey is not an OpenSSH or PEM private key'],
      ['ssh-key', { privateKey: sshKey.private }, 'privateKey is encrypted: give its passphrase'],
      ['db-client-cert', { cert: 'x', key: CLIENT_KEY }, 'cert is not a PEM or DER X.509 certificate'],
      ['db-password', { password: '' }, 'password is required'],
      [
        'github-token',
        { token: 'ghp_abc def' },
        'token contains spaces or line breaks: paste only the token',
      ],
      ['db-password', { password: 'p', pasword: 'typo' }, 'The secret has an unexpected field: pasword'],
    ]
    for (const [kind, secret, message] of cases) {
      const e = await errorOf(() => vault.add(kind, 'x', {}, secret))
      expect([e.code, e.message]).toEqual(['invalid', message])
    }
    expect(vault.list()).toEqual([])
  })

  it('keeps names unique regardless of case, on add and on rename', async () => {
    const { vault } = vaults()
    await vault.init(PASS)
    vault.add('db-password', 'Billing', {}, { password: 'p1' })
    const other = vault.add('db-password', 'other', {}, { password: 'p2' }).id
    const e = await errorOf(() => vault.add('db-password', 'billing ', {}, { password: 'p' }))
    expect([e.code, e.message]).toEqual(['duplicate_name', 'A credential named "billing" already exists'])
    expect((await errorOf(() => vault.update(other, { name: 'BILLING' }))).code).toBe('duplicate_name')
    expect(vault.update(other, { name: 'Other' }).name).toBe('Other')
    expect((await errorOf(() => vault.add('db-password', '  ', {}, { password: 'p' }))).message).toBe(
      'name is required',
    )
  })

  it('needs the vault unlocked to add, change, remove or use a secret, and says so by name', async () => {
    const { vault } = vaults()
    await vault.init(PASS)
    const id = vault.add('db-password', 'billing reader', { username: 'ro' }, { password: 'p' }).id
    vault.lock('manual')
    const use = await errorOf(reveal(vault, id))
    expect([use.code, use.message]).toEqual([
      'locked',
      'The vault is locked: unlock it to use billing reader',
    ])
    expect((await errorOf(() => vault.add('db-password', 'x', {}, { password: 'p' }))).message).toBe(
      'The vault is locked: unlock it to add x',
    )
    expect((await errorOf(() => vault.update(id, { name: 'y' }))).message).toBe(
      'The vault is locked: unlock it to change billing reader',
    )
    expect((await errorOf(() => vault.remove(id))).message).toBe(
      'The vault is locked: unlock it to remove billing reader',
    )
    // Metadata stays readable while locked: targets and the list can show what they use.
    expect(vault.list()).toMatchObject([{ id, name: 'billing reader', meta: { username: 'ro' } }])
    expect((await errorOf(reveal(vault, 'no-such-id'))).code).toBe('not_found')
  })

  it('zero-fills the secret Buffers once the user of the secret settles, also when it throws', async () => {
    const { vault } = vaults()
    await vault.init(PASS)
    const id = vault.add('db-client-cert', 'c', {}, { cert: CLIENT_CERT, key: CLIENT_KEY }).id
    let seen: Buffer[] = []
    const during = await vault.withSecret(id, null, async (s) => {
      seen = Object.values(s)
      await new Promise((r) => setTimeout(r, 5))
      // Still intact while the (asynchronous) user works with it.
      return s.key?.toString('utf8')
    })
    expect(during).toBe(CLIENT_KEY)
    expect(seen).toHaveLength(2)
    for (const b of seen) expect(b.length > 0 && b.every((x) => x === 0)).toBe(true)

    await expect(
      vault.withSecret(id, null, (s) => {
        seen = Object.values(s)
        throw new Error('connection refused')
      }),
    ).rejects.toThrow('connection refused')
    for (const b of seen) expect(b.every((x) => x === 0)).toBe(true)
  })

  it('rotates: the new secret replaces the old, its fingerprint follows, the rotation is dated', async () => {
    const { vault, clock, db } = vaults()
    await vault.init(PASS)
    const id = vault.add('ssh-key', 'k', { notes: 'n' }, { privateKey: plainSshKey.private }).id
    const before = vault.get(id)
    const oldBlob = blob(db, id)

    clock.advance(60_000)
    const renamed = vault.update(id, { name: 'k2', meta: { notes: 'edited' } })
    expect(renamed).toMatchObject({ name: 'k2', rotatedAt: null, meta: { notes: 'edited' } })
    expect(renamed.meta.fingerprint).toBe(before.meta.fingerprint)
    expect(blob(db, id).equals(oldBlob)).toBe(true)

    clock.advance(60_000)
    const rotated = vault.update(id, { secret: { privateKey: sshKey.private, passphrase: KEY_PASSPHRASE } })
    expect(rotated.rotatedAt).toBe(clock.now().toISOString())
    expect(rotated.updatedAt).toBe(clock.now().toISOString())
    expect(rotated.meta.fingerprint).not.toBe(before.meta.fingerprint)
    expect(rotated.meta.notes).toBe('edited')
    expect(await reveal(vault, id)).toEqual({ privateKey: sshKey.private, passphrase: KEY_PASSPHRASE })

    // A fingerprint comes from the key, never from the caller.
    const forged = vault.update(id, { meta: { notes: 'x', fingerprint: 'forged' } as never })
    expect(forged.meta.fingerprint).toBe(rotated.meta.fingerprint)
    vault.remove(id)
    expect(vault.list()).toEqual([])
  })

  it('tells the redactor every secret it hands out, and makes it forget them on lock', async () => {
    const { vault, redactor } = vaults()
    await vault.init(PASS)
    const secret = canary('in-an-error')
    const id = vault.add('db-password', 'db', {}, { password: secret }).id
    await vault.withSecret(id, null, () => undefined)
    expect(redactor.redact(`FATAL: password ${secret} refused`)).toBe('FATAL: password [redacted] refused')
    vault.lock('manual')
    expect(redactor.redact(secret)).toBe(secret)
  })
})

describe('tampering and damage', () => {
  async function seeded(opts: Parameters<typeof vaults>[0] = {}) {
    const h = vaults(opts)
    await h.vault.init(PASS)
    const a = h.vault.add('db-password', 'a', {}, { password: 'secret-a' }).id
    const b = h.vault.add('db-password', 'b', {}, { password: 'secret-b' }).id
    return { ...h, a, b, secrets: { [a]: 'secret-a', [b]: 'secret-b' } as Record<string, string> }
  }
  /** Nothing else was lost: these secrets open now, and again in a vault unlocked afresh. */
  async function stillWorks(h: Awaited<ReturnType<typeof seeded>>, ids = [h.b]) {
    for (const id of ids) expect(await reveal(h.vault, id)).toEqual({ password: h.secrets[id] })
    const fresh = h.reopen()
    await fresh.unlock(PASS)
    for (const id of ids) expect(await reveal(fresh, id)).toEqual({ password: h.secrets[id] })
  }

  it('names a credential whose ciphertext had one bit flipped, and every other one still opens', async () => {
    const h = await seeded()
    setBlob(h.db, h.a, flip(blob(h.db, h.a), 20))
    const e = await errorOf(reveal(h.vault, h.a))
    expect([e.code, e.message]).toEqual([
      'tampered',
      'The stored secret of "a" was modified or damaged and cannot be trusted; rotate it to store it again',
    ])
    await stillWorks(h)
    // Rotating stores it again.
    h.vault.update(h.a, { secret: { password: 'secret-a' } })
    await stillWorks(h, [h.a, h.b])
  })

  it('detects a flipped bit in the authentication tag', async () => {
    const h = await seeded()
    const b = blob(h.db, h.a)
    setBlob(h.db, h.a, flip(b, b.length - 1, 7))
    expect((await errorOf(reveal(h.vault, h.a))).code).toBe('tampered')
    await stillWorks(h)
  })

  it('detects every single-bit flip anywhere in a stored secret', async () => {
    const h = await seeded()
    const original = blob(h.db, h.a)
    for (let at = 0; at < original.length; at++) {
      setBlob(h.db, h.a, flip(original, at, at % 8))
      // A flip in the length field reads as a cut-short or overlong blob; everything else fails the tag.
      expect(['tampered', 'truncated']).toContain((await errorOf(reveal(h.vault, h.a))).code)
    }
    setBlob(h.db, h.a, original)
    expect(await reveal(h.vault, h.a)).toEqual({ password: 'secret-a' })
  })

  it('refuses a ciphertext moved onto another record, or a record whose kind was changed', async () => {
    const h = await seeded()
    setBlob(h.db, h.a, blob(h.db, h.b))
    expect((await errorOf(reveal(h.vault, h.a))).code).toBe('tampered')
    h.db.prepare("UPDATE credentials SET kind = 'ssh-password' WHERE id = ?").run(h.b)
    expect((await errorOf(reveal(h.vault, h.b))).code).toBe('tampered')
  })

  it('names a truncated secret, and says how much of it is left', async () => {
    const h = await seeded()
    const b = blob(h.db, h.a)
    for (const keep of [3, 10, b.length - 1]) {
      setBlob(h.db, h.a, b.subarray(0, keep))
      const e = await errorOf(reveal(h.vault, h.a))
      expect(e.code).toBe('truncated')
      expect(e.message).toMatch(
        /^The stored secret of "a" is truncated \(.*bytes\); rotate it to store it again$/,
      )
    }
    await stillWorks(h)
  })

  it('says "wrong passphrase" for a wrong passphrase, and stays locked', async () => {
    const h = await seeded()
    h.vault.lock('manual')
    const e = await errorOf(h.vault.unlock('not the passphrase at all'))
    expect([e.code, e.message]).toEqual(['wrong_passphrase', 'Wrong passphrase'])
    expect(h.vault.state()).toBe('locked')
    await h.vault.unlock(PASS)
    await stillWorks(h, [h.a, h.b])
  })

  it('tells a corrupted header from a wrong passphrase', async () => {
    const h = await seeded()
    h.vault.lock('manual')
    const row = vaultRow(h.db)
    const at = row.header.indexOf('"salt":"') + 10
    const corrupted =
      row.header.slice(0, at) + String.fromCharCode(row.header.charCodeAt(at) ^ 1) + row.header.slice(at + 1)
    h.db.prepare('UPDATE vault_members SET header = ?').run(corrupted)
    const e = await errorOf(h.vault.unlock(PASS))
    expect([e.code, e.message]).toEqual([
      'header_corrupt',
      'The vault header is corrupted (its checksum does not match), so no passphrase can open it; ' +
        'restore the data folder from a backup',
    ])
    h.db.prepare('UPDATE vault_members SET header = ?').run(row.header)
    await h.vault.unlock(PASS)
    await stillWorks(h, [h.a, h.b])
  })

  it('tells a damaged wrapped key from a wrong passphrase, and names a truncated one', async () => {
    const h = await seeded()
    h.vault.lock('manual')
    const row = vaultRow(h.db)
    h.db.prepare('UPDATE vault_members SET wrapped_key = ?').run(flip(row.wrapped_key, 30))
    const e = await errorOf(h.vault.unlock(PASS))
    expect([e.code, e.message]).toEqual([
      'tampered',
      "The vault's wrapped key is damaged (its checksum does not match), so no passphrase can open it; " +
        'restore the data folder from a backup',
    ])
    h.db.prepare('UPDATE vault_members SET wrapped_key = ?').run(row.wrapped_key.subarray(0, 40))
    const cut = await errorOf(h.vault.unlock(PASS))
    expect([cut.code, cut.message]).toEqual([
      'truncated',
      "The vault's wrapped key is truncated (40 of 65 bytes), so no passphrase can open it; " +
        'restore the data folder from a backup',
    ])
    h.db.prepare('UPDATE vault_members SET wrapped_key = ?').run(row.wrapped_key)
    await h.vault.unlock(PASS)
    await stillWorks(h, [h.a, h.b])
  })

  it('still refuses a deliberately altered wrapped key whose checksum was recomputed', async () => {
    const h = await seeded()
    h.vault.lock('manual')
    const row = vaultRow(h.db)
    const forged = flip(row.wrapped_key, 30)
    h.db
      .prepare('UPDATE vault_members SET wrapped_key = ?, checksum = ?')
      .run(forged, checksum(row.header, forged))
    // GCM catches it; without the right key it cannot be told from a wrong passphrase.
    expect((await errorOf(h.vault.unlock(PASS))).code).toBe('wrong_passphrase')
    expect(h.vault.state()).toBe('locked')
  })

  it('refuses a header downgraded below the real minimums, even with a valid checksum', async () => {
    const h = await seeded()
    h.vault.lock('manual')
    // Written with test parameters (N=2^10); a vault enforcing the real minimums sees a downgrade.
    const strict = h.reopen({ unsafeKdfForTests: undefined })
    const e = await errorOf(strict.unlock(PASS))
    expect([e.code, e.message]).toEqual([
      'downgrade',
      'The vault header asks for weaker key derivation than allowed: scrypt N=1024 (minimum 131072). ' +
        'Refusing it as a possible downgrade attack',
    ])
    const row = vaultRow(h.db)
    const reSign = (kdf: object) => {
      const header = JSON.parse(row.header) as { kdf: object }
      const text = canonical({ ...header, kdf: { ...header.kdf, ...kdf } })
      h.db
        .prepare('UPDATE vault_members SET header = ?, checksum = ?')
        .run(text, checksum(text, row.wrapped_key))
    }
    reSign({ N: 2 ** 17, r: 4 })
    expect((await errorOf(strict.unlock(PASS))).message).toMatch(/: scrypt r=4 \(minimum 8\)\. Refusing/)
    reSign({ N: 2 ** 17, salt: Buffer.alloc(8, 7).toString('base64') })
    expect((await errorOf(strict.unlock(PASS))).message).toMatch(/a salt of 8 bytes \(minimum 16\)/)
    reSign({ alg: 'pbkdf2' })
    expect((await errorOf(strict.unlock(PASS))).code).toBe('downgrade')
    // Test parameters lower the floor only to themselves: below them is still a downgrade.
    reSign({ N: 2 ** 9 })
    expect((await errorOf(h.vault.unlock(PASS))).message).toMatch(/scrypt N=512 \(minimum 1024\)/)

    h.db.prepare('UPDATE vault_members SET header = ?, checksum = ?').run(row.header, row.checksum)
    await h.vault.unlock(PASS)
    await stillWorks(h, [h.a, h.b])
  })

  it('will not create a new vault over credentials whose vault record is missing', async () => {
    const h = await seeded()
    h.vault.lock('manual')
    h.db.prepare('DELETE FROM vault').run()
    expect(h.vault.state()).toBe('uninitialised')
    const e = await errorOf(h.vault.init('a brand new passphrase'))
    expect(e.code).toBe('header_corrupt')
    expect(e.message).toMatch(/^The vault record is missing but 2 stored credentials are still here; restore/)
    expect(h.vault.list()).toHaveLength(2)
  })
})

describe('passphrase', () => {
  it('uses the real parameters by default (scrypt N=2^18, r=8, p=1) and unlocks with them', async () => {
    const { vault, db } = vaults({ unsafeKdfForTests: undefined })
    await vault.init(PASS)
    const header = JSON.parse(vaultRow(db).header) as { kdf: Record<string, unknown> }
    expect(KDF_DEFAULT).toEqual({ N: 2 ** 18, r: 8, p: 1 })
    expect(header).toMatchObject({ format: 1, cipher: 'aes-256-gcm' })
    expect(header.kdf).toMatchObject({ alg: 'scrypt', ...KDF_DEFAULT })
    expect(Buffer.from(header.kdf.salt as string, 'base64')).toHaveLength(16)
    vault.lock('manual')
    await vault.unlock(PASS)
    expect(vault.state()).toBe('unlocked')
  }, 20_000)

  it('refuses passphrases shorter than 12 characters, and the same passphrase as the new one', async () => {
    const { vault } = vaults()
    const e = await errorOf(vault.init('short one'))
    expect([e.code, e.message]).toEqual([
      'weak_passphrase',
      'Use a passphrase of at least 12 characters (this one has 9); several words are easy to remember',
    ])
    expect(vault.state()).toBe('uninitialised')
    await vault.init(PASS)
    expect((await errorOf(vault.init(PASS))).code).toBe('already_initialised')
    expect((await errorOf(vault.changePassphrase(PASS, 'too short'))).code).toBe('weak_passphrase')
    expect((await errorOf(vault.changePassphrase(PASS, PASS))).code).toBe('invalid')
  })

  it('accepts the passphrase however its accents were composed (NFC or NFD)', async () => {
    const { vault } = vaults()
    await vault.init('café crème brûlée'.normalize('NFC'))
    vault.lock('manual')
    await vault.unlock('café crème brûlée'.normalize('NFD'))
    expect(vault.state()).toBe('unlocked')
  })

  it('changing the passphrase re-wraps the key only: every ciphertext stays byte for byte', async () => {
    const keychain = fakeKeychain()
    const { vault, db, reopen } = vaults({ keychain })
    await vault.init(PASS)
    const ids = [
      vault.add('db-password', 'db', {}, { password: 'kept-1' }).id,
      vault.add('github-token', 'gh', {}, { token: 'ghp_kept2kept2kept2' }).id,
    ]
    await vault.unlock(PASS, { remember: true })
    const blobs = () => db.prepare('SELECT id, ciphertext FROM credentials ORDER BY id').all()
    const before = blobs()
    const headerBefore = vaultRow(db)

    const wrong = await errorOf(vault.changePassphrase('wrong one here', 'another long passphrase'))
    expect([wrong.code, wrong.message]).toEqual([
      'wrong_passphrase',
      'The current passphrase is wrong; the passphrase was not changed',
    ])
    await vault.changePassphrase(PASS, 'another long passphrase')
    expect(blobs()).toEqual(before)
    const after = vaultRow(db)
    expect(after.wrapped_key.equals(headerBefore.wrapped_key)).toBe(false)
    expect(JSON.parse(after.header).kdf.salt).not.toBe(JSON.parse(headerBefore.header).kdf.salt)

    vault.lock('manual')
    expect((await errorOf(vault.unlock(PASS))).code).toBe('wrong_passphrase')
    await vault.unlock('another long passphrase')
    expect(await reveal(vault, ids[0]!)).toEqual({ password: 'kept-1' })
    expect(await reveal(vault, ids[1]!)).toEqual({ token: 'ghp_kept2kept2kept2' })
    // The data key did not change, so this device's remembered key still opens it.
    expect(await reopen().unlockRemembered()).toBe(true)
  })
})

describe('locking', () => {
  it('keeps only the data key while unlocked, and zero-fills it on lock', async () => {
    const { vault } = vaults()
    await vault.init(PASS)
    const key = internalKey(vault)!
    expect(key).toHaveLength(32)
    expect(key.some((b) => b !== 0)).toBe(true)
    vault.lock('manual')
    expect(key.every((b) => b === 0)).toBe(true)
    expect(internalKey(vault)).toBeNull()
  })

  it("locks after the idle time, a person's activity postpones it, and 0 means never", async () => {
    const { vault, timers, states, reopen } = vaults()
    await vault.init(PASS)
    expect(vault.autoLockMinutes()).toBe(15)
    timers.advance(14 * 60_000)
    vault.touch()
    timers.advance(14 * 60_000)
    expect(vault.state()).toBe('unlocked')
    timers.advance(60_000)
    expect(vault.state()).toBe('locked')
    expect(states.at(-1)).toBe('locked:idle')

    await vault.unlock(PASS)
    vault.setAutoLock(0)
    timers.advance(48 * 3600_000)
    expect(vault.state()).toBe('unlocked')
    expect(timers.pending()).toBe(0)

    vault.setAutoLock(5)
    expect(reopen().autoLockMinutes()).toBe(5)
    timers.advance(5 * 60_000)
    expect(vault.state()).toBe('locked')
    for (const bad of [-1, 1.5, 1441, Number.NaN])
      expect((await errorOf(() => vault.setAutoLock(bad))).code).toBe('invalid')
  })

  it('does not let background use of a secret keep the vault open', async () => {
    const { vault, timers } = vaults()
    await vault.init(PASS)
    const id = vault.add('db-password', 'db', {}, { password: 'p' }).id
    for (let i = 0; i < 14; i++) {
      timers.advance(60_000)
      await vault.withSecret(id, null, () => undefined)
    }
    timers.advance(60_000)
    expect(vault.state()).toBe('locked')
  })

  it('locks on use when the idle time passed but the timer never fired (a paused process)', async () => {
    const { vault, clock } = vaults()
    await vault.init(PASS)
    const id = vault.add('db-password', 'db', {}, { password: 'p' }).id
    clock.advance(16 * 60_000)
    expect((await errorOf(reveal(vault, id))).code).toBe('locked')
    expect(vault.state()).toBe('locked')
  })

  it('locks when the computer suspends or the screen locks, and stops listening when closed', async () => {
    const power = fakePower()
    const { vault, states } = vaults({ power })
    await vault.init(PASS)
    power.fire('suspend')
    expect(vault.state()).toBe('locked')
    await vault.unlock(PASS)
    power.fire('lock-screen')
    expect(vault.state()).toBe('locked')
    expect(states).toEqual(['unlocked:init', 'locked:suspend', 'unlocked:unlock', 'locked:lock-screen'])
    expect(power.count()).toBe(2)
    vault.close()
    expect(power.count()).toBe(0)
  })

  it('lets a suspend that comes while the passphrase is being checked win over the unlock', async () => {
    const power = fakePower()
    const { vault } = vaults({ power })
    await vault.init(PASS)
    vault.lock('manual')
    const unlocking = vault.unlock(PASS)
    power.fire('suspend')
    const e = await errorOf(unlocking)
    expect([e.code, e.message]).toEqual([
      'locked',
      'The vault was locked as the computer went to sleep while the passphrase was being checked; ' +
        'unlock it again',
    ])
    expect(vault.state()).toBe('locked')
  })
})

describe('remember on this device', () => {
  it('keeps the data key in the keychain, not in clear, and unlocks with it after a restart', async () => {
    const keychain = fakeKeychain()
    const h = vaults({ keychain })
    await h.vault.init(PASS)
    const id = h.vault.add('db-password', 'db', {}, { password: 'remembered' }).id
    h.vault.lock('manual')
    expect(h.vault.rememberUnavailableReason()).toBe('')
    await h.vault.unlock(PASS, { remember: true })
    expect(h.vault.isRemembered()).toBe(true)
    const stored = (h.db.prepare('SELECT remembered_key FROM vault').get() as VaultRow).remembered_key!
    expect(stored.equals(keychain.stored[0]!)).toBe(true)
    expect(stored.equals(internalKey(h.vault)!)).toBe(false)

    const fresh = h.reopen()
    expect(fresh.state()).toBe('locked')
    expect(await fresh.unlockRemembered()).toBe(true)
    expect(await reveal(fresh, id)).toEqual({ password: 'remembered' })
    fresh.forgetDevice()
    expect(h.vault.isRemembered()).toBe(false)
    expect(await h.reopen().unlockRemembered()).toBe(false)
  })

  it('refuses when the keychain is basic_text, unavailable, or absent, and stays locked', async () => {
    const setups = [
      [fakeKeychain({ backend: 'basic_text' }), /unprotected \(basic_text\)/],
      [fakeKeychain({ available: false }), /this system offers no keychain/],
      [undefined, /only the desktop app/],
    ] as const
    for (const [keychain, why] of setups) {
      const h = vaults({ keychain })
      await h.vault.init(PASS)
      expect(h.vault.rememberUnavailableReason()).toMatch(why)
      h.vault.lock('manual')
      const e = await errorOf(h.vault.unlock(PASS, { remember: true }))
      expect(e.code).toBe('keychain_unavailable')
      expect(e.message).toMatch(/^Cannot remember the vault on this device: /)
      expect(h.vault.state()).toBe('locked')
      expect(h.vault.isRemembered()).toBe(false)
    }
  })

  it("keeps the remembered key while the keychain is locked, and forgets one not this vault's", async () => {
    const keychain = fakeKeychain()
    const h = vaults({ keychain })
    await h.vault.init(PASS)
    await h.vault.unlock(PASS, { remember: true })
    h.vault.lock('manual')

    keychain.failDecrypt = true
    expect(await h.vault.unlockRemembered()).toBe(false)
    expect(h.vault.isRemembered()).toBe(true)
    keychain.failDecrypt = false

    h.db.prepare('UPDATE vault SET remembered_key = ?').run(keychain.encrypt(Buffer.alloc(32, 9)))
    expect(await h.vault.unlockRemembered()).toBe(false)
    expect(h.vault.isRemembered()).toBe(false)
    expect(h.vault.state()).toBe('locked')
  })

  it('does not unlock from the keychain once it has fallen back to basic_text', async () => {
    const keychain = fakeKeychain()
    const h = vaults({ keychain })
    await h.vault.init(PASS)
    await h.vault.unlock(PASS, { remember: true })
    h.vault.lock('manual')
    const downgraded = h.reopen({ keychain: { ...keychain, backend: () => 'basic_text' } })
    expect(await downgraded.unlockRemembered()).toBe(false)
    expect(downgraded.state()).toBe('locked')
  })
})

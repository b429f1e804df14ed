// The vault's promises to an auditor: secrets round-trip, only ciphertext is stored, tampering and
// downgrades are named, one damaged secret loses nothing else, and it locks itself when it should.
import { describe, expect, it } from 'vitest'
import { readFileSync, existsSync } from 'node:fs'
import ssh2 from 'ssh2'
import { VaultError, type Vault } from '../../../src-main/core/vault/vault'
import type { Db } from '../../../src-main/core/store/db'
import { canonical, checksum, KDF_DEFAULT } from '../../../src-main/core/vault/crypto'
import { fakeKeychain, fakePower, PASS, useVaults } from './support'

const vaults = useVaults()
const canary = (what: string) => `canary-${what}-${Math.random().toString(36).slice(2)}`
const key = ssh2.utils.generateKeyPairSync('ed25519', {
  passphrase: 'key-pass-123',
  cipher: 'aes256-ctr',
  rounds: 16,
})

async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<VaultError> {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (err) {
    if (err instanceof VaultError) return err
    throw err
  }
  throw new Error('expected a VaultError')
}

const reveal = (v: Vault, id: string) =>
  v.withSecret(id, (s) => Object.fromEntries(Object.entries(s).map(([k, b]) => [k, b.toString('utf8')])))

describe('storing secrets', () => {
  it('round-trips every credential kind and lists only metadata', async () => {
    const { vault, file } = vaults()
    await vault.init(PASS)
    const secrets = {
      pw: canary('db'),
      sudo: canary('sudo'),
      ssh: canary('ssh'),
      token: `ghp_${canary('tok').replace(/-/g, '')}`,
    }
    const ids = {
      key: vault.add('ssh-key', 'root key', {}, { privateKey: key.private, passphrase: 'key-pass-123' }).id,
      ssh: vault.add('ssh-password', 'ssh pw', { username: 'auditor' }, { password: secrets.ssh }).id,
      sudo: vault.add('sudo-password', 'sudo', {}, { password: secrets.sudo }).id,
      db: vault.add('db-password', 'db', { username: 'ro' }, { password: secrets.pw }).id,
      gh: vault.add('github-token', 'gh', {}, { token: secrets.token }).id,
    }
    expect(await reveal(vault, ids.db)).toEqual({ password: secrets.pw })
    expect(await reveal(vault, ids.gh)).toEqual({ token: secrets.token })
    expect((await reveal(vault, ids.key)).privateKey).toBe(key.private)
    const listed = JSON.stringify(vault.list())
    for (const s of Object.values(secrets)) expect(listed).not.toContain(s)
    expect(listed).not.toContain('PRIVATE KEY')
    // The key's public fingerprint lets a person tell keys apart.
    expect(vault.list().find((c) => c.id === ids.key)?.meta.fingerprint).toMatch(
      /^ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}$/,
    )
    expect(vault.list().find((c) => c.id === ids.gh)?.meta.fingerprint).toBe('classic token (ghp_…)')

    vault.lock('manual')
    const bytes = Buffer.concat([
      readFileSync(file),
      existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`) : Buffer.alloc(0),
    ])
    for (const s of [...Object.values(secrets), PASS, 'key-pass-123'])
      expect(bytes.includes(Buffer.from(s))).toBe(false)
  })

  it('refuses secrets that are not what their kind says, with the reason', async () => {
    const { vault } = vaults()
    await vault.init(PASS)
    expect((await errorOf(() => vault.add('ssh-key', 'k', {}, { privateKey: 'hello' }))).message).toBe(
      'privateKey is not an OpenSSH or PEM private key',
    )
    expect((await errorOf(() => vault.add('ssh-key', 'k', {}, { privateKey: key.private }))).message).toBe(
      'This private key is encrypted: give its passphrase',
    )
    expect(
      (await errorOf(() => vault.add('ssh-key', 'k', {}, { privateKey: key.private, passphrase: 'nope' })))
        .message,
    ).toBe('The key passphrase does not open this private key')
    expect((await errorOf(() => vault.add('db-client-cert', 'c', {}, { cert: 'x', key: 'y' }))).message).toBe(
      'cert is not a PEM certificate',
    )
    vault.add('db-password', 'db', {}, { password: 'p' })
    expect((await errorOf(() => vault.add('db-password', 'DB', {}, { password: 'p' }))).code).toBe(
      'duplicate_name',
    )
    expect(vault.list()).toHaveLength(1)
  })

  it('needs the vault unlocked to add or use a secret, and says so by name', async () => {
    const { vault } = vaults()
    await vault.init(PASS)
    const id = vault.add('db-password', 'billing reader', {}, { password: 'p' }).id
    vault.lock('manual')
    const e = await errorOf(reveal(vault, id))
    expect(e.code).toBe('locked')
    expect(e.message).toBe('The vault is locked: unlock it to use billing reader')
    expect((await errorOf(() => vault.add('db-password', 'x', {}, { password: 'p' }))).code).toBe('locked')
    expect(vault.list().map((c) => c.name)).toEqual(['billing reader'])
  })

  it('zero-fills the secret Buffers after use, also when the user of the secret throws', async () => {
    const { vault } = vaults()
    await vault.init(PASS)
    const id = vault.add('db-password', 'db', {}, { password: 'super-secret-value' }).id
    let seen: Buffer | undefined
    await vault.withSecret(id, (s) => {
      seen = s.password
      expect(s.password?.toString()).toBe('super-secret-value')
    })
    expect(seen?.every((b) => b === 0)).toBe(true)
    await expect(
      vault.withSecret(id, (s) => {
        seen = s.password
        throw new Error('connection failed')
      }),
    ).rejects.toThrow('connection failed')
    expect(seen?.every((b) => b === 0)).toBe(true)
  })

  it('rotates: the new secret replaces the old and the rotation is dated', async () => {
    const { vault, clock } = vaults()
    await vault.init(PASS)
    const id = vault.add('db-password', 'db', {}, { password: 'old' }).id
    clock.advance(60_000)
    const after = vault.update(id, { secret: { password: 'new' } })
    expect(await reveal(vault, id)).toEqual({ password: 'new' })
    expect(after.rotatedAt).toBe(clock.now().toISOString())
  })
})

describe('tampering and damage', () => {
  async function seeded() {
    const h = vaults()
    await h.vault.init(PASS)
    const a = h.vault.add('db-password', 'a', {}, { password: 'secret-a' }).id
    const b = h.vault.add('db-password', 'b', {}, { password: 'secret-b' }).id
    return { ...h, a, b }
  }
  const flip = (buf: Buffer, at: number) => {
    const out = Buffer.from(buf)
    out[at] = (out[at] ?? 0) ^ 0x01
    return out
  }
  const blob = (h: { db: Db }, id: string) =>
    (h.db.prepare('SELECT ciphertext FROM credentials WHERE id = ?').get(id) as { ciphertext: Buffer })
      .ciphertext
  const setBlob = (h: { db: Db }, id: string, b: Buffer) =>
    h.db.prepare('UPDATE credentials SET ciphertext = ? WHERE id = ?').run(b, id)

  it('names a credential whose ciphertext had one bit flipped, and the others still open', async () => {
    const h = await seeded()
    setBlob(h, h.a, flip(blob(h, h.a), 15))
    const e = await errorOf(reveal(h.vault, h.a))
    expect(e.code).toBe('tampered')
    expect(e.message).toBe(
      'The stored secret of "a" was modified or damaged and cannot be trusted; rotate it',
    )
    expect(await reveal(h.vault, h.b)).toEqual({ password: 'secret-b' })
  })

  it('detects a flipped bit in the authentication tag', async () => {
    const h = await seeded()
    const b = blob(h, h.a)
    setBlob(h, h.a, flip(b, b.length - 1))
    expect((await errorOf(reveal(h.vault, h.a))).code).toBe('tampered')
    expect(await reveal(h.vault, h.b)).toEqual({ password: 'secret-b' })
  })

  it('refuses a ciphertext moved onto another record', async () => {
    const h = await seeded()
    setBlob(h, h.a, blob(h, h.b))
    expect((await errorOf(reveal(h.vault, h.a))).code).toBe('tampered')
  })

  it('names a truncated secret', async () => {
    const h = await seeded()
    setBlob(h, h.a, blob(h, h.a).subarray(0, 10))
    const e = await errorOf(reveal(h.vault, h.a))
    expect(e.code).toBe('truncated')
    expect(e.message).toBe('The stored secret of "a" is truncated; rotate it')
  })

  it('tells a corrupted header from a wrong passphrase, and a truncated key record', async () => {
    const h = await seeded()
    h.vault.lock('manual')
    const row = h.db.prepare('SELECT header, wrapped_key FROM vault').get() as {
      header: string
      wrapped_key: Buffer
    }
    expect((await errorOf(h.vault.unlock('not the passphrase'))).code).toBe('wrong_passphrase')

    h.db.prepare('UPDATE vault SET header = ?').run(row.header.replace('"p":1', '"p":3'))
    const corrupt = await errorOf(h.vault.unlock(PASS))
    expect(corrupt.code).toBe('header_corrupt')
    expect(corrupt.message).toMatch(/checksum does not match/)
    h.db.prepare('UPDATE vault SET header = ?').run(row.header)

    h.db.prepare('UPDATE vault SET wrapped_key = ?').run(flip(row.wrapped_key, 20))
    expect((await errorOf(h.vault.unlock(PASS))).code).toBe('header_corrupt')
    h.db.prepare('UPDATE vault SET wrapped_key = ?').run(row.wrapped_key.subarray(0, 30))
    expect((await errorOf(h.vault.unlock(PASS))).code).toBe('truncated')
    h.db.prepare('UPDATE vault SET wrapped_key = ?').run(row.wrapped_key)

    // Nothing was lost along the way.
    await h.vault.unlock(PASS)
    expect(await reveal(h.vault, h.a)).toEqual({ password: 'secret-a' })
  })

  it('refuses a header downgraded to weaker key derivation even with a valid checksum', async () => {
    const h = await seeded()
    h.vault.lock('manual')
    // This vault was written with cheap test parameters; a vault that enforces the minimums must refuse it.
    const strict = h.reopen({ unsafeKdfForTests: undefined })
    const e = await errorOf(strict.unlock(PASS))
    expect(e.code).toBe('downgrade')
    expect(e.message).toBe(
      'The vault header asks for weaker key derivation than allowed: scrypt N=1024 (minimum 131072). Refusing it as a possible downgrade attack',
    )
    // A re-signed header with r lowered is refused for r.
    const row = h.db.prepare('SELECT header, wrapped_key FROM vault').get() as {
      header: string
      wrapped_key: Buffer
    }
    const header = JSON.parse(row.header)
    header.kdf = { ...header.kdf, N: 2 ** 17, r: 4 }
    const text = canonical(header)
    h.db.prepare('UPDATE vault SET header = ?, checksum = ?').run(text, checksum(text, row.wrapped_key))
    expect((await errorOf(strict.unlock(PASS))).message).toMatch(/scrypt r=4 \(minimum 8\)/)
  })
})

describe('passphrase, locking and this device', () => {
  it('uses real parameters by default: N=2^17, r=8, and unlocks with them', async () => {
    const { vault, db } = vaults({ unsafeKdfForTests: undefined })
    await vault.init(PASS)
    const header = JSON.parse((db.prepare('SELECT header FROM vault').get() as { header: string }).header)
    expect(header.kdf).toMatchObject({ alg: 'scrypt', N: KDF_DEFAULT.N, r: 8, p: KDF_DEFAULT.p })
    vault.lock('manual')
    await vault.unlock(PASS)
    expect(vault.state()).toBe('unlocked')
  }, 20_000)

  it('refuses a passphrase shorter than 12 characters', async () => {
    const { vault } = vaults()
    expect((await errorOf(vault.init('short'))).code).toBe('weak_passphrase')
    expect(vault.state()).toBe('uninitialised')
  })

  it('changing the passphrase re-wraps the key only: every ciphertext stays byte for byte', async () => {
    const { vault, db } = vaults()
    await vault.init(PASS)
    const id = vault.add('db-password', 'db', {}, { password: 'kept' }).id
    const before = db.prepare('SELECT ciphertext FROM credentials').all()
    expect((await errorOf(vault.changePassphrase('wrong one here', 'another long passphrase'))).code).toBe(
      'wrong_passphrase',
    )
    await vault.changePassphrase(PASS, 'another long passphrase')
    expect(db.prepare('SELECT ciphertext FROM credentials').all()).toEqual(before)
    vault.lock('manual')
    expect((await errorOf(vault.unlock(PASS))).code).toBe('wrong_passphrase')
    await vault.unlock('another long passphrase')
    expect(await reveal(vault, id)).toEqual({ password: 'kept' })
  })

  it('locks after the idle time, activity postpones it, and 0 means never', async () => {
    const { vault, timers, states } = vaults()
    await vault.init(PASS)
    expect(vault.autoLockMinutes()).toBe(15)
    timers.advance(14 * 60_000)
    vault.touch()
    timers.advance(14 * 60_000)
    expect(vault.state()).toBe('unlocked')
    timers.advance(60_000 + 1)
    expect(vault.state()).toBe('locked')
    expect(states.at(-1)).toBe('locked:idle')

    await vault.unlock(PASS)
    vault.setAutoLock(0)
    timers.advance(48 * 3600_000)
    expect(vault.state()).toBe('unlocked')
  })

  it('locks when the computer suspends or the screen locks', async () => {
    const power = fakePower()
    const { vault, states } = vaults({ power })
    await vault.init(PASS)
    power.fire('suspend')
    expect(vault.state()).toBe('locked')
    await vault.unlock(PASS)
    power.fire('lock-screen')
    expect(states).toEqual(['unlocked:init', 'locked:suspend', 'unlocked:unlock', 'locked:lock-screen'])
  })

  it('remembers the key on this device through the keychain, and refuses basic_text', async () => {
    const keychain = fakeKeychain()
    const h = vaults({ keychain })
    await h.vault.init(PASS)
    h.vault.lock('manual')
    await h.vault.unlock(PASS, { remember: true })
    expect(h.vault.isRemembered()).toBe(true)
    const fresh = h.reopen()
    expect(fresh.state()).toBe('locked')
    expect(fresh.unlockRemembered()).toBe(true)
    expect(fresh.state()).toBe('unlocked')
    fresh.forgetDevice()
    expect(h.reopen().unlockRemembered()).toBe(false)

    const plain = vaults({ keychain: fakeKeychain('basic_text') })
    await plain.vault.init(PASS)
    expect(plain.vault.rememberUnavailableReason()).toMatch(/basic_text/)
    plain.vault.lock('manual')
    const e = await errorOf(plain.vault.unlock(PASS, { remember: true }))
    expect(e.code).toBe('keychain_unavailable')
    expect(plain.vault.state()).toBe('locked')
  })
})

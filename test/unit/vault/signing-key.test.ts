// The report signing key in the vault: made once, its private half sealed for that purpose only, usable only
// while the vault is unlocked, and signatures that Node's own verify (and so openssl) accepts.
import { describe, expect, it } from 'vitest'
import { createPublicKey, verify } from 'node:crypto'
import { SigningKeys } from '../../../src-main/core/vault/signing-key'
import { errorOf, useVaults } from './support'

const open = useVaults()
const PASS = 'signing key test passphrase'

describe('the report signing key', () => {
  it('is made once, signs verifiably, and is the same key after a restart', async () => {
    const h = open()
    await h.vault.init(PASS)
    const keys = new SigningKeys(h.sql, h.vault, h.clock)
    expect(keys.current()).toBeUndefined()
    const data = Buffer.from('manifest bytes')
    const { key, signature } = await keys.sign(data)
    expect(key.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/)
    expect(verify(null, data, createPublicKey(key.publicKeyPem), signature)).toBe(true)
    expect(verify(null, Buffer.from('manifest bytez'), createPublicKey(key.publicKeyPem), signature)).toBe(
      false,
    )
    const again = new SigningKeys(h.sql, h.reopen(), h.clock)
    expect(again.current()).toEqual(key)
  })

  it('needs the vault unlocked, and its sealed blob opens for no other purpose', async () => {
    const h = open()
    await h.vault.init(PASS)
    const keys = new SigningKeys(h.sql, h.vault, h.clock)
    keys.ensure()
    h.vault.lock('manual')
    expect((await errorOf(keys.sign(Buffer.from('x')))).message).toBe(
      'The vault is locked: unlock it to sign the evidence bundle',
    )
    await h.vault.unlock(PASS)
    const row = h.db.prepare('SELECT sealed_private FROM signing_keys').get() as { sealed_private: Buffer }
    const err = await errorOf(
      h.vault.withSealed('something-else', row.sealed_private, 'peek', () => 'opened'),
    )
    expect(err.code).toBe('tampered')
    expect(await h.vault.withSealed('report-signing-key', row.sealed_private, 'sign', (b) => b.length)).toBe(
      48,
    )
  })
})

// The vault's building blocks: sealed blobs bound to their place, named damage, and a header read with a
// floor (downgrades) and a ceiling (damage that would make unlock allocate gigabytes) before any key work.
import { describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import {
  BLOB_OVERHEAD,
  BlobError,
  canonical,
  checksum,
  deriveKey,
  KDF_MINIMUM,
  newHeader,
  open,
  pack,
  seal,
  unpack,
} from '../../../src-main/core/vault/crypto'
import { readHeader } from '../../../src-main/core/vault/header'
import { VaultError } from '../../../src-main/core/vault/errors'

const key = randomBytes(32)

function blobError(fn: () => unknown): BlobError {
  try {
    fn()
  } catch (err) {
    if (err instanceof BlobError) return err
    throw err
  }
  throw new Error('expected a BlobError')
}

describe('sealed blobs', () => {
  it('round-trip, with a fresh nonce each time', () => {
    const plain = Buffer.from('the secret')
    const a = seal(key, plain, 'record-1')
    const b = seal(key, plain, 'record-1')
    expect(a.equals(b)).toBe(false)
    expect(a).toHaveLength(BLOB_OVERHEAD + plain.length)
    expect(a.includes(plain)).toBe(false)
    expect(open(key, a, 'record-1').toString()).toBe('the secret')
  })

  it('open only in the place they were sealed for, and only with their key', () => {
    const blob = seal(key, Buffer.from('x'), 'record-1')
    expect(blobError(() => open(key, blob, 'record-2')).kind).toBe('tampered')
    expect(blobError(() => open(randomBytes(32), blob, 'record-1')).kind).toBe('tampered')
  })

  it('name a cut-short blob "truncated", however short, and an overlong one "tampered"', () => {
    const blob = seal(key, Buffer.from('a longer secret value'), 'r')
    for (let keep = 0; keep < blob.length; keep++)
      expect(blobError(() => open(key, blob.subarray(0, keep), 'r')).kind).toBe('truncated')
    expect(blobError(() => open(key, Buffer.concat([blob, Buffer.from([0])]), 'r')).kind).toBe('tampered')
    expect(blobError(() => open(key, Buffer.concat([Buffer.from([9]), blob.subarray(1)]), 'r')).detail).toBe(
      'unknown blob version 9',
    )
  })
})

describe('packed secret fields', () => {
  it('round-trip as views into one Buffer, so zeroing it wipes them all', () => {
    const buf = pack({ privateKey: 'k'.repeat(300), passphrase: 'pässphrase' })
    const fields = unpack(buf)
    expect(fields.passphrase?.toString('utf8')).toBe('pässphrase')
    buf.fill(0)
    expect(fields.privateKey?.every((b) => b === 0)).toBe(true)
    expect(fields.passphrase?.every((b) => b === 0)).toBe(true)
  })

  it('refuse malformed contents', () => {
    expect(blobError(() => unpack(Buffer.from([0, 1, 0, 0, 0, 9, 65]))).kind).toBe('tampered')
  })
})

describe('key derivation', () => {
  it('treats composed and decomposed accents as the same passphrase', async () => {
    const kdf = { ...newHeader({ N: 1024, r: 8, p: 1 }).kdf }
    const a = await deriveKey('Ångström'.normalize('NFC'), kdf)
    const b = await deriveKey('Ångström'.normalize('NFD'), kdf)
    expect(a.equals(b)).toBe(true)
  })
})

describe('reading the header', () => {
  const wrapped = randomBytes(BLOB_OVERHEAD + 32)
  const record = (
    edit: (h: Record<string, unknown> & { kdf: Record<string, unknown> }) => void = () => {},
  ) => {
    const h = newHeader({ N: KDF_MINIMUM.N, r: 8, p: 1 }) as unknown as Record<string, unknown> & {
      kdf: Record<string, unknown>
    }
    edit(h)
    const header = canonical(h)
    return { header, checksum: checksum(header, wrapped), wrapped_key: wrapped }
  }
  const refusal = (row: ReturnType<typeof record>) => {
    try {
      readHeader(row)
    } catch (err) {
      if (err instanceof VaultError) return [err.code, err.message]
      throw err
    }
    throw new Error('expected the header to be refused')
  }

  it('accepts the minimums', () => {
    expect(readHeader(record()).kdf).toMatchObject({ alg: 'scrypt', N: 2 ** 17, r: 8, p: 1 })
  })

  it('refuses each weaker parameter as a downgrade, naming it and its minimum', () => {
    const msg = (what: string) =>
      `The vault header asks for weaker key derivation than allowed: scrypt ${what}. ` +
      'Refusing it as a possible downgrade attack'
    expect(refusal(record((h) => (h.kdf.N = 2 ** 16)))).toEqual([
      'downgrade',
      msg('N=65536 (minimum 131072)'),
    ])
    expect(refusal(record((h) => (h.kdf.r = 7)))).toEqual(['downgrade', msg('r=7 (minimum 8)')])
    expect(refusal(record((h) => (h.kdf.salt = randomBytes(15).toString('base64'))))).toEqual([
      'downgrade',
      msg('a salt of 15 bytes (minimum 16)'),
    ])
    expect(refusal(record((h) => (h.kdf.alg = 'pbkdf2')))).toEqual([
      'downgrade',
      'The vault header names aes-256-gcm with pbkdf2; Driftwatch accepts only aes-256-gcm with scrypt. ' +
        'Refusing it as a possible downgrade attack',
    ])
    expect(refusal(record((h) => (h.cipher = 'aes-128-cbc')))[0]).toBe('downgrade')
    expect(refusal(record((h) => (h.format = 0)))[0]).toBe('downgrade')
  })

  it('refuses a header from a newer Driftwatch, saying to update', () => {
    expect(refusal(record((h) => (h.format = 2)))).toEqual([
      'header_corrupt',
      'The vault was written by a newer Driftwatch (vault format 2; this one reads 1). ' +
        'Update Driftwatch to open it',
    ])
  })

  it('refuses parameters that would make unlock allocate gigabytes or run for minutes', () => {
    const [code, message] = refusal(record((h) => (h.kdf.N = 2 ** 30)))
    expect(code).toBe('header_corrupt')
    expect(message).toMatch(
      /^The vault header asks for scrypt N=1073741824, r=8, p=1 \(1048577 MiB\), more than/,
    )
    expect(refusal(record((h) => (h.kdf.p = 1000)))[0]).toBe('header_corrupt')
    expect(refusal(record((h) => (h.kdf.N = 3 * 2 ** 17)))[1]).toMatch(/is not a power of two/)
  })

  it('names a malformed header, and one whose checksum does not match', () => {
    expect(refusal(record((h) => delete h.kdf.salt))).toEqual([
      'header_corrupt',
      'The vault header is malformed (kdf.salt: Invalid input: expected string, received undefined); ' +
        'restore the data folder from a backup',
    ])
    const row = record()
    expect(refusal({ ...row, header: row.header.replace('"format":1', '"format":1 ') })[0]).toBe(
      'header_corrupt',
    )
    const garbled = '{not json'
    expect(refusal({ ...row, header: garbled, checksum: checksum(garbled, wrapped) })[1]).toMatch(
      /^The vault header is not valid JSON/,
    )
  })
})

// The vault's cryptography: scrypt turns the passphrase into a key-encryption key, AES-256-GCM seals the
// data key and every secret with a fresh nonce and associated data that binds each blob to its place.
import { createCipheriv, createDecipheriv, createHash, randomBytes, scrypt } from 'node:crypto'

export const FORMAT_VERSION = 1
/** Below these the header is refused: a weaker header than we write can only be a downgrade. */
export const KDF_MINIMUM = { N: 2 ** 17, r: 8, p: 1, saltBytes: 16 } as const
/** What new vaults get: about 0.5 s per unlock on a 2-core laptop-class machine (bench/vault). */
export const KDF_DEFAULT = { N: 2 ** 17, r: 8, p: 2 } as const

export interface KdfParams {
  alg: 'scrypt'
  N: number
  r: number
  p: number
  salt: string // base64
}
export interface Header {
  format: number
  cipher: 'aes-256-gcm'
  kdf: KdfParams
}

const NONCE = 12
const TAG = 16
const BLOB_VERSION = 1
export const MIN_BLOB = 1 + NONCE + TAG

export class BlobError extends Error {
  constructor(readonly kind: 'truncated' | 'tampered') {
    super(kind)
  }
}

export function newHeader(kdf: { N: number; r: number; p: number } = KDF_DEFAULT): Header {
  return {
    format: FORMAT_VERSION,
    cipher: 'aes-256-gcm',
    kdf: { alg: 'scrypt', ...kdf, salt: randomBytes(16).toString('base64') },
  }
}

/** Stable JSON (sorted keys), so the header's checksum and associated data do not depend on key order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(value)
}

export function checksum(headerText: string, wrappedKey: Buffer): string {
  return createHash('sha256').update(headerText).update('\0').update(wrappedKey).digest('hex')
}

export function deriveKey(passphrase: string, kdf: KdfParams): Promise<Buffer> {
  const salt = Buffer.from(kdf.salt, 'base64')
  // scrypt needs 128·N·r bytes; allow that plus headroom, or Node refuses the parameters.
  const maxmem = 128 * kdf.N * kdf.r * Math.max(1, kdf.p) + 64 * 1024 * 1024
  return new Promise((resolve, reject) =>
    scrypt(passphrase.normalize('NFKC'), salt, 32, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  )
}

/** version(1) ‖ nonce(12) ‖ ciphertext ‖ tag(16); `aad` binds the blob to where it is stored. */
export function seal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const nonce = randomBytes(NONCE)
  const c = createCipheriv('aes-256-gcm', key, nonce)
  c.setAAD(Buffer.from(aad))
  const body = Buffer.concat([c.update(plaintext), c.final()])
  return Buffer.concat([Buffer.from([BLOB_VERSION]), nonce, body, c.getAuthTag()])
}

export function open(key: Buffer, blob: Buffer, aad: string): Buffer {
  if (blob.length < MIN_BLOB) throw new BlobError('truncated')
  if (blob[0] !== BLOB_VERSION) throw new BlobError('tampered')
  const d = createDecipheriv('aes-256-gcm', key, blob.subarray(1, 1 + NONCE))
  d.setAAD(Buffer.from(aad))
  d.setAuthTag(blob.subarray(blob.length - TAG))
  try {
    return Buffer.concat([d.update(blob.subarray(1 + NONCE, blob.length - TAG)), d.final()])
  } catch {
    throw new BlobError('tampered')
  }
}

/** Secret fields packed as name/value pairs in one Buffer, so they can be zeroed in place after use. */
export function pack(fields: Record<string, string>): Buffer {
  const parts: Buffer[] = []
  for (const [name, value] of Object.entries(fields)) {
    const n = Buffer.from(name)
    const v = Buffer.from(value, 'utf8')
    const head = Buffer.alloc(6)
    head.writeUInt16BE(n.length, 0)
    head.writeUInt32BE(v.length, 2)
    parts.push(head, n, v)
  }
  return Buffer.concat(parts)
}

/** Views into `buf` (no copies): zero-filling `buf` wipes every field. */
export function unpack(buf: Buffer): Record<string, Buffer> {
  const out: Record<string, Buffer> = {}
  let i = 0
  while (i + 6 <= buf.length) {
    const nl = buf.readUInt16BE(i)
    const vl = buf.readUInt32BE(i + 2)
    const name = buf.subarray(i + 6, i + 6 + nl).toString()
    out[name] = buf.subarray(i + 6 + nl, i + 6 + nl + vl)
    i += 6 + nl + vl
  }
  if (i !== buf.length) throw new BlobError('tampered')
  return out
}

// The vault's cryptography: scrypt turns the passphrase into a key-encryption key, AES-256-GCM seals the
// data key and every secret with a fresh nonce and associated data that binds each blob to its place.
import { createCipheriv, createDecipheriv, createHash, randomBytes, scrypt } from 'node:crypto'

export const FORMAT_VERSION = 1

export interface ScryptCost {
  N: number
  r: number
  p: number
}
/**
 * Below these a header is refused: Driftwatch never writes weaker ones, so a weaker header can only be a
 * downgrade (or a vault from a tool we do not trust with an auditor's keys).
 */
export const KDF_MINIMUM = { N: 2 ** 17, r: 8, p: 1, saltBytes: 16 } as const
/**
 * What new vaults get: N=2^18 (256 MiB) rather than N=2^17 with p=2. Both take about 0.7–0.8 s here
 * (bench/vault), but doubling N doubles the memory each guess needs as well as its time, so a guessing
 * rig pays four times the memory-time; doubling p only doubles the time.
 */
export const KDF_DEFAULT: ScryptCost = { N: 2 ** 18, r: 8, p: 1 }
/**
 * Above these a header is refused as damaged: a flipped high bit in N must not make unlock try to allocate
 * gigabytes or run for minutes. Eight times the default work, four times its memory.
 */
export const KDF_MAXIMUM = { memoryBytes: 1024 * 1024 * 1024, work: 2 ** 24 } as const

export interface KdfParams extends ScryptCost {
  alg: 'scrypt'
  salt: string // base64
}
export interface Header {
  format: number
  cipher: 'aes-256-gcm'
  kdf: KdfParams
}

/** scrypt's working memory for these parameters, as OpenSSL counts it when checking maxmem. */
export const scryptMemory = ({ N, r, p }: ScryptCost) => 128 * r * (N + 2) + 128 * r * p

export function newHeader(cost: ScryptCost = KDF_DEFAULT): Header {
  return {
    format: FORMAT_VERSION,
    cipher: 'aes-256-gcm',
    kdf: { alg: 'scrypt', N: cost.N, r: cost.r, p: cost.p, salt: randomBytes(16).toString('base64') },
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

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex')

/**
 * Two digests, of the header text and of the wrapped key, so accidental damage to either is named as such
 * instead of looking like a wrong passphrase. (Not a MAC: deliberate tampering is caught by GCM.)
 */
export function checksum(headerText: string, wrappedKey: Buffer): string {
  return `${sha256(headerText)}:${sha256(wrappedKey)}`
}

/** Which part of the key record no longer matches its stored checksum, if any. */
export function checksumMismatch(
  headerText: string,
  wrappedKey: Buffer,
  stored: string,
): 'header' | 'key' | null {
  const [header, key] = stored.split(':')
  if (header !== sha256(headerText)) return 'header'
  if (key !== sha256(wrappedKey)) return 'key'
  return null
}

/** Async scrypt (it runs on libuv's pool), so a 0.8 s unlock does not freeze the window or the server. */
export function deriveKey(passphrase: string, kdf: KdfParams): Promise<Buffer> {
  const salt = Buffer.from(kdf.salt, 'base64')
  // Node's default maxmem is 32 MiB; allow exactly what these parameters need, plus room for OpenSSL.
  const maxmem = scryptMemory(kdf) + 1024 * 1024
  return new Promise((resolve, reject) => {
    try {
      // NFKC: the same passphrase typed on another keyboard or OS (composed vs decomposed) opens the vault.
      scrypt(passphrase.normalize('NFKC'), salt, 32, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem }, (err, key) =>
        err ? reject(err) : resolve(key),
      )
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)))
    }
  })
}

const BLOB_VERSION = 1
const PREFIX = 1 + 4 // version, plaintext length
const NONCE = 12
const TAG = 16
export const BLOB_OVERHEAD = PREFIX + NONCE + TAG

export class BlobError extends Error {
  constructor(
    readonly kind: 'truncated' | 'tampered',
    readonly detail = '',
  ) {
    super(detail ? `${kind}: ${detail}` : kind)
    this.name = 'BlobError'
  }
}

/**
 * version(1) ‖ length(4) ‖ nonce(12) ‖ ciphertext ‖ tag(16). The length lets a cut-short blob be named
 * "truncated" rather than "tampered"; it is authenticated with `aad`, which binds the blob to its record.
 */
export function seal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const prefix = Buffer.alloc(PREFIX)
  prefix[0] = BLOB_VERSION
  prefix.writeUInt32BE(plaintext.length, 1)
  const nonce = randomBytes(NONCE)
  const c = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG })
  c.setAAD(Buffer.concat([prefix, Buffer.from(aad)]))
  const body = c.update(plaintext)
  c.final()
  return Buffer.concat([prefix, nonce, body, c.getAuthTag()])
}

export function open(key: Buffer, blob: Buffer, aad: string): Buffer {
  if (blob.length < PREFIX) throw new BlobError('truncated', `${blob.length} bytes`)
  if (blob[0] !== BLOB_VERSION) throw new BlobError('tampered', `unknown blob version ${blob[0]}`)
  const expected = BLOB_OVERHEAD + blob.readUInt32BE(1)
  if (blob.length < expected) throw new BlobError('truncated', `${blob.length} of ${expected} bytes`)
  if (blob.length > expected) throw new BlobError('tampered', `${blob.length} bytes, expected ${expected}`)
  const d = createDecipheriv('aes-256-gcm', key, blob.subarray(PREFIX, PREFIX + NONCE), {
    authTagLength: TAG,
  })
  d.setAAD(Buffer.concat([blob.subarray(0, PREFIX), Buffer.from(aad)]))
  d.setAuthTag(blob.subarray(blob.length - TAG))
  const plain = d.update(blob.subarray(PREFIX + NONCE, blob.length - TAG))
  try {
    d.final()
  } catch {
    // Unauthenticated plaintext is wiped before anyone can look at it.
    plain.fill(0)
    throw new BlobError('tampered', 'authentication failed')
  }
  return plain
}

/** Secret fields packed as name/value pairs in one Buffer, so they can be zeroed in place after use. */
export function pack(fields: Record<string, string>): Buffer {
  const parts: Buffer[] = []
  for (const [name, value] of Object.entries(fields)) {
    const n = Buffer.from(name)
    const head = Buffer.alloc(6)
    head.writeUInt16BE(n.length, 0)
    head.writeUInt32BE(Buffer.byteLength(value, 'utf8'), 2)
    parts.push(head, n, Buffer.from(value, 'utf8'))
  }
  const out = Buffer.concat(parts)
  for (const part of parts) part.fill(0)
  return out
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
  if (i !== buf.length) throw new BlobError('tampered', 'malformed secret fields')
  return out
}

// Reads the vault header before any key is derived, so damage, a downgrade and a wrong passphrase are told
// apart: checksum first (accidents), then shape and format, then the key-derivation floor and ceiling.
import { z } from 'zod'
import {
  BLOB_OVERHEAD,
  checksumMismatch,
  FORMAT_VERSION,
  KDF_MAXIMUM,
  KDF_MINIMUM,
  scryptMemory,
  type Header,
  type ScryptCost,
} from './crypto'
import { RESTORE, VaultError } from './errors'

const HeaderShape = z.object({
  format: z.number().int(),
  cipher: z.string(),
  kdf: z.object({
    alg: z.string(),
    N: z.number().int().positive(),
    r: z.number().int().positive(),
    p: z.number().int().positive(),
    salt: z.base64(),
  }),
})

export interface HeaderRecord {
  header: string
  checksum: string
  wrapped_key: Buffer
}

/**
 * `floor` is KDF_MINIMUM except in tests that asked for cheaper parameters by name (unsafeKdfForTests);
 * even then a header weaker than the floor is refused, so the downgrade path is always exercised.
 */
export function readHeader(row: HeaderRecord, floor: ScryptCost = KDF_MINIMUM): Header {
  const keyBytes = BLOB_OVERHEAD + 32
  if (row.wrapped_key.length < keyBytes)
    throw new VaultError(
      'truncated',
      `The vault's wrapped key is truncated (${row.wrapped_key.length} of ${keyBytes} bytes), so no ` +
        `passphrase can open it; ${RESTORE}`,
    )
  const damaged = checksumMismatch(row.header, row.wrapped_key, row.checksum)
  if (damaged === 'header')
    throw new VaultError(
      'header_corrupt',
      `The vault header is corrupted (its checksum does not match), so no passphrase can open it; ${RESTORE}`,
    )
  if (damaged === 'key')
    throw new VaultError(
      'tampered',
      "The vault's wrapped key is damaged (its checksum does not match), so no passphrase can open it; " +
        RESTORE,
    )

  let json: unknown
  try {
    json = JSON.parse(row.header)
  } catch {
    throw new VaultError('header_corrupt', `The vault header is not valid JSON; ${RESTORE}`)
  }
  const parsed = HeaderShape.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new VaultError(
      'header_corrupt',
      `The vault header is malformed (${issue?.path.join('.') || 'header'}: ${issue?.message}); ${RESTORE}`,
    )
  }
  const h = parsed.data
  if (h.format > FORMAT_VERSION)
    throw new VaultError(
      'header_corrupt',
      `The vault was written by a newer Driftwatch (vault format ${h.format}; this one reads ` +
        `${FORMAT_VERSION}). Update Driftwatch to open it`,
    )
  if (h.format < FORMAT_VERSION)
    throw new VaultError(
      'downgrade',
      `The vault header claims format ${h.format}, older than any Driftwatch wrote (${FORMAT_VERSION}); ` +
        'refusing it as a possible downgrade attack',
    )
  if (h.cipher !== 'aes-256-gcm' || h.kdf.alg !== 'scrypt')
    throw new VaultError(
      'downgrade',
      `The vault header names ${h.cipher} with ${h.kdf.alg}; Driftwatch accepts only aes-256-gcm with ` +
        'scrypt. Refusing it as a possible downgrade attack',
    )

  const { N, r, p } = h.kdf
  const saltBytes = Buffer.from(h.kdf.salt, 'base64').length
  const weak =
    N < floor.N
      ? `N=${N} (minimum ${floor.N})`
      : r < floor.r
        ? `r=${r} (minimum ${floor.r})`
        : p < floor.p
          ? `p=${p} (minimum ${floor.p})`
          : saltBytes < KDF_MINIMUM.saltBytes
            ? `a salt of ${saltBytes} bytes (minimum ${KDF_MINIMUM.saltBytes})`
            : ''
  if (weak)
    throw new VaultError(
      'downgrade',
      `The vault header asks for weaker key derivation than allowed: scrypt ${weak}. ` +
        'Refusing it as a possible downgrade attack',
    )

  if ((N & (N - 1)) !== 0)
    throw new VaultError(
      'header_corrupt',
      `The vault header's scrypt N=${N} is not a power of two; ${RESTORE}`,
    )
  const mib = (bytes: number) => Math.ceil(bytes / 2 ** 20)
  if (scryptMemory(h.kdf) > KDF_MAXIMUM.memoryBytes || N * r * p > KDF_MAXIMUM.work)
    throw new VaultError(
      'header_corrupt',
      `The vault header asks for scrypt N=${N}, r=${r}, p=${p} (${mib(scryptMemory(h.kdf))} MiB), ` +
        `more than Driftwatch ever writes or allows (${mib(KDF_MAXIMUM.memoryBytes)} MiB); ${RESTORE}`,
    )
  return { format: h.format, cipher: 'aes-256-gcm', kdf: { ...h.kdf, alg: 'scrypt' } }
}

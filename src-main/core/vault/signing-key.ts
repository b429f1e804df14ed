// The Ed25519 key that signs evidence bundles: made on first use, its private half sealed by the vault (so
// signing needs the vault unlocked), its public half stored readable and shipped inside every bundle.
import { createHash, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto'
import type { Sql } from '../store/sql/engine'
import { SigningKeysRepo } from '../store/signing-keys'
import type { Clock } from '../ports'
import type { Vault } from './vault'

const PURPOSE = 'report-signing-key'

export interface PublicSigningKey {
  id: string
  /** SPKI PEM, as `openssl pkeyutl -verify -pubin` reads it. */
  publicKeyPem: string
  /** SHA-256 of the DER public key, for a person to compare with the one they were given. */
  fingerprint: string
}

export const keyFingerprint = (publicKeyPem: string): string => {
  const body = publicKeyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')
  return (
    'SHA256:' + createHash('sha256').update(Buffer.from(body, 'base64')).digest('base64').replace(/=+$/, '')
  )
}

export class SigningKeys {
  private readonly repo: SigningKeysRepo

  constructor(
    sql: Sql,
    private readonly vault: Vault,
    private readonly clock: Clock,
  ) {
    this.repo = new SigningKeysRepo(sql)
  }

  current(): PublicSigningKey | undefined {
    const r = this.repo.current()
    return r ? { id: r.id, publicKeyPem: r.public_key, fingerprint: keyFingerprint(r.public_key) } : undefined
  }

  /** The current key, created (sealed by the vault, so it must be unlocked) when there is none. */
  ensure(): PublicSigningKey {
    return this.current() ?? this.create()
  }

  /** Signs with the current key, creating it first if there is none; throws VaultError when locked. */
  async sign(data: Buffer): Promise<{ key: PublicSigningKey; signature: Buffer }> {
    const key = this.ensure()
    const signature = await this.vault.withSealed(
      PURPOSE,
      this.repo.sealedPrivate(key.id),
      'sign the evidence bundle',
      (der) => sign(null, data, createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })),
    )
    return { key, signature }
  }

  private create(): PublicSigningKey {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519')
    const der = privateKey.export({ format: 'der', type: 'pkcs8' })
    try {
      const sealed = this.vault.sealFor(PURPOSE, der, 'create the key that signs evidence bundles')
      const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString()
      const id = keyFingerprint(pem)
      this.repo.add(id, pem, sealed, this.clock.now().toISOString())
      return { id, publicKeyPem: pem, fingerprint: id }
    } finally {
      der.fill(0)
    }
  }
}

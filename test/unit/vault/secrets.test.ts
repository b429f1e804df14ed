// What each credential kind accepts before it is sealed, and the sentence a person gets when it is not.
import { describe, expect, it } from 'vitest'
import { createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto'
import ssh2 from 'ssh2'
import { checkMeta, checkSecret } from '../../../src-main/core/vault/secrets'
import { VaultError } from '../../../src-main/core/vault/errors'
import { CLIENT_CERT, CLIENT_KEY, encryptedClientKey, KEY_PASSPHRASE, plainSshKey, sshKey } from './support'

const refusal = (kind: Parameters<typeof checkSecret>[0], secret: unknown) => {
  try {
    checkSecret(kind, secret)
  } catch (err) {
    if (err instanceof VaultError && err.code === 'invalid') return err.message
    throw err
  }
  throw new Error('expected the secret to be refused')
}

describe('ssh-key', () => {
  it('accepts OpenSSH and PEM private keys, with their SHA-256 fingerprint as ssh-keygen prints it', () => {
    const parsed = ssh2.utils.parseKey(plainSshKey.public)
    if (parsed instanceof Error) throw parsed
    const expected = createHash('sha256').update(parsed.getPublicSSH()).digest('base64').replace(/=+$/, '')
    expect(checkSecret('ssh-key', { privateKey: plainSshKey.private })).toEqual({
      fields: { privateKey: plainSshKey.private },
      fingerprint: `ssh-ed25519 SHA256:${expected}`,
    })
    const pem = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey
    expect(checkSecret('ssh-key', { privateKey: pem, passphrase: '' }).fingerprint).toMatch(
      /^ssh-rsa SHA256:/,
    )
  })

  it('checks an encrypted key against its passphrase', () => {
    expect(checkSecret('ssh-key', { privateKey: sshKey.private, passphrase: KEY_PASSPHRASE }).fields).toEqual(
      {
        privateKey: sshKey.private,
        passphrase: KEY_PASSPHRASE,
      },
    )
    expect(refusal('ssh-key', { privateKey: sshKey.private })).toBe(
      'privateKey is encrypted: give its passphrase',
    )
    expect(refusal('ssh-key', { privateKey: sshKey.private, passphrase: 'nope' })).toBe(
      'passphrase does not open this private key',
    )
  })

  it('refuses what is not a private key', () => {
    expect(refusal('ssh-key', { privateKey: 'hello' })).toBe(
      'privateKey is not an OpenSSH or PEM private key',
    )
    expect(refusal('ssh-key', { privateKey: plainSshKey.public })).toBe(
      'privateKey holds a public key, not a private key',
    )
    expect(refusal('ssh-key', {})).toBe('privateKey is required')
    expect(refusal('ssh-key', { privateKey: 'x'.repeat(64 * 1024 + 1) })).toBe(
      'privateKey is longer than 65536 characters',
    )
  })
})

describe('db-client-cert', () => {
  it('accepts a certificate with its own key, plain or encrypted', () => {
    const ok = checkSecret('db-client-cert', { cert: CLIENT_CERT, key: CLIENT_KEY, passphrase: '' })
    expect(ok.fields).toEqual({ cert: CLIENT_CERT, key: CLIENT_KEY })
    expect(ok.fingerprint).toMatch(/^O=Driftwatch tests, CN=db-client SHA256:[0-9A-F:]{95}$/)
    const key = encryptedClientKey('cert-key-pass')
    expect(
      checkSecret('db-client-cert', { cert: CLIENT_CERT, key, passphrase: 'cert-key-pass' }).fields,
    ).toEqual({
      cert: CLIENT_CERT,
      key,
      passphrase: 'cert-key-pass',
    })
    expect(refusal('db-client-cert', { cert: CLIENT_CERT, key })).toBe(
      'key is encrypted: give its passphrase',
    )
    expect(refusal('db-client-cert', { cert: CLIENT_CERT, key, passphrase: 'wrong' })).toBe(
      'passphrase does not open this private key',
    )
  })

  it('says the passphrase is wrong even when the wrong one decrypts to padding that checks out', () => {
    // CLIENT_KEY encrypted with 'cert-key-pass'; 'wrong 157' decrypts it to a valid padding, so OpenSSL's error
    // is its decoder's ("unsupported"), not "bad decrypt" (about one wrong passphrase in 270 does this).
    const key = `-----BEGIN ENCRYPTED PRIVATE KEY-----
MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAh9StveephJZwICCAAw
DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEDUrG9pecCZB9tyUN2GIqusEgZCA
isd8QLVrw7zRWmGXOEiJ1EOTfDzKpKozQGVNFw3+uqmy+slDilqWSePNQ2jT92Hn
SPli5JsJRjEI1YniF9vz64ICbFBO0Gz6SxSB1NesSphWCMHUjvTBicW4PsG4n53G
d4m8ZdDYd6ySUPr/5OGMl0SoS6iNpd9VtWub50FjLYQGb5BV7ZbsxDNlRo2hJhc=
-----END ENCRYPTED PRIVATE KEY-----
`
    expect(() => createPrivateKey({ key, passphrase: 'wrong 157' })).toThrow(/DECODER routines::unsupported/)
    expect(refusal('db-client-cert', { cert: CLIENT_CERT, key, passphrase: 'wrong 157' })).toBe(
      'passphrase does not open this private key',
    )
    expect(
      checkSecret('db-client-cert', { cert: CLIENT_CERT, key, passphrase: 'cert-key-pass' }).fields.key,
    ).toBe(key)
  })

  it('refuses a key that does not belong to the certificate, and what is not a certificate', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString()
    expect(refusal('db-client-cert', { cert: CLIENT_CERT, key: other })).toBe('key does not belong to cert')
    expect(refusal('db-client-cert', { cert: CLIENT_KEY, key: CLIENT_KEY })).toBe(
      'cert is not a PEM or DER X.509 certificate',
    )
    expect(refusal('db-client-cert', { cert: CLIENT_CERT, key: 'nope' })).toBe('key is not a PEM private key')
    expect(refusal('db-client-cert', { cert: CLIENT_CERT })).toBe('key is required')
  })
})

describe('passwords and tokens', () => {
  it('accept any non-empty password, but no line break in a sudo password', () => {
    expect(checkSecret('db-password', { password: ' spaces  kept ' }).fields.password).toBe(' spaces  kept ')
    expect(refusal('sudo-password', { password: 'first\nsecond' })).toBe(
      'password contains a line break, which sudo would read as the end of the password',
    )
    expect(refusal('ssh-password', { password: 'x'.repeat(1025) })).toBe(
      'password is longer than 1024 characters',
    )
    expect(refusal('db-password', { password: 42 })).toBe('password is required')
  })

  it('trim a pasted token, refuse one with spaces inside, and say what kind of token it is', () => {
    expect(checkSecret('github-token', { token: ' github_pat_11AAAA_bbbb\n' })).toEqual({
      fields: { token: 'github_pat_11AAAA_bbbb' },
      fingerprint: 'fine-grained personal access token (github_pat_…)',
    })
    expect(checkSecret('github-token', { token: 'ghs_abc' }).fingerprint).toBe(
      'GitHub App installation token (ghs_…)',
    )
    expect(checkSecret('github-token', { token: '0123456789abcdef' }).fingerprint).toBe('token')
    expect(refusal('github-token', { token: 'ghp_a b' })).toBe(
      'token contains spaces or line breaks: paste only the token',
    )
    expect(refusal('github-token', { token: '   ' })).toBe(
      'token contains spaces or line breaks: paste only the token',
    )
  })

  it('refuse fields the kind does not have, rather than sealing them unseen', () => {
    expect(refusal('github-token', { token: 't', password: 'p', extra: 'x' })).toBe(
      'The secret has unexpected fields: password, extra',
    )
    expect(refusal('no-such-kind' as never, {})).toBe('Unknown credential kind "no-such-kind"')
  })
})

describe('metadata', () => {
  it('keeps user name and notes, and drops anything else (a fingerprint is computed, never taken)', () => {
    expect(checkMeta({ username: 'ro', notes: 'n', fingerprint: 'forged' })).toEqual({
      username: 'ro',
      notes: 'n',
    })
    expect(() => checkMeta({ username: 'u'.repeat(129) })).toThrow('username is longer than 128 characters')
  })
})

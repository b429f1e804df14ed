// What a secret is, checked before it is sealed: keys and certificates must parse (with their passphrase),
// and each gets a fingerprint so people can tell credentials apart without ever seeing them.
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto'
import ssh2 from 'ssh2'
import type { CredentialKind } from '../../../src-preload/contract'
import { VaultError } from './vault'

export function describeSecret(
  kind: CredentialKind,
  secret: Record<string, string>,
): { fingerprint: string } {
  switch (kind) {
    case 'ssh-key': {
      const parsed = ssh2.utils.parseKey(secret.privateKey ?? '', secret.passphrase || undefined)
      if (parsed instanceof Error) {
        const encrypted = /encrypted|passphrase|decrypt/i.test(parsed.message)
        throw new VaultError(
          'invalid',
          encrypted
            ? secret.passphrase
              ? 'The key passphrase does not open this private key'
              : 'This private key is encrypted: give its passphrase'
            : 'privateKey is not an OpenSSH or PEM private key',
        )
      }
      const key = Array.isArray(parsed) ? parsed[0] : parsed
      if (!key?.isPrivateKey())
        throw new VaultError('invalid', 'privateKey holds a public key, not a private key')
      const digest = createHash('sha256').update(key.getPublicSSH()).digest('base64').replace(/=+$/, '')
      return { fingerprint: `${key.type} SHA256:${digest}` }
    }
    case 'db-client-cert': {
      let cert: X509Certificate
      try {
        cert = new X509Certificate(secret.cert ?? '')
      } catch {
        throw new VaultError('invalid', 'cert is not a PEM certificate')
      }
      try {
        createPrivateKey({ key: secret.key ?? '', passphrase: secret.passphrase || undefined })
      } catch {
        throw new VaultError('invalid', 'key is not a PEM private key, or its passphrase is wrong')
      }
      return { fingerprint: `${cert.subject.split('\n').join(', ')} SHA256:${cert.fingerprint256}` }
    }
    case 'github-token': {
      const m = /^(ghp|gho|ghu|ghs|ghr|github_pat)_/.exec(secret.token ?? '')
      return {
        fingerprint: m ? `${m[1] === 'github_pat' ? 'fine-grained' : 'classic'} token (${m[1]}_…)` : 'token',
      }
    }
    default:
      return { fingerprint: '' }
  }
}

// What an SSH host key is to Driftwatch: its type, its fingerprint exactly as ssh-keygen prints it, its
// public key line, and the host key algorithms ssh2 is asked for so a host presents the pinned key.
import { createHash } from 'node:crypto'

// ssh2 asks for host key *algorithms*; an RSA key is offered under three of them.
export const HOST_KEY_ALGORITHMS: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
}
/** When a host offers several keys, the strongest is pinned (and asked for afterwards). */
export const KEY_PREFERENCE = Object.keys(HOST_KEY_ALGORITHMS)

export interface HostKey {
  keyType: string
  /** As `ssh-keygen -lf` prints it: 'SHA256:' + unpadded base64. */
  fingerprint: string
  /** The OpenSSH public key line without host name: "ssh-ed25519 AAAA...". */
  publicKey: string
}

export interface PinnedHostKey extends HostKey {
  host: string
  port: number
  trustedAt: string
}

/** The SHA-256 fingerprint of an SSH public key blob, formatted exactly as `ssh-keygen -lf`. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`
}

/** Reads the key type out of an SSH wire-format public key blob (a length-prefixed string first). */
export function hostKeyOf(keyBlob: Buffer): HostKey {
  const len = keyBlob.length >= 4 ? keyBlob.readUInt32BE(0) : 0
  const keyType =
    len > 0 && len < 64 && keyBlob.length >= 4 + len ? keyBlob.subarray(4, 4 + len).toString() : ''
  return {
    keyType: keyType || 'unknown',
    fingerprint: fingerprintOf(keyBlob),
    publicKey: `${keyType || 'unknown'} ${keyBlob.toString('base64')}`,
  }
}

// SSH host keys and their pins: what a key is (type, fingerprint as ssh-keygen prints it), the pin port the
// connection checks against, and HostKeyStore, which pins keys on first use and from known_hosts files.
import { createHash } from 'node:crypto'
import type { Db } from '../../store/db'

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

/** What openSsh needs of the pins; HostKeyStore is the real one, over the known_hosts table. */
export interface HostKeyPins {
  get(host: string, port: number): PinnedHostKey | undefined
  trust(host: string, port: number, keyType: string, fingerprint: string, publicKey: string): void
}

export interface ImportReport {
  added: number
  unchanged: number
  /** host:port entries already pinned to another key: left alone, a person must forget the old pin first. */
  conflicts: string[]
  /** Hashed host names (|1|...) cannot be turned back into a host, so they are counted and skipped. */
  hashed: number
  /** Comments excepted: patterns, @cert-authority / @revoked lines, unknown key types, malformed lines. */
  skipped: number
}

type PinRow = {
  host: string
  port: number
  key_type: string
  fingerprint: string
  public_key: string
  trusted_at: string
}

export class HostKeyStore implements HostKeyPins {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get(host: string, port: number): PinnedHostKey | undefined {
    const row = this.db
      .prepare('SELECT * FROM known_hosts WHERE host = ? AND port = ?')
      .get(normHost(host), port) as PinRow | undefined
    return row && toPin(row)
  }

  list(): PinnedHostKey[] {
    return (this.db.prepare('SELECT * FROM known_hosts ORDER BY host, port').all() as PinRow[]).map(toPin)
  }

  trust(host: string, port: number, keyType: string, fingerprint: string, publicKey: string): void {
    this.db
      .prepare(
        `INSERT INTO known_hosts (host, port, key_type, fingerprint, public_key, trusted_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (host, port) DO UPDATE SET key_type = excluded.key_type,
           fingerprint = excluded.fingerprint, public_key = excluded.public_key,
           trusted_at = excluded.trusted_at`,
      )
      .run(normHost(host), port, keyType, fingerprint, publicKey, this.now().toISOString())
  }

  /** Returns whether a pin was there to remove. */
  forget(host: string, port: number): boolean {
    return (
      this.db.prepare('DELETE FROM known_hosts WHERE host = ? AND port = ?').run(normHost(host), port)
        .changes > 0
    )
  }

  /** Pins the keys of an OpenSSH known_hosts file; never replaces an existing pin with a different key. */
  importKnownHosts(text: string): ImportReport {
    const report: ImportReport = { added: 0, unchanged: 0, conflicts: [], hashed: 0, skipped: 0 }
    const found = new Map<string, HostKey & { host: string; port: number }>()
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim()
      if (!line || line.startsWith('#')) continue
      const fields = line.split(/\s+/)
      if (fields[0]!.startsWith('@')) {
        report.skipped++
        continue
      }
      const [hosts, keyType, b64] = fields
      if (hosts!.startsWith('|')) {
        report.hashed++
        continue
      }
      const blob = b64 && /^[A-Za-z0-9+/]+=*$/.test(b64) ? Buffer.from(b64, 'base64') : undefined
      const key = blob && hostKeyOf(blob)
      if (!keyType || !key || key.keyType !== keyType || !(keyType in HOST_KEY_ALGORITHMS)) {
        report.skipped++
        continue
      }
      for (const name of hosts!.split(',')) {
        const m = /^\[([^\]]+)\]:(\d+)$/.exec(name)
        const host = m ? m[1]! : name
        const port = m ? Number(m[2]) : 22
        if (!host || /[*?!]/.test(host) || port < 1 || port > 65535) {
          report.skipped++
          continue
        }
        const id = `${normHost(host)}:${port}`
        const prev = found.get(id)
        // One pin per host:port; the strongest key type wins, as ssh2 will then be asked for that type.
        if (!prev || KEY_PREFERENCE.indexOf(keyType) < KEY_PREFERENCE.indexOf(prev.keyType))
          found.set(id, { ...key, host: normHost(host), port })
      }
    }
    const apply = this.db.transaction(() => {
      for (const [id, k] of found) {
        const pin = this.get(k.host, k.port)
        if (!pin) {
          this.trust(k.host, k.port, k.keyType, k.fingerprint, k.publicKey)
          report.added++
        } else if (pin.fingerprint === k.fingerprint) report.unchanged++
        else report.conflicts.push(id)
      }
    })
    apply()
    return report
  }
}

const normHost = (host: string) => host.trim().toLowerCase()
const toPin = (r: PinRow): PinnedHostKey => ({
  host: r.host,
  port: r.port,
  keyType: r.key_type,
  fingerprint: r.fingerprint,
  publicKey: r.public_key,
  trustedAt: r.trusted_at,
})

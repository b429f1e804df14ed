// SSH host key pins: the port the connection checks against, and HostKeyStore, which pins a key on first use
// (after a person checked it) or from a known_hosts file, and never replaces a pin by itself.
import type { PinnedHostKey } from './host-key'
import { normHost, parseKnownHosts, type KnownHostsCandidate } from './known-hosts-file'

/** What openSsh needs of the pins; HostKeyStore is the real one. */
export interface HostKeyPins {
  get(host: string, port: number): PinnedHostKey | undefined
  trust(host: string, port: number, keyType: string, fingerprint: string, publicKey: string): void
}

/** Where pins are kept: the store's known_hosts repository, handed in by the core. */
export interface PinRepository {
  get(host: string, port: number): PinnedHostKey | undefined
  list(): PinnedHostKey[]
  /** Pins a key, replacing any pin of the same host:port. */
  put(pin: PinnedHostKey): void
  remove(host: string, port: number): boolean
  atomically<T>(fn: () => T): T
}

export interface ImportReport {
  added: number
  unchanged: number
  /** host:port entries already pinned to another key: left alone, a person must forget the old pin first. */
  conflicts: string[]
  /** Hashed host names (|1|...) that match no SSH target registered in Driftwatch, so nothing was pinned. */
  hashed: number
  /** Other entries not pinned (comments excepted): patterns, markers, unknown key types, malformed lines. */
  skipped: number
  /** What was pinned, and whether the file named the host only as a hash. */
  pinned: { host: string; port: number; keyType: string; fingerprint: string; hashed: boolean }[]
  /** Every entry left out and why, by line (the first MAX_REASONS). */
  reasons: { line: number; reason: string }[]
}

/** A file of thousands of odd lines should not make a report of thousands of reasons. */
export const MAX_REASONS = 200

export class HostKeyStore implements HostKeyPins {
  constructor(
    private readonly pins: PinRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get(host: string, port: number): PinnedHostKey | undefined {
    return this.pins.get(normHost(host), port)
  }

  list(): PinnedHostKey[] {
    return this.pins.list()
  }

  trust(host: string, port: number, keyType: string, fingerprint: string, publicKey: string): void {
    const trustedAt = this.now().toISOString()
    this.pins.put({ host: normHost(host), port, keyType, fingerprint, publicKey, trustedAt })
  }

  /** Returns whether a pin was there to remove. */
  forget(host: string, port: number): boolean {
    return this.pins.remove(normHost(host), port)
  }

  /**
   * Pins the keys of an OpenSSH known_hosts file; never replaces an existing pin with a different key.
   * `targets`: the SSH targets registered in Driftwatch, which hashed entries are matched against.
   */
  importKnownHosts(text: string, targets: KnownHostsCandidate[] = []): ImportReport {
    const parsed = parseKnownHosts(text, targets)
    const hashed = parsed.skipped.filter((s) => s.hashed).length
    const report: ImportReport = {
      added: 0,
      unchanged: 0,
      conflicts: [],
      hashed,
      skipped: parsed.skipped.length - hashed,
      pinned: [],
      reasons: parsed.skipped.slice(0, MAX_REASONS).map(({ line, reason }) => ({ line, reason })),
    }
    this.pins.atomically(() => {
      for (const k of parsed.keys) {
        const pin = this.get(k.host, k.port)
        if (!pin) {
          this.trust(k.host, k.port, k.keyType, k.fingerprint, k.publicKey)
          report.added++
          const { host, port, keyType, fingerprint, hashed } = k
          report.pinned.push({ host, port, keyType, fingerprint, hashed })
        } else if (pin.fingerprint === k.fingerprint) report.unchanged++
        else report.conflicts.push(`${k.host}:${k.port}`)
      }
    })
    return report
  }
}

// Reads an OpenSSH known_hosts file into the keys Driftwatch can pin, and says why every other entry is left
// out. Hashed names (|1|salt|hash, written by HashKnownHosts yes, the Debian and Ubuntu default) cannot be
// read back, so they are matched against the SSH targets Driftwatch knows, the way ssh itself looks them up.
import { createHmac } from 'node:crypto'
import { HOST_KEY_ALGORITHMS, hostKeyOf, KEY_PREFERENCE, type HostKey } from './host-key'

/** A host:port a hashed entry may stand for: the SSH targets registered in Driftwatch. */
export interface KnownHostsCandidate {
  host: string
  port: number
}

export interface FoundKey extends HostKey {
  host: string
  port: number
  /** Whether the entry named the host only as a hash (matched against a registered target). */
  hashed: boolean
  /** 1-based line in the file. */
  line: number
}

export interface SkippedEntry {
  line: number
  reason: string
  /** A hashed name that matches no registered target (counted apart: adding the target and importing again helps). */
  hashed?: boolean
}

export interface ParsedKnownHosts {
  /** One key per host:port, the strongest type when a host lists several. */
  keys: FoundKey[]
  skipped: SkippedEntry[]
}

/** Host names are compared as OpenSSH does: lower case, no surrounding space. */
export const normHost = (host: string) => host.trim().toLowerCase()

/** How ssh names a host:port in known_hosts (and so what it hashes): bare on port 22, else [host]:port. */
export const knownHostsName = (host: string, port: number) =>
  port === 22 ? normHost(host) : `[${normHost(host)}]:${port}`

const BASE64 = /^[A-Za-z0-9+/]+=*$/
const SHA1_BYTES = 20

/** Whether a |1|salt|hash entry is the HMAC-SHA1 of name keyed by salt (OpenSSH hostfile.c host_hash). */
export function hashedNameMatches(salt: Buffer, hash: Buffer, name: string): boolean {
  return createHmac('sha1', salt).update(name).digest().equals(hash)
}

/** Splits |1|salt|hash into its two 20-byte halves; undefined when it is not that shape. */
function parseHashed(pattern: string): { salt: Buffer; hash: Buffer } | undefined {
  const parts = pattern.split('|')
  if (parts.length !== 4 || parts[0] !== '' || parts[1] !== '1') return undefined
  const [salt, hash] = [parts[2]!, parts[3]!].map((p) =>
    BASE64.test(p) ? Buffer.from(p, 'base64') : undefined,
  )
  if (salt?.length !== SHA1_BYTES || hash?.length !== SHA1_BYTES) return undefined
  return { salt, hash }
}

/** The key of a line, or why it cannot be pinned. */
function readKey(keyType: string | undefined, b64: string | undefined): HostKey | string {
  if (!keyType || !b64) return 'no key on the line'
  if (!BASE64.test(b64)) return 'the key is not base64'
  const key = hostKeyOf(Buffer.from(b64, 'base64'))
  if (key.keyType !== keyType) return `the key is a ${key.keyType} key, but the line says ${keyType}`
  if (!(keyType in HOST_KEY_ALGORITHMS))
    return `${keyType} keys are not supported (${Object.keys(HOST_KEY_ALGORITHMS).join(', ')})`
  return key
}

/** The host:port a plain (not hashed) pattern names, or why it is not one host. */
function readPlain(pattern: string): KnownHostsCandidate | string {
  if (pattern.startsWith('!')) return `${pattern} is a negated pattern, not a host`
  if (/[*?]/.test(pattern)) return `${pattern} is a wildcard pattern; only single hosts can be pinned`
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(pattern)
  const host = m ? m[1]! : pattern
  const port = m ? Number(m[2]) : 22
  if (!host || /[[\]]/.test(host)) return `${pattern} is not a host name or [host]:port`
  if (port < 1 || port > 65535) return `${pattern} has a port outside 1-65535`
  return { host: normHost(host), port }
}

/**
 * Parses known_hosts text. Plain names are read as written; hashed names are matched against `candidates`.
 * Markers: @cert-authority lines are skipped (Driftwatch pins host keys, not CAs); @revoked keys are never
 * pinned, even where another line of the same file lists them for a host.
 */
export function parseKnownHosts(text: string, candidates: KnownHostsCandidate[]): ParsedKnownHosts {
  const skipped: SkippedEntry[] = []
  const found = new Map<string, FoundKey>()
  const revoked = new Set<string>()
  const names = candidates.map((c) => ({
    ...c,
    host: normHost(c.host),
    name: knownHostsName(c.host, c.port),
  }))
  const lines = text.split(/\r?\n/)
  lines.forEach((raw, i) => {
    const line = i + 1
    const text = raw.trim()
    if (!text || text.startsWith('#')) return
    const fields = text.split(/\s+/)
    if (fields[0]!.startsWith('@')) {
      const marker = fields.shift()!
      if (marker === '@revoked') {
        const key = readKey(fields[1], fields[2])
        if (typeof key !== 'string') revoked.add(key.fingerprint)
        skipped.push({
          line,
          reason:
            typeof key === 'string'
              ? `@revoked line not understood: ${key}`
              : `@revoked: ${key.fingerprint} is refused and never pinned`,
        })
      } else if (marker === '@cert-authority')
        skipped.push({
          line,
          reason: '@cert-authority: a CA for host certificates; Driftwatch pins host keys only',
        })
      else skipped.push({ line, reason: `unknown marker ${marker}` })
      return
    }
    const [hosts, keyType, b64] = fields
    const key = readKey(keyType, b64)
    if (typeof key === 'string') return void skipped.push({ line, reason: key })
    for (const pattern of hosts!.split(',')) {
      const targets: KnownHostsCandidate[] = []
      let hashed = false
      if (pattern.startsWith('|')) {
        hashed = true
        const h = parseHashed(pattern)
        if (!h) {
          skipped.push({ line, reason: 'a hashed host name not of the form |1|salt|hash' })
          continue
        }
        targets.push(...names.filter((c) => hashedNameMatches(h.salt, h.hash, c.name)))
        if (!targets.length) {
          skipped.push({
            line,
            hashed: true,
            reason:
              'a hashed host name that matches no SSH target in Driftwatch: add the target, then import again',
          })
          continue
        }
      } else {
        const plain = readPlain(pattern)
        if (typeof plain === 'string') {
          skipped.push({ line, reason: plain })
          continue
        }
        targets.push(plain)
      }
      for (const t of targets) {
        const id = `${t.host}:${t.port}`
        const prev = found.get(id)
        // One pin per host:port; the strongest key type wins, as ssh2 will then be asked for that type.
        if (!prev || KEY_PREFERENCE.indexOf(key.keyType) < KEY_PREFERENCE.indexOf(prev.keyType)) {
          if (prev && prev.fingerprint !== key.fingerprint)
            skipped.push({
              line: prev.line,
              reason: `${id}: its ${key.keyType} key on line ${line} is pinned instead`,
            })
          found.set(id, { ...key, host: t.host, port: t.port, hashed, line })
        } else if (prev.fingerprint !== key.fingerprint)
          skipped.push({
            line,
            reason: `${id}: its ${prev.keyType} key on line ${prev.line} is pinned instead`,
          })
      }
    }
  })
  const keys: FoundKey[] = []
  for (const [id, k] of found) {
    if (revoked.has(k.fingerprint))
      skipped.push({
        line: k.line,
        reason: `${id}: its key ${k.fingerprint} is marked @revoked in this file`,
      })
    else keys.push(k)
  }
  skipped.sort((a, b) => a.line - b.line)
  return { keys, skipped }
}

/**
 * One host's key as a person writes it down for that host (driftwatch.yml's hostKey): the public key line
 * ("ssh-ed25519 AAAA… [comment]", as in /etc/ssh/ssh_host_ed25519_key.pub) or a known_hosts line naming this
 * host:port. Returns the key, or why it cannot be pinned. A fingerprint alone is refused: a pin keeps the key.
 */
export function readHostKeyLine(text: string, host: string, port: number): HostKey | string {
  const line = text.trim()
  if (/^SHA256:/i.test(line) || /^MD5:/i.test(line))
    return (
      "a fingerprint alone cannot be pinned: give the public key line (the host's " +
      "/etc/ssh/ssh_host_ed25519_key.pub, or ssh-keyscan's output); its fingerprint is what ssh-keygen -lf prints"
    )
  if (line.includes('\n')) return 'one key on one line'
  const fields = line.split(/\s+/)
  if (fields[0] && /^(ssh|ecdsa|sk)-/.test(fields[0])) return readKey(fields[0], fields[1])
  const parsed = parseKnownHosts(line, [{ host, port }])
  const id = `${normHost(host)}:${port}`
  const key = parsed.keys.find((k) => `${k.host}:${k.port}` === id)
  if (key) return { keyType: key.keyType, fingerprint: key.fingerprint, publicKey: key.publicKey }
  const why = parsed.skipped[0]?.reason
  return why && !parsed.keys.length
    ? why
    : `the known_hosts line does not name ${knownHostsName(host, port)}, the target's host and port`
}

// A vault on a real SQLite file with a clock and timers the test drives, cheap key derivation asked for by
// name, the edge ports (keychain, power events) as plain fakes, and key material to store.
import { afterEach } from 'vitest'
import { createPrivateKey } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase, type Db } from '../../../src-main/core/store/db'
import type { Sql } from '../../../src-main/core/store/sql/engine'
import { sqliteSql } from '../../../src-main/core/store/sql/sqlite'
import {
  Vault,
  VaultError,
  type KeychainPort,
  type PowerEventsPort,
  type VaultOptions,
} from '../../../src-main/core/vault/vault'
import { Redactor } from '../../../src-main/core/vault/redact'
import type { Timers } from '../../../src-main/core/ports'
import { fakeClock, type FakeClock } from '../../helpers/core'
import { useTmpDirs } from '../../helpers/tmp-dir'
import { ed25519KeyPair } from '../../helpers/ssh-keys'

/** Milliseconds per derivation instead of most of a second: test vaults only, through unsafeKdfForTests. */
export const FAST_KDF = { N: 2 ** 10, r: 8, p: 1 }
export const PASS = 'correct horse battery staple'

/** A fresh unique string to look for where no secret may be. */
export const canary = (what: string) => `canary-${what}-${Math.random().toString(36).slice(2, 10)}`

export interface FakeTimers extends Timers {
  /** Advances the clock and fires every timer that is due, in order. */
  advance(ms: number): void
  pending(): number
}

export function fakeTimers(clock: FakeClock): FakeTimers {
  let seq = 0
  const pending = new Map<number, { at: number; fn: () => void }>()
  return {
    setTimeout(fn, ms) {
      const id = ++seq
      pending.set(id, { at: clock.now().getTime() + ms, fn })
      return id
    },
    clearTimeout(h) {
      pending.delete(h as number)
    },
    advance(ms) {
      clock.advance(ms)
      for (const [id, t] of [...pending].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at <= clock.now().getTime() && pending.delete(id)) t.fn()
      }
    },
    pending: () => pending.size,
  }
}

/** The keychain edge as safeStorage behaves: reversible with a key of its own, and a backend name. */
export function fakeKeychain(
  opts: { backend?: string; available?: boolean } = {},
): KeychainPort & { stored: Buffer[]; failDecrypt: boolean } {
  const stored: Buffer[] = []
  const mask = (b: Buffer) => Buffer.from(b.map((x, i) => x ^ ((0x5a + i) % 256)))
  const k = {
    stored,
    failDecrypt: false,
    backend: () => opts.backend ?? 'gnome_libsecret',
    isEncryptionAvailable: () => opts.available ?? true,
    encrypt: (p: Buffer) => {
      const b = mask(p)
      stored.push(b)
      return b
    },
    decrypt: (b: Buffer) => {
      if (k.failDecrypt) throw new Error('the keyring is locked')
      return mask(b)
    },
  }
  return k
}

export function fakePower(): PowerEventsPort & { fire(e: 'suspend' | 'lock-screen'): void; count(): number } {
  const listeners = new Map<string, Set<() => void>>()
  return {
    on(event, cb) {
      const set = listeners.get(event) ?? new Set()
      set.add(cb)
      listeners.set(event, set)
      return () => set.delete(cb)
    },
    fire: (e) => listeners.get(e)?.forEach((cb) => cb()),
    count: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
  }
}

export interface Harness {
  db: Db
  /** The same database behind the store's Sql door, as the vault's repositories take it. */
  sql: Sql
  file: string
  vault: Vault
  clock: FakeClock
  timers: FakeTimers
  redactor: Redactor
  /** Every onStateChange, as "state:reason". */
  states: string[]
  /** Another Vault on the same database (as after a restart), with these options changed. */
  reopen(opts?: Partial<VaultOptions>): Vault
  /** The database file and its WAL, as a thief copying the data folder would get them. */
  bytesOnDisk(): Buffer
}

export function useVaults() {
  const tmp = useTmpDirs()
  const open: { db: Db; vaults: Vault[] }[] = []
  afterEach(() => {
    for (const { db, vaults } of open.splice(0)) {
      for (const v of vaults) v.close()
      if (db.open) db.close()
    }
  })
  return (opts: Partial<VaultOptions> = {}): Harness => {
    const file = join(tmp.make('dw-vault-'), 'driftwatch.db')
    const db = openDatabase(file)
    const sql = sqliteSql(db)
    const entry = { db, vaults: [] as Vault[] }
    open.push(entry)
    const clock = fakeClock()
    const timers = fakeTimers(clock)
    const redactor = new Redactor()
    const states: string[] = []
    const make = (o: Partial<VaultOptions>) => {
      const v = new Vault(sql, {
        clock,
        timers,
        redactor,
        unsafeKdfForTests: FAST_KDF,
        onStateChange: (s, r) => states.push(`${s}:${r}`),
        ...o,
      })
      entry.vaults.push(v)
      return v
    }
    return {
      db,
      sql,
      file,
      vault: make(opts),
      clock,
      timers,
      redactor,
      states,
      reopen: (o = {}) => make({ ...opts, ...o }),
      bytesOnDisk: () =>
        Buffer.concat([file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f))),
    }
  }
}

/** The VaultError a call fails with; a success or any other error fails the test. */
export async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<VaultError> {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (err) {
    if (err instanceof VaultError) return err
    throw err
  }
  throw new Error('expected a VaultError')
}

/** A secret as strings (tests only: the point of withSecret is that callers never need this). */
export const reveal = (v: Vault, id: string) =>
  v.withSecret(id, null, (s) =>
    Object.fromEntries(Object.entries(s).map(([k, b]) => [k, b.toString('utf8')])),
  )

export const KEY_PASSPHRASE = 'key-pass-123'
export const sshKey = ed25519KeyPair({
  passphrase: KEY_PASSPHRASE,
  cipher: 'aes256-ctr',
  rounds: 16,
})
export const plainSshKey = ed25519KeyPair()

/** A self-signed client certificate and its key, made for these tests only (never used anywhere). */
export const CLIENT_CERT = `-----BEGIN CERTIFICATE-----
MIIBtjCCAVugAwIBAgIUZ8Oy4x1OfnrGmh8GU9Z3TMjbaL8wCgYIKoZIzj0EAwIw
LzEZMBcGA1UECgwQRHJpZnR3YXRjaCB0ZXN0czESMBAGA1UEAwwJZGItY2xpZW50
MCAXDTI2MTEyMzEzMTMwNVoYDzIxMjYxMDMwMTMxMzA1WjAvMRkwFwYDVQQKDBBE
cmlmdHdhdGNoIHRlc3RzMRIwEAYDVQQDDAlkYi1jbGllbnQwWTATBgcqhkjOPQIB
BggqhkjOPQMBBwNCAAQUHNJKN3Qo7b7K0BKwb5h7h5x/beKrsHiXoGunedreKTGL
2esYixIKSgE1RIE2dPvr4Gdix0gITJ7qNmXVeM5Uo1MwUTAdBgNVHQ4EFgQUGjnR
o/Q88yHjYyvoTaRtqEbfxZQwHwYDVR0jBBgwFoAUGjnRo/Q88yHjYyvoTaRtqEbf
xZQwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEArXoUIfjqBEYE
jvqKNtvVvFDzpsfqsNznSVd5pq7jwMECIQDMExw/41Yn0TymyCn+FHbIxfVoI8b4
17QBbbyZrFEOpA==
-----END CERTIFICATE-----
`
export const CLIENT_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQguJ4YcHe4rzjB/g1J
VIzxKaZtCpgZkD8+Ki/CasXgqJChRANCAAQUHNJKN3Qo7b7K0BKwb5h7h5x/beKr
sHiXoGunedreKTGL2esYixIKSgE1RIE2dPvr4Gdix0gITJ7qNmXVeM5U
-----END PRIVATE KEY-----
`
export const encryptedClientKey = (passphrase: string) =>
  createPrivateKey(CLIENT_KEY)
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
    .toString()

// A vault on a real SQLite file with a clock and timers the test drives, and cheap key derivation.
import { afterEach } from 'vitest'
import { join } from 'node:path'
import { openDatabase, type Db } from '../../../src-main/core/store/db'
import {
  Vault,
  type KeychainPort,
  type PowerEventsPort,
  type VaultOptions,
} from '../../../src-main/core/vault/vault'
import { Redactor } from '../../../src-main/core/vault/redact'
import type { Timers } from '../../../src-main/core/ports'
import { fakeClock, type FakeClock } from '../../helpers/core'
import { useTmpDirs } from '../../helpers/tmp-dir'

export const FAST_KDF = { N: 2 ** 10, r: 8, p: 1 }
export const PASS = 'correct horse battery staple'

export interface FakeTimers extends Timers {
  /** Advances the clock and fires every timer that is due. */
  advance(ms: number): void
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
  }
}

/** The keychain edge, as safeStorage would behave: reversible, and a backend name. */
export function fakeKeychain(backend = 'gnome_libsecret'): KeychainPort & { stored: Buffer[] } {
  const stored: Buffer[] = []
  return {
    stored,
    backend: () => backend,
    isEncryptionAvailable: () => true,
    encrypt: (p) => {
      const b = Buffer.from(p.map((x) => x ^ 0x5a))
      stored.push(b)
      return b
    },
    decrypt: (b) => Buffer.from(b.map((x) => x ^ 0x5a)),
  }
}

export function fakePower(): PowerEventsPort & { fire(e: 'suspend' | 'lock-screen'): void } {
  const listeners = new Map<string, Set<() => void>>()
  return {
    on(event, cb) {
      const set = listeners.get(event) ?? new Set()
      set.add(cb)
      listeners.set(event, set)
      return () => set.delete(cb)
    },
    fire: (e) => listeners.get(e)?.forEach((cb) => cb()),
  }
}

export interface Harness {
  db: Db
  file: string
  vault: Vault
  clock: FakeClock
  timers: FakeTimers
  redactor: Redactor
  states: string[]
  reopen(opts?: Partial<VaultOptions>): Vault
}

export function useVaults() {
  const tmp = useTmpDirs()
  const open: Db[] = []
  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close()
  })
  return (opts: Partial<VaultOptions> = {}): Harness => {
    const file = join(tmp.make('dw-vault-'), 'driftwatch.db')
    const db = openDatabase(file)
    open.push(db)
    const clock = fakeClock()
    const timers = fakeTimers(clock)
    const redactor = new Redactor()
    const states: string[] = []
    const make = (o: Partial<VaultOptions>) =>
      new Vault(db, {
        clock,
        timers,
        redactor,
        unsafeKdfForTests: FAST_KDF,
        onStateChange: (s, r) => states.push(`${s}:${r}`),
        ...o,
      })
    return {
      db,
      file,
      vault: make(opts),
      clock,
      timers,
      redactor,
      states,
      reopen: (o = {}) => make({ ...opts, ...o }),
    }
  }
}

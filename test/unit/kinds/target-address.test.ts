// How a target's address reads in the Targets list and on its page, for each kind (the core's registry says it,
// every face shows it), and where each kind's credentials are bound.
import { describe, expect, it } from 'vitest'
import { Kinds } from '../../../src-main/core/scanners/registry'
import type { Target } from '../../../src-preload/contract'

const kinds = new Kinds()
const targetAddress = (t: Target) => kinds.address(t)

const base = { id: 't', name: 'n', description: '', tags: [], groups: [] }
const as = (t: Record<string, unknown>) => ({ ...base, ...t }) as unknown as Target

describe('targetAddress', () => {
  it('names this computer for a local target', () => {
    expect(targetAddress(as({ kind: 'local' }))).toBe('This computer')
  })

  it('reads user@host:port for SSH', () => {
    expect(targetAddress(as({ kind: 'ssh', user: 'root', host: 'web1.example', port: 2222 }))).toBe(
      'root@web1.example:2222',
    )
  })

  it('adds the database for PostgreSQL and MySQL, when there is one', () => {
    const db = { user: 'auditor', host: '10.0.0.5', port: 5432 }
    expect(targetAddress(as({ kind: 'postgres', ...db, database: 'sales' }))).toBe(
      'auditor@10.0.0.5:5432/sales',
    )
    expect(targetAddress(as({ kind: 'mysql', ...db, port: 3306, database: '' }))).toBe(
      'auditor@10.0.0.5:3306',
    )
  })

  it('names the GitHub org and how many repositories, and the server unless it is github.com', () => {
    const gh = { kind: 'github', apiBaseUrl: 'https://api.github.com' }
    expect(targetAddress(as({ ...gh, org: 'acme', repos: [] }))).toBe('org acme')
    expect(targetAddress(as({ ...gh, org: '', repos: ['acme/a', 'acme/b'] }))).toBe('2 repositories')
    expect(targetAddress(as({ ...gh, org: 'acme', repos: ['acme/a'] }))).toBe('org acme + 1 repositories')
    expect(
      targetAddress(as({ ...gh, org: 'acme', repos: [], apiBaseUrl: 'https://ghe.example.com/api/v3' })),
    ).toBe('org acme on ghe.example.com')
  })
})

describe('bindingAddress', () => {
  const binding = (t: Record<string, unknown>) => kinds.bindingAddress(as(t))

  it('binds nothing for this computer: its sudo password never leaves it', () => {
    expect(binding({ kind: 'local' })).toBeNull()
  })

  it('binds SSH and database credentials to host:port, lower-cased, IPv6 in brackets', () => {
    expect(binding({ kind: 'ssh', user: 'root', host: 'Web1.Example', port: 2222 })).toBe('web1.example:2222')
    expect(binding({ kind: 'postgres', user: 'a', host: '::1', port: 5432, database: 'x' })).toBe(
      '[::1]:5432',
    )
    expect(binding({ kind: 'mysql', user: 'a', host: '[FE80::1]', port: 3306, database: '' })).toBe(
      '[fe80::1]:3306',
    )
  })

  it('binds a GitHub token to its API base URL without trailing slashes', () => {
    expect(
      binding({ kind: 'github', org: 'acme', repos: [], apiBaseUrl: 'https://GHE.example.com/api/v3/' }),
    ).toBe('https://ghe.example.com/api/v3')
  })

  it('refuses a target of a kind the core does not know', () => {
    expect(() => binding({ kind: 'telnet', host: 'h', port: 23 })).toThrow(/Unknown target kind "telnet"/)
  })
})

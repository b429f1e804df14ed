// How a target's address reads in the Targets list and on its page, for each kind.
import { describe, expect, it } from 'vitest'
import { targetAddress } from '../../../src-renderer/pages/target-address'
import type { Target } from '../../../src-preload/contract'

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

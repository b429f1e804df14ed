// Every built-in pack names each rule once: two rules of a pack never share a title (a results table or report
// listing "Passwords must be long enough" twice leaves the reader guessing which one failed), and the rules
// about TLS versions and ciphers are marked to apply only when the server has TLS on.
import { describe, expect, it } from 'vitest'
import { builtInPacks, CODE_PACKS } from '../../../src-main/core/rules/registry'

const packs = [...builtInPacks(), ...CODE_PACKS].map((p) => ({
  id: p.id,
  rules: p.rules.map((r) => ({ id: r.id, title: r.title })),
}))

describe('built-in rule packs', () => {
  it('are all looked at (postgres, mysql and github)', () => {
    expect(packs.map((p) => p.id).sort()).toEqual(['github-baseline', 'mysql-cis', 'postgres-cis'])
  })

  it.each(packs)('$id: no two rules share a title', ({ rules }) => {
    const seen = new Map<string, string>()
    const clashes: string[] = []
    for (const r of rules) {
      const key = r.title.trim().toLowerCase()
      const other = seen.get(key)
      if (other) clashes.push(`"${r.title}": ${other} and ${r.id}`)
      else seen.set(key, r.id)
    }
    expect(clashes).toEqual([])
  })

  it('marks the TLS version and cipher rules as applying only when the server has TLS on', () => {
    const tlsOnly = builtInPacks().flatMap((p) => p.rules.filter((r) => r.applies.serverTls).map((r) => r.id))
    expect(tlsOnly.sort()).toEqual([
      'my-tls-version',
      'pg-ssl-ciphers',
      'pg-ssl-min-protocol',
      'pg-ssl-prefer-server-ciphers',
    ])
  })
})

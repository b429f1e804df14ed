// Every built-in PostgreSQL, MySQL/MariaDB and GitHub rule names the NIST 800-53 controls it supports, each a
// control of NIST's catalog (or one it lacks, kept by id); a custom pack may name them too, and a reference that
// names no control is refused with a clear message.
import { beforeAll, describe, expect, it } from 'vitest'
import YAML from 'yaml'
import { builtInPacks } from '../../../src-main/core/rules/registry'
import { githubBaseline } from '../../../src-main/core/rules/github-baseline'
import { PackFormatError, parsePack } from '../../../src-main/core/rules/format'
import { nistCatalog } from '../../../src-main/core/controls/catalog'
import { controlsOf } from '../../../src-main/core/controls/references'
import { loadSqlGuard } from '../../../src-main/core/rules/sql-guard'

beforeAll(() => loadSqlGuard())

type Rule = { id: string; references: { system: string; id: string }[] }
const packs: { id: string; rules: Rule[] }[] = [
  ...builtInPacks().map((p) => ({ id: p.id, rules: p.rules })),
  { id: githubBaseline.id, rules: githubBaseline.rules },
]
const nistOf = (refs: { system: string; id: string }[]) =>
  controlsOf(refs)
    .filter((c) => c.framework === 'nist-800-53')
    .map((c) => c.controlId)

describe('the built-in packs name NIST 800-53 controls', () => {
  it.each(packs.map((p) => [p.id, p] as const))('every rule of %s names at least one', (_id, pack) => {
    const catalog = nistCatalog()
    const outside: string[] = []
    for (const r of pack.rules) {
      const ids = nistOf(r.references)
      expect(ids.length, r.id).toBeGreaterThan(0)
      for (const id of ids) if (!catalog.byId.has(id)) outside.push(`${r.id}: ${id}`)
    }
    // Secret scanning supports IA-5(7) (no embedded static authenticators), which the HIGH catalog lacks.
    expect(outside.every((o) => o.endsWith('ia-5.7'))).toBe(true)
  })

  it('maps the ones auditors ask about first', () => {
    const rule = (id: string) => packs.flatMap((p) => p.rules).find((r) => r.id === id)!
    expect(nistOf(rule('pg-log-connections').references)).toEqual(expect.arrayContaining(['au-2', 'au-12']))
    expect(nistOf(rule('repo-branch-protection').references)).toEqual(['cm-3', 'cm-5'])
    expect(nistOf(rule('org-2fa-required').references)).toEqual(['ia-2.1', 'ia-2.2'])
    expect(nistOf(rule('my-password-min-length').references)).toEqual(['ia-5.1'])
    // Each names what its statement asks: AU-12 is "provide audit record generation capability".
    expect(nistCatalog().byId.get('au-12')!.statement).toMatch(/audit record generation/i)
  })
})

describe('a custom pack', () => {
  const pack = (refs: unknown) =>
    YAML.stringify({
      id: 'acme-pg',
      title: 'ACME',
      kind: 'postgres',
      rules: [
        {
          id: 'r1',
          title: 'R',
          query: 'SELECT 1 AS value',
          assert: { type: 'rowCount', value: 1 },
          references: refs,
        },
      ],
    })

  it('names NIST 800-53 controls the same way', () => {
    const p = parsePack(
      pack([
        { system: 'NIST-800-53', id: 'AU-12' },
        { system: 'NIST-800-53', id: 'IA-5(1)(a)' },
      ]),
    )
    expect(nistOf(p.rules[0]!.references)).toEqual(['au-12', 'ia-5.1'])
  })

  it('is refused, saying why, when a NIST reference names no control', () => {
    let err: unknown
    try {
      parsePack(pack([{ system: 'NIST-800-53', id: 'logging' }]))
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(PackFormatError)
    expect((err as PackFormatError).issues).toEqual([
      expect.objectContaining({
        path: 'rules.0.references.0.id',
        message: expect.stringContaining('names a control, such as AU-2'),
      }),
    ])
  })
})

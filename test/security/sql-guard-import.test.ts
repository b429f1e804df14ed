// A hostile rule pack is refused on import: every query of the per-dialect corpus goes through the real
// `rules.import` channel of a real core (SQLite file) and comes back refused with the SQL guard's reason,
// leaving nothing stored. The built-in packs, the queries the product itself runs, all pass the same guard.
import { beforeAll, describe, expect, it } from 'vitest'
import YAML from 'yaml'
import { call, callError, useCores } from '../helpers/core'
import { builtInPacks } from '../../src-main/core/rules/registry'
import { loadSqlGuard, queryProblem } from '../../src-main/core/rules/sql-guard'
import { POSTGRES_CORPUS, type HostileQuery } from './corpus/postgres'
import { MYSQL_CORPUS } from './corpus/mysql'
import { fill } from './corpus/fill'

const cores = useCores()
const FILL: Record<string, string> = {
  '{CANARY}': '/var/lib/dw-canary/canary.txt',
  '{DIR}': '/var/lib/dw-canary',
  '{OUT}': '/var/lib/dw-canary/dw-out',
  '{VICTIM_APP}': 'dw-victim',
  '{VICTIM}': '42',
}

const packOf = (kind: 'postgres' | 'mysql', q: HostileQuery) =>
  YAML.stringify({
    id: `hostile-${kind}`,
    title: 'Looks like a benchmark',
    kind,
    rules: [
      {
        id: 'innocent-looking',
        title: 'A check',
        query: fill(q.sql, FILL),
        assert: { type: 'rowCount', value: 0 },
      },
    ],
  })

beforeAll(() => loadSqlGuard())

describe.each([
  ['postgres', POSTGRES_CORPUS],
  ['mysql', MYSQL_CORPUS],
] as const)('a %s rule pack', (kind, corpus) => {
  it('has a corpus of at least 40 hostile queries, each with what it would do', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40)
    for (const q of corpus) expect(q.does).not.toBe('')
    expect(new Set(corpus.map((q) => q.sql)).size).toBe(corpus.length)
  })

  it.each(corpus.map((q) => [q.does, q] as const))('is refused on import: %s', async (_does, q) => {
    const core = cores.open()
    const err = await callError(core, 'rules.import', { text: packOf(kind, q) })
    expect(err.code).toBe('validation')
    expect(err.message).toMatch(/^Rule "innocent-looking" \(rules\.0\.query\): /)
    expect(err.message, q.sql).toMatch(q.refusal)
    expect(err.issues?.[0]?.path).toBe('rules.0.query')
    const listed = await call(core, 'rules.list', { kind })
    expect(listed.packs.map((p) => p.id)).not.toContain(`hostile-${kind}`)
  })
})

describe('the built-in packs', () => {
  it('pass the guard for their own dialect, every rule', () => {
    expect(builtInPacks().length).toBeGreaterThanOrEqual(2)
    for (const p of builtInPacks())
      for (const r of p.rules.filter((x) => !x.manual))
        expect({ rule: r.id, problem: queryProblem(r.query ?? '', p.kind) }).toEqual({
          rule: r.id,
          problem: null,
        })
  })

  it('import back as custom packs (export → import round trip through the guard)', async () => {
    const core = cores.open()
    for (const p of builtInPacks()) {
      const { text } = await call(core, 'rules.export', { id: p.id, format: 'yaml' })
      const custom = text.replace(`id: ${p.id}`, `id: ${p.id}-copy`)
      const s = await call(core, 'rules.import', { text: custom })
      expect(s.rules).toBe(p.rules.length)
    }
  })
})

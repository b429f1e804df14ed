// NIST 800-53 references in real SCAP Security Guide datastreams: every one reads as a control of NIST's catalog
// or is kept as an unknown id, and the controls per family the store maps match a count made from the XML here.
import { beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { parseDatastream } from '../../../src-main/core/scap/datastream'
import { nistCatalog } from '../../../src-main/core/controls/catalog'
import { parseNistRef, parseNistRefs } from '../../../src-main/core/controls/references'
import { mapBenchmark } from '../../../src-main/core/controls/mapping'
import { openDatabase } from '../../../src-main/core/store/db'
import { sqliteSql } from '../../../src-main/core/store/sql/sqlite'
import { ControlsRepo } from '../../../src-main/core/store/controls'
import type { Benchmark } from '../../../src-main/core/scap/types'

const DIR = '/usr/share/xml/scap/ssg/content'
const FILES = ['ssg-debian11-ds.xml', 'ssg-ubuntu2204-ds.xml', 'ssg-ubuntu1804-ds.xml']

/**
 * The XML read with regular expressions alone: each Rule's 800-53 reference texts, cut to a control id by its
 * own rule (two letters, a number, and a number in brackets right after it; anything else is a part of it).
 */
function independentCount(xml: string) {
  const perRule = new Map<string, Set<string>>()
  const unreadable: string[] = []
  const ruleRe = /<xccdf-1\.2:Rule\b[^>]*\bid="([^"]+)"[\s\S]*?<\/xccdf-1\.2:Rule>/g
  for (const m of xml.matchAll(ruleRe)) {
    const ids = new Set<string>()
    for (const r of m[0].matchAll(/<xccdf-1\.2:reference href="[^"]*NIST\.SP\.800-53[^"]*">([^<]*)</gi))
      for (const part of r[1]!.split(',')) {
        const t = part.replace(/ /g, '')
        const c = /^([A-Z][A-Z])-(\d+)(\((\d+)\))?/.exec(t)
        if (!c) {
          unreadable.push(part)
          continue
        }
        ids.add(`${c[1]!.toLowerCase()}-${Number(c[2])}${c[4] ? '.' + Number(c[4]) : ''}`)
      }
    if (ids.size) perRule.set(m[1]!, ids)
  }
  const perFamily = new Map<string, { controls: Set<string>; pairs: number }>()
  for (const ids of perRule.values())
    for (const id of ids) {
      const f = perFamily.get(id.slice(0, 2)) ?? { controls: new Set(), pairs: 0 }
      f.controls.add(id)
      f.pairs++
      perFamily.set(id.slice(0, 2), f)
    }
  return { perFamily, unreadable, rules: perRule.size }
}

describe('NIST 800-53 references as SSG writes them', () => {
  it.each([
    ['CM-6(a)', 'cm-6'],
    ['AC-2(1)', 'ac-2.1'],
    ['IA-5(1)(a)', 'ia-5.1'],
    ['AU-12(c)', 'au-12'],
    ['AC-6 (1)', 'ac-6.1'],
    ['CM-6 b', 'cm-6'],
    ['AU-5.1(ii)', 'au-5'],
    ['CM-5(6).1', 'cm-5.6'],
    ['CM-7 (5) (b)', 'cm-7.5'],
  ])('%s is control %s', (raw, id) => {
    expect(parseNistRef(raw)?.controlId).toBe(id)
  })

  it('keeps a control the catalog lacks as an unknown id, and text that names none as unreadable', () => {
    expect(parseNistRef('MA-4(6)')).toEqual({ controlId: 'ma-4.6', known: false, raw: 'MA-4(6)' })
    expect(parseNistRef('AC-2')).toMatchObject({ known: true })
    expect(parseNistRefs('AC-2, AC-3')).toEqual({
      refs: [expect.objectContaining({ controlId: 'ac-2' }), expect.objectContaining({ controlId: 'ac-3' })],
      unreadable: [],
    })
    expect(parseNistRefs('see policy').unreadable).toEqual(['see policy'])
  })
})

describe.each(FILES)('real SSG content %s', (file) => {
  let xml: string
  let bench: Benchmark
  beforeAll(async () => {
    xml = readFileSync(`${DIR}/${file}`, 'utf8')
    bench = (await parseDatastream(`${DIR}/${file}`)).benchmarks[0]!
  }, 120_000)

  it('reads every NIST reference as a catalog control or keeps it as an unknown id', () => {
    const catalog = nistCatalog()
    const refs = bench.rules.flatMap((r) => r.references.filter((x) => x.system === 'NIST-800-53'))
    expect(refs.length).toBeGreaterThan(500)
    let known = 0
    const unknown = new Set<string>()
    for (const ref of refs) {
      const { refs: read, unreadable } = parseNistRefs(ref.id)
      expect(unreadable, `${ref.id}`).toEqual([])
      for (const r of read) {
        if (r.known) {
          expect(catalog.byId.has(r.controlId)).toBe(true)
          known++
        } else {
          expect(catalog.byId.has(r.controlId)).toBe(false)
          expect(r.controlId).toMatch(/^[a-z]{2}-\d+(\.\d+)?$/)
          unknown.add(r.controlId)
        }
      }
    }
    expect(known).toBeGreaterThan(refs.length / 2)
    // The mapping keeps the unknown ones too: an auditor still sees what the content claimed.
    const mapped = new Set(mapBenchmark(bench).map((m) => m.controlId))
    for (const u of unknown) expect(mapped.has(u)).toBe(true)
  })

  it('maps as many controls and rule links per family into the store as the XML holds', () => {
    const expected = independentCount(xml)
    expect(expected.unreadable).toEqual([])
    const db = openDatabase(':memory:')
    const repo = new ControlsRepo(sqliteSql(db))
    const rows = mapBenchmark(bench).filter((r) => r.framework === 'nist-800-53')
    expect(repo.syncSource('content:x', rows, '2030-01-01T00:00:00Z')).toBe(true)
    // The same rows again write nothing.
    expect(repo.syncSource('content:x', rows, '2030-01-02T00:00:00Z')).toBe(false)
    const got = new Map<string, { controls: number; pairs: number }>()
    for (const c of repo.mappedControls('nist-800-53')) {
      const f = got.get(c.family) ?? { controls: 0, pairs: 0 }
      f.controls++
      f.pairs += c.rules
      got.set(c.family, f)
    }
    const want = new Map(
      [...expected.perFamily].map(([f, v]) => [f, { controls: v.controls.size, pairs: v.pairs }]),
    )
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want))
    expect(want.get('au')!.controls).toBeGreaterThan(5)
    expect(new Set(rows.map((r) => r.ruleId)).size).toBe(expected.rules)
    db.close()
  })
})

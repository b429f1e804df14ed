// The export formats on a synthetic store of real SQLite data: each validates against its schema (OSCAL
// against NIST's, HDF through inspecjs as Heimdall opens it, evidence JSON against ours), the same scope gives
// the same bytes, 5,000 findings work, an empty scope and a failed write say so and leave no file behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createCore, type Core } from '../../../src-main/core/app'
import { call, callError } from '../../helpers/core'
import { exportReportError, exportReportTo } from '../../helpers/files'
import { useTmpDirs } from '../../helpers/tmp-dir'
import { seedSyntheticStore, syntheticRuleId } from '../../helpers/report-store'
import { evidenceErrors, heimdallOpen, oscalErrors } from '../../helpers/report-schemas'
import { CSV_COLUMNS, csvCell } from '../../../src-main/core/reports/csv'
import { ensureBuilt, ROOT } from '../../helpers/cli'

const SHOTS = join(ROOT, 'test-results', 'screenshots')

const tmp = useTmpDirs('all')
let core: Core
let big: Core
let out: string
let targetIds: string[]
let bigFindings = 0

beforeAll(async () => {
  out = tmp.make('dw-report-out-')
  core = createCore({ face: 'cli', dataDir: tmp.make('dw-report-') })
  ;({ targetIds } = await seedSyntheticStore(core, { targets: 3, rules: 60, scans: 3 }))
  big = createCore({ face: 'cli', dataDir: tmp.make('dw-report-big-') })
  bigFindings = (await seedSyntheticStore(big, { targets: 5, rules: 1000, failEvery: 1, scans: 1 })).findings
}, 120_000)

afterAll(() => {
  core?.close()
  big?.close()
})

const read = (p: string) => readFileSync(p, 'utf8')
async function exportTo(c: Core, format: 'json' | 'oscal' | 'hdf' | 'csv', name: string, scope = {}) {
  const res = await exportReportTo(c, { scope, format }, join(out, name))
  return { ...res, text: read(res.path) }
}

describe('evidence JSON', () => {
  it('validates against the versioned schema in resources/ and carries scores, findings and evidence hashes', async () => {
    const { text } = await exportTo(core, 'json', 'a.json')
    const doc = JSON.parse(text)
    expect(evidenceErrors(doc)).toEqual([])
    expect(doc.$schema).toMatch(/evidence-report-1\.2\.0\.schema\.json$/)
    expect(doc.targets.map((t: { name: string }) => t.name)).toEqual(['host-000', 'host-001', 'host-002'])
    // The latest of three scans per target; each later scan fixed a few rules, so the trend rises.
    const t0 = doc.targets[0]
    expect(t0.trend).toHaveLength(3)
    expect(t0.trend[2].score).toBeGreaterThan(t0.trend[0].score)
    expect(doc.summary.findings).toBe(
      doc.results.filter((r: { status: string }) => r.status === 'fail').length,
    )
    expect(doc.evidence).toHaveLength(9)
    // Findings say what was found in words, never as the raw artefact's XML.
    const f = doc.results.find((r: { status: string }) => r.status === 'fail')
    expect(f.evidenceExcerpt).not.toContain('<rule-result')
    expect(text).not.toContain('<rule-result')
  })

  it('is byte-identical when the same scope is exported twice, and differs when the scope does', async () => {
    for (const format of ['json', 'oscal', 'hdf', 'csv'] as const) {
      const a = await exportTo(core, format, `twice-1.${format}`, {
        groups: ['synthetic'],
        engagement: { name: 'Q1' },
      })
      const b = await exportTo(core, format, `twice-2.${format}`, {
        groups: ['synthetic'],
        engagement: { name: 'Q1' },
      })
      expect(b.sha256, format).toBe(a.sha256)
      expect(b.text).toBe(a.text)
    }
    const one = await exportTo(core, 'json', 'one.json', { targetIds: [targetIds[0]!] })
    expect(JSON.parse(one.text).targets).toHaveLength(1)
  })

  it('keeps to the time window: only scans started in it count', async () => {
    const { text } = await exportTo(core, 'json', 'window.json', { from: '2030-01-02', to: '2030-01-02' })
    const doc = JSON.parse(text)
    expect(doc.scans).toHaveLength(3)
    expect(doc.scans.every((s: { startedAt: string }) => s.startedAt.startsWith('2030-01-02'))).toBe(true)
    expect(doc.targets[0].trend).toHaveLength(1)
    // And to the profiles asked for.
    const same = await call(core, 'reports.preview', {
      scope: { profileIds: ['xccdf_org.example.content_profile_synthetic'] },
    })
    expect(same.scans).toHaveLength(9)
    expect((await callError(core, 'reports.preview', { scope: { profileIds: ['other'] } })).message).toBe(
      'No finished scans of host-000, host-001, host-002 with profile other: scan them first, or widen the time window',
    )
  })
})

describe('OSCAL Assessment Results', () => {
  it("validates against NIST's OSCAL 1.0.6 schema, with a result per target and the evidence hashes", async () => {
    const { text } = await exportTo(core, 'oscal', 'a.oscal.json', {
      engagement: { name: 'Q1 audit', auditor: 'Jane Doe', organisation: 'ACME', notes: 'On site.' },
    })
    const doc = JSON.parse(text)
    expect(oscalErrors(doc)).toEqual([])
    const ar = doc['assessment-results']
    expect(ar.metadata['oscal-version']).toBe('1.0.6')
    expect(ar.metadata.parties.map((p: { name: string }) => p.name)).toEqual(['Jane Doe', 'ACME'])
    expect(ar.results).toHaveLength(3)
    const failed = ar.results[0].findings.filter(
      (f: { target: { status: { state: string } } }) => f.target.status.state === 'not-satisfied',
    )
    expect(failed.length).toBeGreaterThan(0)
    const hashes = ar['back-matter'].resources.flatMap((r: { rlinks?: { hashes: { value: string }[] }[] }) =>
      (r.rlinks ?? []).flatMap((l) => l.hashes.map((h) => h.value)),
    )
    const json = JSON.parse((await exportTo(core, 'json', 'b.json')).text)
    expect(hashes.sort()).toEqual(json.evidence.map((e: { sha256: string }) => e.sha256).sort())
  })

  it('the schema check is real: a document missing a required field fails it', () => {
    expect(oscalErrors({ 'assessment-results': { uuid: 'x' } }).length).toBeGreaterThan(0)
  })
})

describe('HDF', () => {
  it('opens with inspecjs as Heimdall does: one control per rule, failing where any target failed', async () => {
    const { text } = await exportTo(core, 'hdf', 'a.hdf.json')
    const ev = heimdallOpen(text)
    const controls = ev.contains[0]!.contains
    expect(controls).toHaveLength(60)
    const byId = new Map(controls.map((c) => [c.data.id, c.hdf.status]))
    expect(byId.get(syntheticRuleId(6))).toBe('Failed')
    expect(byId.get(syntheticRuleId(1))).toBe('Passed')
    expect(byId.get(syntheticRuleId(5))).toBe('Not Applicable')
  })

  it('the parser is strict: a control without its results is refused', () => {
    const bad = {
      platform: { name: 'x', release: '1' },
      version: '1',
      statistics: {},
      profiles: [
        { name: 'p', sha256: 'a', supports: [], attributes: [], groups: [], controls: [{ id: 'c' }] },
      ],
    }
    expect(() => heimdallOpen(JSON.stringify(bad))).toThrow()
  })
})

describe('CSV', () => {
  it('lists the findings, most severe first, quoted as RFC 4180 and safe from formula injection', async () => {
    const { text } = await exportTo(core, 'csv', 'a.csv')
    const lines = text.trimEnd().split('\r\n')
    expect(lines[0]).toBe(CSV_COLUMNS.join(','))
    const sev = lines.slice(1).map((l) => l.split(',')[2])
    expect(sev[0]).toBe('high')
    expect(sev.indexOf('low')).toBeGreaterThan(sev.lastIndexOf('high'))
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`)
    expect(csvCell('a,b')).toBe('"a,b"')
  })
})

describe('drift events', () => {
  it('lists the drift events of the targets in scope and window, and leaves them out when asked', async () => {
    const c = createCore({ face: 'cli', dataDir: tmp.make('dw-report-drift-') })
    try {
      const { targetIds: ids } = await seedSyntheticStore(c, { targets: 2, rules: 10, scans: 2 })
      // Drift detection recorded events as the synthetic scans were committed (the second scan of each
      // target changes some rules): the report lists exactly those, in scope and window.
      const recorded = async (targetId: string) =>
        (await call(c, 'drift.events', { targetId })).events.map((e) => `${e.type} ${e.ruleId}`).sort()
      const first = await recorded(ids[0]!)
      expect(first.length).toBeGreaterThan(0)
      // A target in scope with no scan is named as a gap, not silently left out.
      const never = await call(c, 'targets.create', { target: { kind: 'local', name: 'never-scanned' } })
      expect((await call(c, 'reports.preview', { scope: {} })).scope.notScanned).toEqual([
        { id: never.id, name: 'never-scanned' },
      ])
      const model = await call(c, 'reports.preview', { scope: { targetIds: [ids[0]!] } })
      expect(model.drift.available).toBe(true)
      expect(model.drift.events.map((e) => `${e.type} ${e.ruleId}`).sort()).toEqual(first)
      expect((await call(c, 'reports.preview', { scope: { includeDrift: false } })).drift).toEqual({
        available: false,
        events: [],
      })
      const json = JSON.parse(
        read((await exportReportTo(c, { scope: {}, format: 'json' }, join(out, 'drift.json'))).path),
      )
      expect(evidenceErrors(json)).toEqual([])
      expect(json.drift.events).toHaveLength(first.length + (await recorded(ids[1]!)).length)
    } finally {
      c.close()
    }
  })
})

describe('at scale and when things go wrong', () => {
  it(`exports ${5000} findings in every machine format, each still valid`, async () => {
    expect(bigFindings).toBe(5000)
    const json = await exportTo(big, 'json', 'big.json')
    const doc = JSON.parse(json.text)
    expect(doc.summary.findings).toBe(5000)
    expect(evidenceErrors(doc)).toEqual([])
    expect(oscalErrors(JSON.parse((await exportTo(big, 'oscal', 'big.oscal.json')).text))).toEqual([])
    const hdf = heimdallOpen((await exportTo(big, 'hdf', 'big.hdf.json')).text)
    expect(hdf.contains[0]!.contains.every((c) => c.hdf.status === 'Failed')).toBe(true)
    expect((await exportTo(big, 'csv', 'big.csv')).text.trimEnd().split('\r\n')).toHaveLength(5001)
  }, 120_000)

  it('prints the PDF of 5,000 findings by rule: each rule once, a row per target, page numbers run to the end', async () => {
    ensureBuilt()
    const res = await exportReportTo(big, { scope: {}, format: 'pdf' }, join(out, 'big.pdf'))
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [res.path], { encoding: 'utf8' }))![1])
    // 1,000 failed rules on 5 targets: the rule's words once, five rows under it (was one box per finding,
    // over 1,200 pages).
    expect(pages).toBeLessThan(400)
    const text = execFileSync('pdftotext', [res.path, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    for (const i of [0, 1, 500, 999]) expect(text).toContain(syntheticRuleId(i))
    expect(text.match(/Synthetic rule \d+: setting/g)).toHaveLength(1000)
    expect(text.match(/failed on 5 targets/g)).toHaveLength(1000)
    // Every finding keeps its row: the target, and what was found and expected there.
    expect(text.match(/Found: setting_\d+=off · Expected: setting_\d+=on/g)).toHaveLength(5000)
    for (const t of ['host-000', 'host-004'])
      expect(text.match(new RegExp(`^${t}$`, 'gm'))!.length).toBeGreaterThanOrEqual(1000)
    expect(text).toContain(`Page ${pages} of ${pages}`)
    mkdirSync(SHOTS, { recursive: true })
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '60',
      '-f',
      '100',
      '-l',
      '100',
      res.path,
      join(SHOTS, 'report-5000-findings'),
    ])
  }, 120_000)

  it('says plainly when there is nothing in scope', async () => {
    const err = await exportReportError(
      core,
      { scope: { from: '2040-01-01' }, format: 'json' },
      join(out, 'none.json'),
    )
    expect(err.message).toBe(
      'No finished scans of host-000, host-001, host-002 between 2040-01-01 and now: scan them first, or widen the time window',
    )
    const empty = createCore({ face: 'cli', dataDir: tmp.make('dw-report-empty-') })
    try {
      expect((await callError(empty, 'reports.preview', { scope: {} })).message).toBe(
        'There are no targets to report on: add and scan a target first',
      )
    } finally {
      empty.close()
    }
    expect((await callError(core, 'reports.preview', { scope: { groups: ['nope'] } })).message).toBe(
      'No target is in the group "nope"',
    )
    expect(
      (await callError(core, 'reports.preview', { scope: { from: '2030-02-01', to: '2030-01-01' } })).message,
    ).toMatch(/ends before it starts/)
    expect(existsSync(join(out, 'none.json'))).toBe(false)
  })

  it('a write error is named and leaves no file, not even a partial one', async () => {
    const missing = await exportReportError(
      core,
      { scope: {}, format: 'json' },
      join(out, 'no-such-dir', 'r.json'),
    )
    expect(missing.message).toBe(
      `Could not write ${join(out, 'no-such-dir', 'r.json')}: the folder does not exist (ENOENT). Nothing was written.`,
    )

    // A real full disk: a 64 KB tmpfs, too small for the 5,000-finding JSON (root can mount; CI runs as root).
    const small = join(tmp.make('dw-full-'), 'disk')
    mkdirSync(small)
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small])
    } catch {
      console.warn('cannot mount a tmpfs here (not root?): the full-disk case is not exercised')
      return
    }
    try {
      writeFileSync(join(small, 'old.json'), 'previous export\n')
      const full = await exportReportError(big, { scope: {}, format: 'json' }, join(small, 'old.json'))
      expect(full.message).toBe(
        `Could not write ${join(small, 'old.json')}: the disk is full (ENOSPC). Nothing was written.`,
      )
      // The earlier file is untouched, and no temporary file is left behind.
      expect(readdirSync(small)).toEqual(['old.json'])
      expect(read(join(small, 'old.json'))).toBe('previous export\n')
    } finally {
      execFileSync('umount', [small])
    }
  }, 60_000)
})

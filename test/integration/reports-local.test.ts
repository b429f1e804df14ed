// Reports from real scans: this computer scanned twice with oscap and the widened Debian 11 datastream, then
// `driftwatch export` in every format and `driftwatch verify`, as an auditor would run them. The PDF's text
// (pdftotext) must hold the scores, rule ids and artefact hashes; its pages are rendered to PNG for a look.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { unzipSync, zipSync } from 'fflate'
import { createCore } from '../../src-main/core/app'
import { widenedDebian11Datastream } from '../services/lib'
import { useTmpDirs } from '../helpers/tmp-dir'
import { call } from '../helpers/core'
import { importContentFile } from '../helpers/files'
import { ensureBuilt, ROOT, runCli } from '../helpers/cli'
import { evidenceErrors, heimdallOpen, oscalErrors } from '../helpers/report-schemas'
import { floorCostVault } from '../helpers/vault-cost'

const PROFILE = 'xccdf_org.ssgproject.content_profile_standard'
const PASS = 'integration passphrase for reports'
const SHOTS = join(ROOT, 'test-results', 'screenshots')
const tmp = useTmpDirs('all')
let dir: string
let dataDir: string

beforeAll(async () => {
  ensureBuilt()
  dir = tmp.make('dw-reports-local-')
  dataDir = join(dir, 'data')
  const ds = await widenedDebian11Datastream(dir)
  const core = createCore({ face: 'cli', dataDir })
  try {
    const sha256 = (await importContentFile(core, ds)).sha256
    const target = await call(core, 'targets.create', {
      target: { kind: 'local', name: 'laptop', groups: ['fleet'] },
    })
    await call(core, 'tailorings.save', {
      name: 'Fleet',
      sha256,
      baseProfileId: PROFILE,
      changes: {},
      targets: [target.id],
    })
    for (let i = 0; i < 2; i++) {
      await call(core, 'scan.start', { targetId: target.id, sha256, profileId: PROFILE })
      await core.idle()
    }
  } finally {
    core.close()
  }
}, 300_000)

afterAll(() => undefined)

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli([...args, '--data-dir', dataDir], { env })
const engagement = ['--engagement', 'ACME Q4 audit', '--auditor', 'Jane Doe', '--organisation', 'ACME Corp']

describe('driftwatch export from real scans', () => {
  it('refuses a wrong format or an unknown target with a clear message', async () => {
    const fmt = await cli(['export', '--format', 'docx'])
    expect(fmt.code).toBe(64)
    expect(fmt.stderr).toBe(
      'driftwatch export: unknown format "docx": use one of pdf, json, oscal, hdf, csv, bundle, ckl, cklb\n',
    )
    const who = await cli(['export', '--format', 'json', '--target', 'nobody'])
    expect(who.code).toBe(1)
    expect(who.stderr).toBe('driftwatch export: no target named "nobody"\n')
    const when = await cli(['export', '--format', 'json', '--from', '2040-01-01'])
    expect(when.stderr).toBe(
      'driftwatch export: No finished scans of laptop between 2040-01-01 and now: scan them first, or widen the time window\n',
    )
  }, 30_000)

  let json: {
    targets: { name: string; score: number }[]
    results: { ruleId: string; status: string }[]
    evidence: { sha256: string; path: string }[]
  }

  it('writes evidence JSON valid against its schema, byte-identical when exported twice', async () => {
    const a = await cli([
      'export',
      '--format',
      'json',
      '--group',
      'fleet',
      ...engagement,
      '--out',
      join(dir, 'a.json'),
    ])
    expect(a.stderr).toBe('')
    expect(a.code).toBe(0)
    const b = await cli([
      'export',
      '--format',
      'json',
      '--group',
      'fleet',
      ...engagement,
      '--out',
      join(dir, 'b.json'),
    ])
    expect(readFileSync(join(dir, 'b.json'))).toEqual(readFileSync(join(dir, 'a.json')))
    json = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8'))
    expect(evidenceErrors(json)).toEqual([])
    expect(json.targets[0]!.name).toBe('laptop')
    expect(json.evidence).toHaveLength(2)
    expect(b.stdout).toMatch(/^Wrote .*b\.json \(\d+ bytes, SHA-256 [0-9a-f]{64}\)\n$/)
  }, 60_000)

  it("writes OSCAL valid against NIST's schema and HDF that inspecjs opens as Heimdall does", async () => {
    expect((await cli(['export', '--format', 'oscal', '--out', join(dir, 'r.oscal.json')])).code).toBe(0)
    expect(oscalErrors(JSON.parse(readFileSync(join(dir, 'r.oscal.json'), 'utf8')))).toEqual([])
    expect((await cli(['export', '--format', 'hdf', '--out', join(dir, 'r.hdf.json')])).code).toBe(0)
    const hdf = heimdallOpen(readFileSync(join(dir, 'r.hdf.json'), 'utf8'))
    const failed = hdf.contains[0]!.contains.filter((c) => c.hdf.status === 'Failed').map((c) => c.data.id)
    expect(failed.sort()).toEqual(
      json.results
        .filter((r) => r.status === 'fail')
        .map((r) => r.ruleId)
        .sort(),
    )
  }, 60_000)

  it('prints the PDF with Chromium: its text holds the scores, the rule ids and the artefact hashes', async () => {
    const pdf = join(dir, 'report.pdf')
    const r = await cli([
      'export',
      '--format',
      'pdf',
      '--target',
      'laptop',
      ...engagement,
      '--notes',
      'On-site visit.',
      '--out',
      pdf,
    ])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/\nPrinted by Chromium \d+\.[\d.]+ \(playwright-core, \/usr\/bin\/chromium\)\n$/)
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' })
    const flat = text.replace(/\s+/g, ' ')
    expect(flat).toContain('ACME Q4 audit')
    expect(flat).toContain('Prepared for ACME Corp')
    expect(flat).toContain(`${json.targets[0]!.score}%`)
    for (const f of json.results.filter((x) => x.status === 'fail')) expect(flat).toContain(f.ruleId)
    for (const e of json.evidence) expect(text).toContain(`SHA-256 ${e.sha256}`)
    for (const heading of [
      '1. Scope and method',
      '2. Executive summary',
      '3. Findings',
      '4. Drift events',
      'Appendix: evidence artefacts',
    ])
      expect(flat).toContain(heading)
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1])
    expect(pages).toBeGreaterThanOrEqual(6)
    expect(flat).toContain(`Page 1 of ${pages}`)
    expect(flat).toContain(`Page ${pages} of ${pages}`)
    mkdirSync(SHOTS, { recursive: true })
    execFileSync('pdftoppm', ['-png', '-r', '70', pdf, join(SHOTS, 'report-page')])
    expect(readdirSync(SHOTS).filter((n) => n.startsWith('report-page')).length).toBeGreaterThanOrEqual(pages)
  }, 120_000)

  it('exports a signed bundle that verifies, and verify names a changed file or audit entry', async () => {
    const env = { DRIFTWATCH_VAULT_PASSPHRASE: PASS }
    await floorCostVault(dataDir, PASS)
    const zipPath = join(dir, 'evidence.zip')
    const r = await cli(
      ['export', '--format', 'bundle', '--group', 'fleet', ...engagement, '--out', zipPath],
      env,
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/\nPrinted by bundle \(PDF: Chromium \d+/)
    const ok = await cli(['verify', zipPath])
    expect(ok.stdout).toMatch(
      /evidence\.zip: intact\. 9 files match the manifest, signed by SHA256:\S+; the audit log is unbroken\.\n$/,
    )
    expect(ok.code).toBe(0)

    // Whoever receives the bundle needs no Driftwatch data: verifying creates none.
    const elsewhere = join(dir, 'recipient-data')
    expect((await runCli(['verify', zipPath, '--data-dir', elsewhere])).code).toBe(0)
    expect(existsSync(elsewhere)).toBe(false)

    const files = unzipSync(readFileSync(zipPath))
    for (const e of json.evidence)
      expect(Buffer.from(files[e.path]!).toString()).toContain('<arf:asset-report-collection')
    const pdf = Uint8Array.from(files['report.pdf']!)
    pdf[pdf.length >> 1] = pdf[pdf.length >> 1]! ^ 0x01
    writeFileSync(join(dir, 'bad-pdf.zip'), zipSync({ ...files, 'report.pdf': pdf }))
    const bad = await cli(['verify', join(dir, 'bad-pdf.zip')])
    expect(bad.code).toBe(1)
    expect(bad.stdout).toMatch(
      /NOT intact \(1 problem\):\n {2}report\.pdf: differs: its SHA-256 is [0-9a-f]{64}, the manifest says [0-9a-f]{64}\n$/,
    )

    const log = Buffer.from(files['audit-log.jsonl']!).toString().split('\n')
    const actions = log.filter(Boolean).map((l) => JSON.parse(l).action)
    expect(actions).toEqual(
      expect.arrayContaining([
        'target.created',
        'tailoring.saved',
        'scan.started',
        'scan.finished',
        'report.exported',
        'vault.created',
        'vault.unlocked',
        'report.exporting',
      ]),
    )
    const i = actions.indexOf('scan.finished')
    log[i] = log[i]!.replace(/"score":[\d.]+/, '"score":100')
    writeFileSync(
      join(dir, 'bad-log.zip'),
      zipSync({ ...files, 'audit-log.jsonl': Buffer.from(log.join('\n')) }),
    )
    const badLog = await cli(['verify', join(dir, 'bad-log.zip')])
    expect(badLog.code).toBe(1)
    expect(badLog.stdout).toContain(
      `audit-log.jsonl entry ${i + 1}: entry ${i + 1} (scan.finished) was changed: its hash does not match`,
    )

    // Pinning the expected key: the bundle's own key passes, another one is named.
    writeFileSync(join(dir, 'ours.pem'), Buffer.from(files['signing-key.pub.pem']!))
    expect((await cli(['verify', zipPath, '--key', join(dir, 'ours.pem')])).code).toBe(0)
    const { generateKeyPairSync } = await import('node:crypto')
    const other = generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' })
    writeFileSync(join(dir, 'other.pem'), other)
    const pinned = await cli(['verify', zipPath, '--key', join(dir, 'other.pem'), '--json'])
    expect(pinned.code).toBe(1)
    expect(JSON.parse(pinned.stdout).problems[0].message).toMatch(
      /^was signed by SHA256:\S+, not by the trusted key SHA256:/,
    )

    const audit = await cli(['verify', '--audit-log'])
    expect(audit.stdout).toMatch(/^The audit log is intact: \d+ entries/)
  }, 120_000)
})

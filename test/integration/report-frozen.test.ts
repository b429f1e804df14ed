// A report is built once, from real tailored oscap scans of this computer: the preview freezes the model, and
// the PDF, JSON, OSCAL, HDF, CSV and signed bundle of it carry the same report id and scans even when a scan
// lands mid-export; the Method and every format name the tailoring and its SHA-256, and the bundle holds the
// file. A past scan's ARF, OpenSCAP HTML report and evidence JSON download.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { unzipSync } from 'fflate'
import { createCore, type Core } from '../../src-main/core/app'
import type { ReportModel, Res } from '../../src-preload/contract'
import { stableUuid } from '../../src-main/core/reports/model'
import { saveStaged } from '../../src-main/core/files/user-files'
import { widenedDebian11Datastream } from '../services/lib'
import { useTmpDirs } from '../helpers/tmp-dir'
import { call } from '../helpers/core'
import { exportReportTo, importContentFile } from '../helpers/files'
import { ensureBuilt, ROOT, runCli } from '../helpers/cli'
import { evidenceErrors, heimdallOpen, oscalErrors } from '../helpers/report-schemas'

const SSG = 'xccdf_org.ssgproject.content_'
const STANDARD = `${SSG}profile_standard`
const NAME = 'ACME Debian baseline 2026'
const SHOTS = join(ROOT, 'test-results', 'screenshots')
const tmp = useTmpDirs('all')
let dir: string
let core: Core
let sha256: string
let targetId: string
let tailoringId: string
let preview: ReportModel
const files: Record<string, Res<'reports.export'> & { path: string }> = {}
let landed = ''

const sha = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex')
const text = (f: string) => readFileSync(files[f]!.path, 'utf8')

async function scanTailored() {
  const { scanId } = await call(core, 'scan.start', { targetId, sha256, profileId: STANDARD, tailoringId })
  await core.idle()
  return scanId
}

beforeAll(async () => {
  ensureBuilt()
  dir = tmp.make('dw-report-frozen-')
  const ds = await widenedDebian11Datastream(dir)
  core = createCore({ face: 'cli', dataDir: join(dir, 'data'), unsafeKdfForTests: { N: 1024, r: 8, p: 1 } })
  await call(core, 'vault.init', { passphrase: 'frozen report passphrase' })
  sha256 = (await importContentFile(core, ds)).sha256
  targetId = (await call(core, 'targets.create', { target: { kind: 'local', name: 'laptop' } })).id
  tailoringId = (
    await call(core, 'tailorings.save', {
      name: NAME,
      sha256,
      baseProfileId: STANDARD,
      changes: {
        selects: {
          [`${SSG}rule_file_owner_etc_passwd`]: false,
          [`${SSG}rule_file_groupowner_etc_passwd`]: false,
        },
        setValues: { [`${SSG}value_sshd_idle_timeout_value`]: '900' },
        refineValues: { [`${SSG}value_var_sshd_set_keepalive`]: '3' },
        refineRules: { [`${SSG}rule_sshd_disable_root_login`]: 'high' },
      },
    })
  ).id
  await scanTailored()

  preview = await call(core, 'reports.preview', { scope: { engagement: { name: 'Frozen' } } })
  // The PDF is printed while another scan of the same target runs and commits; the other formats follow it.
  const pdf = exportReportTo(core, { reportId: preview.reportId, format: 'pdf' }, join(dir, 'r.pdf'))
  landed = await scanTailored()
  files.pdf = await pdf
  for (const f of ['json', 'oscal', 'hdf', 'csv', 'bundle'] as const)
    files[f] = await exportReportTo(core, { reportId: preview.reportId, format: f }, join(dir, `r.${f}`))
}, 300_000)

afterAll(() => core?.close())

describe('a report built once', () => {
  it('keeps one report id and the same scans across the preview and all six formats while a scan lands', async () => {
    // The landed scan is real and newer: a fresh preview of the same scope sees it and is another report.
    const fresh = await call(core, 'reports.preview', { scope: { engagement: { name: 'Frozen' } } })
    expect(fresh.scans.map((s) => s.id)).toContain(landed)
    expect(fresh.reportId).not.toBe(preview.reportId)

    const id = preview.reportId
    for (const f of Object.values(files)) expect(f.reportId).toBe(id)
    const json = JSON.parse(text('json')) as ReportModel
    expect(json.reportId).toBe(id)
    expect(json.scans.map((s) => s.id)).toEqual(preview.scans.map((s) => s.id))
    expect(json.scans.map((s) => s.id)).not.toContain(landed)
    expect(JSON.parse(text('oscal'))['assessment-results'].uuid).toBe(stableUuid(`oscal|${id}|document`))
    expect(text('oscal')).not.toContain(landed)
    expect(JSON.parse(text('hdf')).profiles[0].summary).toContain(id)
    const csv = text('csv').trim().split('\r\n').slice(1)
    expect(csv.length).toBeGreaterThan(0)
    for (const row of csv) expect(row.endsWith(`,${id}`)).toBe(true)
    expect(text('csv')).not.toContain(landed)
    const pdfText = execFileSync('pdftotext', ['-layout', files.pdf!.path, '-'], { encoding: 'utf8' })
    expect(pdfText).toContain(id)
    const zip = unzipSync(readFileSync(files.bundle!.path))
    expect(JSON.parse(Buffer.from(zip['manifest.json']!).toString()).reportId).toBe(id)
    expect(JSON.parse(Buffer.from(zip['report.json']!).toString()).reportId).toBe(id)
  })

  it('names the tailoring, its SHA-256 and its changes in the Method and every format; the bundle holds the file', () => {
    const m = preview.method.find((x) => x.tailoring)!
    expect(m.tailoring!.name).toBe(NAME)
    expect(m.benchmark).toMatch(/Debian 11/)
    expect(m.profileTitle).toMatch(/Standard/)
    // The core here is the CLI's: its scans are recorded as started from the command line.
    expect(m.triggers).toEqual(['cli'])
    expect(m.tailoring!.changes).toHaveLength(5)
    expect(m.tailoring!.changes.join('\n')).toMatch(/Unselect rule .*file_owner_etc_passwd/)
    expect(m.tailoring!.changes.join('\n')).toMatch(/value_sshd_idle_timeout_value = 900/)
    const tsha = m.tailoring!.sha256

    const zip = unzipSync(readFileSync(files.bundle!.path))
    const file = zip[`tailoring/${tsha}.xml`]
    expect(file, 'the bundle holds the tailoring file').toBeDefined()
    expect(sha(file!)).toBe(tsha)
    expect(Buffer.from(file!).toString()).toMatch(/<xccdf:Tailoring /)
    const manifest = JSON.parse(Buffer.from(zip['manifest.json']!).toString()) as {
      files: { path: string }[]
    }
    expect(manifest.files.map((f) => f.path)).toContain(`tailoring/${tsha}.xml`)

    // Still valid where it is read: our schema, NIST's OSCAL schema, Heimdall's parser.
    expect(evidenceErrors(JSON.parse(text('json')))).toEqual([])
    expect(oscalErrors(JSON.parse(text('oscal')))).toEqual([])
    expect(() => heimdallOpen(text('hdf'))).not.toThrow()
    for (const f of ['json', 'oscal', 'hdf', 'csv'] as const) {
      expect(text(f), `${f} names the tailoring`).toContain(NAME)
      expect(text(f), `${f} carries its SHA-256`).toContain(tsha)
    }
    expect(text('oscal')).toContain('Unselect rule')
    const pdfText = execFileSync('pdftotext', ['-raw', files.pdf!.path, '-'], { encoding: 'utf8' })
    expect(pdfText).toContain(NAME)
    expect(pdfText.replace(/\s+/g, '')).toContain(tsha)
    expect(pdfText).toMatch(/5 changes to the\s+profile/)
    // The Method page, rendered for a person to look at.
    mkdirSync(SHOTS, { recursive: true })
    execFileSync('pdftoppm', [
      '-f',
      '2',
      '-l',
      '2',
      '-r',
      '70',
      '-png',
      '-singlefile',
      files.pdf!.path,
      join(SHOTS, 'report-method'),
    ])
  })

  it('downloads a past scan as its ARF, the OpenSCAP HTML report and its evidence JSON', async () => {
    const scanId = preview.scans[0]!.id
    const get = async (file: 'arf' | 'html' | 'evidence') => {
      const res = await call(core, 'scan.download', { scanId, file })
      const out = join(dir, res.fileName)
      await saveStaged(core.downloads, res.download, out)
      return { res, body: readFileSync(out, 'utf8') }
    }
    const arf = await get('arf')
    expect(arf.body).toContain('asset-report-collection')
    expect(sha(Buffer.from(arf.body))).toBe(preview.scans[0]!.evidenceSha256)
    const html = await get('html')
    expect(html.res.mediaType).toBe('text/html')
    expect(html.body).toMatch(/OpenSCAP Evaluation Report/)
    const ev = JSON.parse((await get('evidence')).body) as ReportModel
    expect(ev.scans.map((s) => s.id)).toEqual([scanId])
    expect(ev.method[0]!.tailoring!.name).toBe(NAME)

    // Without oscap on this computer the HTML report is refused in words a person can act on.
    const path = process.env.PATH
    process.env.PATH = join(dir, 'no-bin')
    try {
      const env = await core.invoke('scan.download', { scanId, file: 'html' })
      expect(env.ok).toBe(false)
      expect(env.ok ? '' : env.error.message).toMatch(/oscap, which is not installed on this computer/)
    } finally {
      process.env.PATH = path
    }
  })

  it('driftwatch scans list, show and download give the same scan and files from a terminal', async () => {
    const scanId = preview.scans[0]!.id
    const cli = (args: string[]) => runCli([...args, '--data-dir', join(dir, 'data')])
    const list = await cli(['scans', 'list', 'laptop'])
    expect(list.code).toBe(0)
    expect(list.stdout).toContain(scanId)
    expect(list.stdout).toMatch(/\d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC|\w{3} \d{1,2}, \d{4}, \d{2}:\d{2} UTC/)
    const show = await cli(['scans', 'show', scanId])
    expect(show.stdout).toContain(`tailoring "${NAME}"`)
    const out = join(dir, 'cli-report.html')
    const dl = await cli(['scans', 'download', scanId, '--html', '--out', out])
    expect(dl.code, dl.stderr).toBe(0)
    expect(readFileSync(out, 'utf8')).toMatch(/OpenSCAP Evaluation Report/)
    const bad = await cli(['scans', 'download', scanId, '--arf', '--html'])
    expect(bad.code).toBe(64)
    expect(bad.stderr).toMatch(/choose one of --arf, --html, --evidence/)
  })

  it('reports the scan a person picks instead of the latest, and refuses one that is not in scope', async () => {
    const first = preview.scans[0]!.id
    const picked = await call(core, 'reports.preview', { scope: { scanIds: [first] } })
    expect(picked.targets[0]!.latestScanId).toBe(first)
    expect(picked.scans.map((s) => s.id)).toEqual([first])
    const env = await core.invoke('reports.preview', { scope: { scanIds: ['no-such-scan'] } })
    expect(env.ok ? '' : env.error.message).toMatch(/No finished scan "no-such-scan"/)
    const gone = await core.invoke('reports.export', { reportId: stableUuid('never built'), format: 'json' })
    expect(gone.ok ? '' : gone.error.message).toMatch(/build the preview again/)
  })
})

// A full disk under the data dir: a tiny tmpfs (or loop-mounted ext4) holds Driftwatch's data and a filler
// file eats what is left; if no small filesystem can be mounted the test fails, it never skips.
// Importing content and committing a scan then fail with a clear "disk full" error, the database stays intact
// (integrity_check ok, the earlier scan still there), and once space is freed the same actions work.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { createCore, DB_FILE, type Core } from '../../src-main/core/app'
import type { Scanner, ScanOutcome } from '../../src-main/core/scanners/scanner'
import { widenedDebian11Datastream } from '../services/lib'
import { call } from '../helpers/core'
import { importContentFile, importContentError } from '../helpers/files'
import { mountSmallDisk, type SmallDisk } from '../helpers/small-disk'
import { useTmpDirs } from '../helpers/tmp-dir'

const tmp = useTmpDirs('all')
const mounts: { dir: string; disk?: SmallDisk }[] = []

/** A new mount point with a small filesystem on it; unmounted and removed after the file. */
async function smallDisk(sizeMiB: number, kinds?: SmallDisk['kind'][]) {
  const m: { dir: string; disk?: SmallDisk } = { dir: mkdtempSync(join(tmpdir(), 'dw-disk-full-')) }
  mounts.push(m)
  m.disk = await mountSmallDisk(m.dir, sizeMiB, kinds)
  return m.dir
}

afterAll(async () => {
  for (const m of mounts.splice(0)) {
    await m.disk?.unmount()
    rmSync(m.dir, { recursive: true, force: true })
  }
})

let mnt = ''
beforeAll(async () => {
  mnt = await smallDisk(24)
})

const free = (dir: string) => {
  const s = statfsSync(dir)
  return s.bavail * s.bsize
}

/** A scanner for 'local' targets that returns whatever outcome the test sets. */
function settableScanner() {
  let next: ScanOutcome = { results: [], evidence: [], info: {} }
  const scanner: Scanner = {
    kinds: ['local'],
    plan: () => ({ profileId: 'disk-full', tailoringId: null }),
    scan: async () => next,
  }
  return { scanner, set: (o: ScanOutcome) => void (next = o) }
}

const outcome = (rules: number, evidenceBytes: number): ScanOutcome => ({
  results: Array.from({ length: rules }, (_, i) => ({
    ruleId: `rule-${i}`,
    status: i % 3 === 0 ? 'fail' : 'pass',
    severity: 'low',
    title: `Rule ${i}`,
    actual: 'x',
    expected: 'y',
    message: '',
    idents: [],
  })),
  // Random bytes do not compress: the evidence takes its full size in the store.
  evidence: [{ mediaType: 'application/octet-stream', name: 'blob', bytes: randomBytes(evidenceBytes) }],
  info: {},
})

async function scan(core: Core, targetId: string) {
  const { scanId } = await call(core, 'scan.start', { targetId })
  await core.idle()
  return call(core, 'scan.results', { scanId })
}

it('the ext4 loop fallback (for hosts without tmpfs mounts) gives a real small disk that fills up', async () => {
  const dir = await smallDisk(8, ['ext4-loop'])
  expect(statfsSync(dir).blocks * statfsSync(dir).bsize).toBeLessThan(8 * 1024 * 1024)
  const before = free(dir)
  expect(() => writeFileSync(join(dir, 'filler'), Buffer.alloc(before + 1024 * 1024))).toThrow(/ENOSPC/)
})

it('a full disk fails import and commit clearly, keeps the database intact, and recovers', async () => {
  const datastream = await widenedDebian11Datastream(tmp.make('dw-disk-full-ds-'))
  const dataDir = join(mnt, 'data')
  mkdirSync(dataDir)
  const { scanner, set } = settableScanner()
  const core = createCore({ face: 'cli', dataDir, scanners: [scanner] })
  try {
    const target = await call(core, 'targets.create', { target: { kind: 'local', name: 'disk full target' } })
    set(outcome(50, 10_000))
    const first = await scan(core, target.id)
    expect(first.scan.state).toBe('done')

    // Leave about 256 KiB free.
    const filler = join(mnt, 'filler')
    writeFileSync(filler, Buffer.alloc(Math.max(0, free(mnt) - 256 * 1024)))

    const importErr = await importContentError(core, datastream)
    expect(importErr.code).toBe('unavailable')
    expect(importErr.message).toMatch(
      /^The disk holding Driftwatch's data is full: nothing of this was saved/,
    )

    set(outcome(3000, 2_000_000))
    const failed = await scan(core, target.id)
    expect(failed.scan.state).toBe('failed')
    expect(failed.scan.error).toMatch(/^The disk holding Driftwatch's data is full/)
    expect(failed.results).toEqual([])

    // The file itself, as another process sees it: intact, the first scan whole, nothing of the second.
    const db = new Database(join(dataDir, DB_FILE), { readonly: true })
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      const n = (sql: string, id: string) => (db.prepare(sql).get(id) as { n: number }).n
      expect(n('SELECT count(*) AS n FROM results WHERE scan_id = ?', first.scan.id)).toBe(50)
      expect(n('SELECT count(*) AS n FROM results WHERE scan_id = ?', failed.scan.id)).toBe(0)
      expect(n('SELECT count(*) AS n FROM current_status WHERE scan_id = ?', failed.scan.id)).toBe(0)
    } finally {
      db.close()
    }
    expect((await call(core, 'content.list', {})).content).toEqual([])

    // Space freed: the same actions now work without a restart.
    rmSync(filler)
    const again = await scan(core, target.id)
    expect(again.scan.state).toBe('done')
    expect(again.results).toHaveLength(3000)
    const imported = await importContentFile(core, datastream)
    expect(imported.sha256).toMatch(/^[0-9a-f]{64}$/)
  } finally {
    core.close()
  }
}, 60_000)

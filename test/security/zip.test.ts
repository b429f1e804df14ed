// `driftwatch verify` against crafted zips: a real signed bundle from the CLI, rebuilt with one fault each
// (two members of one name, names outside the manifest or unsafe to unpack, a symlink, local headers that
// disagree with the central directory, overlapping members, bytes before, between or after). The CLI must
// refuse each with its own message and exit 1 (its entry run here); the untouched bundle, and a faithful rebuild,
// verify (the built binary run as a user would).
import { beforeAll, describe, expect, it } from 'vitest'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { unzipSync } from 'fflate'
import { createCore } from '../../src-main/core/app'
import { seedSyntheticStore } from '../helpers/report-store'
import { ensureBuilt, runCli } from '../helpers/cli'
import { main } from '../../src-main/cli/main'
import { useTmpDirs } from '../helpers/tmp-dir'
import { buildZip, localRecord, type Member, type ZipLayout } from '../helpers/zip-builder'

const tmp = useTmpDirs('all')
const PASS = 'zip test passphrase 4d9e'
let dir: string
let original: Buffer
let members: Member[]

const verify = async (zip: Buffer, name = 'case.zip') => {
  const file = join(dir, name)
  writeFileSync(file, zip)
  return runCli(['verify', file])
}

/**
 * `driftwatch verify` run in this process, through the CLI's own entry (main: the same parsing, printing and
 * exit code as the binary, which the well-formed cases above run): one crafted zip per case, without the
 * second it takes to start a process for each.
 */
const verifyHere = async (zip: Buffer) => {
  const file = join(dir, 'case.zip')
  writeFileSync(file, zip)
  let stdout = ''
  let stderr = ''
  const code = await main(['verify', file], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
  })
  return { code, stdout, stderr }
}

/** The bundle's members, with changes; `report.json` is the one most cases tamper with. */
const rebuilt = (change: (m: Member[]) => Member[] = (m) => m, layout?: ZipLayout) =>
  buildZip(change(members.map((m) => ({ ...m }))), layout)
const tamper = (m: Member[], name: string, over: Partial<Member>) =>
  m.map((x) => (x.name === name ? { ...x, ...over } : x))

beforeAll(async () => {
  ensureBuilt()
  dir = tmp.make('driftwatch-zip-')
  const dataDir = join(dir, 'data')
  const core = createCore({ face: 'cli', dataDir })
  try {
    await seedSyntheticStore(core, { targets: 1, rules: 5, scans: 1 })
    const init = await core.invoke('vault.init', { passphrase: PASS })
    expect(init.ok).toBe(true)
  } finally {
    core.close()
  }
  const out = join(dir, 'bundle.zip')
  const exp = await runCli(['export', '--format', 'bundle', '--out', out, '--data-dir', dataDir], {
    env: { DRIFTWATCH_VAULT_PASSPHRASE: PASS },
  })
  expect(exp.code, exp.stderr).toBe(0)
  original = readFileSync(out)
  members = Object.entries(unzipSync(original)).map(([name, data]) => ({ name, data, deflate: true }))
  expect(members.map((m) => m.name)).toContain('report.json')
}, 180_000)

describe('driftwatch verify on a well-formed bundle', () => {
  it('passes the untouched bundle, and a faithful rebuild of it (so each case below fails by its fault alone)', async () => {
    for (const zip of [original, rebuilt(), rebuilt((m) => m.map((x) => ({ ...x, descriptor: true })))]) {
      const r = await verify(zip)
      expect(r.code, r.stdout + r.stderr).toBe(0)
      expect(r.stdout).toContain('intact.')
    }
  })
})

const evil = Buffer.from('{"tampered": true}\n')
const cases: [string, () => Buffer, string, RegExp][] = [
  [
    'two members of the same name, the tampered one first',
    () => rebuilt((m) => [{ name: 'report.json', data: evil }, ...m]),
    'report.json',
    /appears 2 times in the bundle/,
  ],
  [
    'two names that differ only in letter case',
    () => rebuilt((m) => [...m, { name: 'Report.json', data: evil }]),
    'Report.json',
    /differs from "report\.json" only in letter case/,
  ],
  [
    'a member the manifest does not list',
    () => rebuilt((m) => [...m, { name: 'evidence/extra.xml', data: evil }]),
    'evidence/extra.xml',
    /is in the bundle but not in the manifest/,
  ],
  [
    'an absolute name',
    () => rebuilt((m) => [...m, { name: '/etc/cron.d/x', data: evil }]),
    '/etc/cron.d/x',
    /is an absolute path/,
  ],
  [
    'a ".." name',
    () => rebuilt((m) => [...m, { name: 'evidence/../../x', data: evil }]),
    'evidence/../../x',
    /climbs out of the bundle/,
  ],
  [
    'a backslash',
    () => rebuilt((m) => [...m, { name: 'evidence\\x', data: evil }]),
    'evidence\\x',
    /backslash/,
  ],
  ['a drive letter', () => rebuilt((m) => [...m, { name: 'C:/x', data: evil }]), 'C:/x', /drive letter/],
  [
    'a NUL in the name',
    () => rebuilt((m) => [...m, { name: 'report.json\0.txt', data: evil }]),
    'report.json\\u0000.txt',
    /NUL byte/,
  ],
  [
    'a folder entry',
    () => rebuilt((m) => [...m, { name: 'evidence/', data: Buffer.alloc(0) }]),
    'evidence/',
    /folder entry/,
  ],
  [
    'a symlink (Unix mode S_IFLNK in the external attributes)',
    () =>
      rebuilt((m) => [
        ...m,
        {
          name: 'evidence/link',
          data: Buffer.from('/etc/passwd'),
          central: { madeBy: 0x0314, externalAttr: 0o120777 << 16 },
        },
      ]),
    'evidence/link',
    /is a symbolic link/,
  ],
  [
    'a local header naming another file',
    () => rebuilt((m) => tamper(m, 'report.json', { local: { name: 'report.jsoN' } })),
    'report.json',
    /is named "report\.jsoN" in its local header/,
  ],
  [
    'a local header with other sizes',
    () => rebuilt((m) => tamper(m, 'report.json', { local: { usize: 1 } })),
    'report.json',
    /its local header gives its size as \d+ → 1 bytes, the central directory/,
  ],
  [
    'a local header with another CRC',
    () => rebuilt((m) => tamper(m, 'report.json', { local: { crc: 0x12345678 } })),
    'report.json',
    /its local header gives its CRC-32 as 0x12345678/,
  ],
  [
    'a data descriptor with another CRC',
    () => rebuilt((m) => tamper(m, 'report.json', { descriptor: { crc: 0x0badf00d } })),
    'report.json',
    /its data descriptor gives its CRC-32 as 0x0badf00d/,
  ],
  [
    'content that does not match the CRC both headers give',
    () =>
      rebuilt((m) => tamper(m, 'report.json', { local: { crc: 0x01020304 }, central: { crc: 0x01020304 } })),
    'report.json',
    /its content has CRC-32 0x[0-9a-f]{8}, its headers say 0x01020304/,
  ],
  [
    'a local header with another compression method',
    () => rebuilt((m) => tamper(m, 'report.json', { local: { method: 0 } })),
    'report.json',
    /is compressed with method 0 by its local header, 8 by the central directory/,
  ],
  [
    'a member hidden inside another (overlapping offsets)',
    () => {
      const hidden: Member = { name: 'evidence/hidden.xml', data: evil }
      const carrier: Member = { name: 'evidence/carrier.bin', data: localRecord(hidden) }
      return rebuilt((m) => [
        carrier,
        ...m,
        { ...hidden, centralOnly: true, central: { offset: 30 + carrier.name.length } },
      ])
    },
    'evidence/hidden.xml',
    /overlaps "evidence\/carrier\.bin"/,
  ],
  [
    'bytes before the first member',
    () => rebuilt(undefined, { before: Buffer.from('MZ hidden prefix') }),
    '(bundle)',
    /has 16 bytes before its first member/,
  ],
  [
    'bytes after the end record',
    () => rebuilt(undefined, { after: Buffer.from('PK trailing') }),
    '(bundle)',
    /has 11 bytes after the end of the zip/,
  ],
  [
    'bytes between two members',
    () => rebuilt((m) => tamper(m, 'report.json', { after: Buffer.from('smuggled') })),
    '(bundle)',
    /has 8 unaccounted bytes between "report\.json" and/,
  ],
  [
    'bytes between the last member and the central directory',
    () => rebuilt(undefined, { beforeCentral: Buffer.from('smuggled!') }),
    '(bundle)',
    /has 9 unaccounted bytes between its last member and the central directory/,
  ],
  [
    'an encrypted member',
    () => rebuilt((m) => tamper(m, 'report.json', { local: { flags: 0x0801 }, central: { flags: 0x0801 } })),
    'report.json',
    /is encrypted/,
  ],
]

describe('driftwatch verify refuses a malformed zip, naming the member and the fault', () => {
  it.each(cases)('%s', async (_label, make, file, message) => {
    const r = await verifyHere(make())
    expect(r.code, r.stdout + r.stderr).toBe(1)
    expect(r.stdout).toContain('NOT intact')
    const line = r.stdout.split('\n').find((l) => l.startsWith(`  ${file}: `))
    expect(line, r.stdout).toBeDefined()
    expect(line).toMatch(message)
  })
})

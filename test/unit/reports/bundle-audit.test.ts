// The audit log and the evidence bundle on a real core: what gets logged, that the log refuses edits and shows
// tampering (changed or removed entries), and that a bundle's signature, hashes and audit log catch a change
// of one byte in any file. The PDF inside is printed by the real Chromium (needs `npm run build`).
import { beforeAll, describe, expect, it } from 'vitest'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { unzipSync, zipSync } from 'fflate'
import Database from 'better-sqlite3'
import { createCore, DB_FILE, type Core } from '../../../src-main/core/app'
import { call, callError, useCores } from '../../helpers/core'
import { useTmpDirs } from '../../helpers/tmp-dir'
import { seedSyntheticStore } from '../../helpers/report-store'
import { ensureBuilt } from '../../helpers/cli'
import { verifyBundle } from '../../../src-main/core/reports/verify'
import { exportReportTo, verifyBundleFile } from '../../helpers/files'
import { FAST_KDF } from '../vault/support'

const cores = useCores()
const tmp = useTmpDirs('all')
const PASS = 'correct horse battery staple'
const CANARY = 'canary-report-secret-7f3a9c'

beforeAll(() => ensureBuilt(), 300_000)

const open = (dataDir?: string) => cores.open({ unsafeKdfForTests: FAST_KDF, ...(dataDir && { dataDir }) })
const actions = async (core: Core) =>
  (await call(core, 'audit.list', {})).entries.map((e) => e.action).reverse()

describe('the audit log', () => {
  it('records target and tailoring changes, scans, vault unlocks and exports, each chained to the one before', async () => {
    const core = open()
    await call(core, 'vault.init', { passphrase: PASS })
    const t = await call(core, 'targets.create', { target: { kind: 'local', name: 'laptop' } })
    await call(core, 'targets.update', { id: t.id, target: { kind: 'local', name: 'laptop-2' } })
    await callError(core, 'targets.create', { target: { kind: 'local', name: 'laptop-2' } }) // refused: not logged
    await call(core, 'vault.lock', {})
    await call(core, 'vault.unlock', { passphrase: PASS })
    await call(core, 'targets.remove', { id: t.id })
    expect(await actions(core)).toEqual([
      'vault.created',
      'target.created',
      'target.updated',
      'vault.unlocked',
      'target.removed',
    ])
    const list = await call(core, 'audit.list', {})
    expect(list.intact).toBe(true)
    expect(JSON.stringify(list)).not.toContain(PASS)
  })

  it('refuses UPDATE and DELETE, and a change made behind its back is named by entry', async () => {
    const core = open()
    for (const name of ['a', 'b', 'c', 'd'])
      await call(core, 'targets.create', { target: { kind: 'local', name } })
    const db = new Database(join(core.dataDir, DB_FILE))
    try {
      expect(() => db.prepare("UPDATE audit_log SET subject = 'x' WHERE seq = 2").run()).toThrow(
        /append-only/,
      )
      expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(/append-only/)
      // Someone with the file drops the guard and edits entry 2.
      db.exec('DROP TRIGGER audit_log_no_update')
      db.prepare(`UPDATE audit_log SET details = '{"name":"z"}' WHERE seq = 2`).run()
    } finally {
      db.close()
    }
    let list = await call(core, 'audit.list', {})
    expect(list.intact).toBe(false)
    expect(list.problems).toEqual(['entry 2 (target.created) was changed: its hash does not match'])

    const db2 = new Database(join(core.dataDir, DB_FILE))
    try {
      db2.exec('DROP TRIGGER audit_log_no_delete')
      db2.prepare('DELETE FROM audit_log WHERE seq = 3').run()
    } finally {
      db2.close()
    }
    list = await call(core, 'audit.list', {})
    expect(list.problems).toContain('entry 3 is missing before entry 4')
  })
})

describe('the evidence bundle', () => {
  let core: Core
  let zip: Uint8Array
  let bundlePath: string

  beforeAll(async () => {
    core = createCore({ face: 'cli', dataDir: tmp.make('dw-bundle-'), unsafeKdfForTests: FAST_KDF })
    await seedSyntheticStore(core, { targets: 2, rules: 40, scans: 2 })
    const locked = await callError(core, 'reports.export', { scope: {}, format: 'bundle' })
    expect(locked.message).toBe(
      'Evidence bundles are signed with a key kept in the vault: create the vault first',
    )
    await call(core, 'vault.init', { passphrase: PASS })
    await call(core, 'vault.lock', {})
    expect((await callError(core, 'reports.export', { scope: {}, format: 'bundle' })).message).toBe(
      'Evidence bundles are signed with a key kept in the vault: unlock the vault first',
    )
    await call(core, 'vault.unlock', { passphrase: PASS })
    // A secret in the vault, used by a target in scope: it must reach no file of the bundle.
    const cred = await call(core, 'credentials.create', {
      credential: { kind: 'db-password', name: 'reader', secret: { password: CANARY } },
    })
    await call(core, 'targets.create', {
      target: {
        kind: 'postgres',
        name: 'db',
        host: '127.0.0.1',
        user: 'ro',
        credentialId: cred.id,
        groups: ['synthetic'],
      },
    })
    bundlePath = join(core.dataDir, 'bundle.zip')
    const res = await exportReportTo(
      core,
      { scope: { engagement: { name: 'Q1' } }, format: 'bundle' },
      bundlePath,
    )
    expect(res.engine).toMatch(/^bundle \(PDF: Chromium \d+/)
    zip = readFileSync(bundlePath)
    return () => core.close()
  }, 120_000)

  it('holds every format, the raw evidence, the schema, the audit log, a manifest, its signature and the public key', () => {
    const names = Object.keys(unzipSync(zip)).sort()
    expect(names.filter((n) => !n.startsWith('evidence/'))).toEqual([
      'audit-log.jsonl',
      'evidence-report-1.2.0.schema.json',
      'findings.csv',
      'manifest.json',
      'manifest.sig',
      'report.hdf.json',
      'report.json',
      'report.oscal.json',
      'report.pdf',
      'signing-key.pub.pem',
    ])
    expect(names.filter((n) => n.startsWith('evidence/'))).toHaveLength(4)
    const manifest = JSON.parse(Buffer.from(unzipSync(zip)['manifest.json']!).toString())
    expect(manifest.files).toHaveLength(names.length - 3)
    const log = Buffer.from(unzipSync(zip)['audit-log.jsonl']!).toString()
    expect(log).toContain('"action":"report.exporting"')
    for (const [name, data] of Object.entries(unzipSync(zip))) {
      expect(Buffer.from(data).includes(CANARY), name).toBe(false)
      expect(Buffer.from(data).includes(PASS), name).toBe(false)
    }
  })

  it("keeps the signing key's private half only sealed: no PKCS#8 Ed25519 key is anywhere in the database", () => {
    // Every Ed25519 PKCS#8 private key starts with these 16 bytes; a plaintext key in the store would show them.
    const pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex')
    const files = [DB_FILE, `${DB_FILE}-wal`].map((f) => join(core.dataDir, f))
    const bytes = Buffer.concat(files.map((f) => (existsSync(f) ? readFileSync(f) : Buffer.alloc(0))))
    expect(bytes.includes(Buffer.from('signing_keys'))).toBe(true)
    expect(bytes.includes(pkcs8Prefix)).toBe(false)
    expect(verifyBundle(Buffer.from('not a zip')).problems).toEqual([
      { file: '(bundle)', message: expect.stringMatching(/^not a readable zip file/) },
    ])
  })

  it('an untouched bundle verifies, through the channel too', async () => {
    expect(verifyBundle(zip)).toMatchObject({ ok: true, problems: [] })
    const res = await verifyBundleFile(core, bundlePath)
    expect(res).toMatchObject({ ok: true, files: 11 })
    expect(res.signedBy).toMatch(/^SHA256:/)
  })

  it('changing one byte of any file makes verify fail, naming that file', () => {
    const files = unzipSync(zip)
    for (const name of Object.keys(files)) {
      const copy = { ...files, [name]: Uint8Array.from(files[name]!) }
      const bytes = copy[name]!
      // The middle byte, changed to another printable character so text stays text.
      const i = Math.floor(bytes.length / 2)
      bytes[i] = bytes[i] === 0x41 ? 0x42 : 0x41
      const report = verifyBundle(zipSync(copy))
      expect(report.ok, name).toBe(false)
      const named = report.problems.map((p) => `${p.file}: ${p.message}`).join('\n')
      if (name === 'manifest.sig') expect(named).toContain('manifest.sig')
      else expect(named, name).toContain(name)
    }
  })

  it('changing or removing one audit-log entry names the entry, even with the file hash re-done', () => {
    const files = unzipSync(zip)
    const lines = Buffer.from(files['audit-log.jsonl']!).toString().trimEnd().split('\n')
    expect(lines.length).toBeGreaterThanOrEqual(3)
    const edited = [...lines]
    edited[1] = edited[1]!.replace('"actor":"cli"', '"actor":"someone-else"')
    const changed = verifyBundle(
      zipSync({ ...files, 'audit-log.jsonl': Buffer.from(edited.join('\n') + '\n') }),
    )
    expect(changed.problems.map((p) => p.file)).toEqual(['audit-log.jsonl', 'audit-log.jsonl entry 2'])
    expect(changed.problems[1]!.message).toMatch(/entry 2 .* was changed/)

    const removed = verifyBundle(
      zipSync({ ...files, 'audit-log.jsonl': Buffer.from([lines[0], ...lines.slice(2)].join('\n') + '\n') }),
    )
    expect(removed.problems.map((p) => p.file)).toContain('audit-log.jsonl entry 3')
    expect(removed.problems.map((p) => p.message)).toContain('entry 2 is missing before entry 3')

    // Cutting the last entry keeps the chain whole, but the signed manifest recorded how many there were.
    const cut = verifyBundle(
      zipSync({ ...files, 'audit-log.jsonl': Buffer.from(lines.slice(0, -1).join('\n') + '\n') }),
    )
    expect(cut.problems.map((p) => p.message)).toContain(
      `the log has ${lines.length - 1} entries but ${lines.length} were recorded`,
    )
  })

  it('a file slipped in after signing, or a bundle re-signed by another key, is caught', async () => {
    const files = unzipSync(zip)
    const added = verifyBundle(zipSync({ ...files, 'evidence/extra.xml': Buffer.from('<x/>') }))
    expect(added.problems).toEqual([
      {
        file: 'evidence/extra.xml',
        message: 'is in the bundle but not in the manifest (added after signing)',
      },
    ])
    const other = createCore({
      face: 'cli',
      dataDir: tmp.make('dw-bundle-other-'),
      unsafeKdfForTests: FAST_KDF,
    })
    try {
      await call(other, 'vault.init', { passphrase: PASS })
      await seedSyntheticStore(other, { targets: 1, rules: 5 })
      const p = join(other.dataDir, 'b.zip')
      await exportReportTo(other, { scope: {}, format: 'bundle' }, p)
      const theirs = readFileSync(p)
      const pem = Buffer.from(files['signing-key.pub.pem']!).toString()
      expect(verifyBundle(theirs).ok).toBe(true)
      expect(verifyBundle(theirs, { trustedKeyPem: pem }).problems[0]!.message).toMatch(
        /^was signed by SHA256:.*, not by the trusted key SHA256:/,
      )
    } finally {
      other.close()
    }
  }, 60_000)
})

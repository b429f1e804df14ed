// The overlapped SSH scan keeps its safety properties (real sshd and oscap on this machine): a damaged upload
// stops the one command that verifies and runs oscap before oscap starts; the temp dir is removed after the
// results are committed, not before the person sees them, and also after a cancel; a cancelled scan stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createCore, type Core } from '../../src-main/core/app'
import { openDatabase } from '../../src-main/core/store/db'
import { sqliteSql } from '../../src-main/core/store/sql/sqlite'
import { KnownHostsRepo } from '../../src-main/core/store/known-hosts'
import { HostKeyStore } from '../../src-main/core/scanners/ssh-oscap/host-key-store'
import { openSsh } from '../../src-main/core/scanners/ssh-oscap/ssh-connect'
import { SshRunner } from '../../src-main/core/scanners/ssh-oscap/ssh-runner'
import { sha256 as sha } from '../../src-main/core/scanners/ssh-oscap/runner'
import { startSshd, stopAll, widenedDebian11Datastream, type SshdService } from '../services/lib'
import { useTmpDirs } from '../helpers/tmp-dir'
import { call } from '../helpers/core'
import { importContentFile } from '../helpers/files'
import { rootKeyTarget } from '../helpers/ssh-target'

const PROFILE = 'xccdf_org.ssgproject.content_profile_standard'
const tmp = useTmpDirs('all')
let sshd: SshdService
let core: Core
let contentSha: string

beforeAll(async () => {
  const dir = tmp.make('dw-ssh-pipeline-')
  sshd = await startSshd({ name: 'pipeline' })
  core = createCore({ face: 'cli', dataDir: join(dir, 'data'), unsafeKdfForTests: { N: 1024, r: 8, p: 1 } })
  contentSha = (await importContentFile(core, await widenedDebian11Datastream(dir))).sha256
  await call(core, 'vault.init', { passphrase: 'ssh scan pipeline passphrase' })
}, 120_000)

afterAll(async () => {
  core?.close()
  await stopAll()
})

describe('the one command that verifies the upload and runs oscap', () => {
  it('refuses a file whose bytes are not the ones sent, naming it, and never starts oscap', async () => {
    const db = openDatabase(':memory:')
    const session = await openSsh({
      host: '127.0.0.1',
      port: sshd.port,
      user: 'root',
      auth: { privateKey: readFileSync(sshd.privateKeyPath) },
      hostKeys: new HostKeyStore(new KnownHostsRepo(sqliteSql(db))),
      trustFingerprint: sshd.hostKeyFingerprintSha256,
    })
    const runner = new SshRunner(session, 'none')
    try {
      const dir = (await runner.workDir())!
      expect(dir).toMatch(/^\/tmp\/driftwatch\./)
      const sent = Buffer.from('<ds/>\n')
      await runner.upload([{ data: sent, path: `${dir}/ds.xml` }])
      // What the host holds is not what was meant: as if the bytes were changed on the way.
      const progress: string[] = []
      const run = runner.evaluate(
        {
          files: [{ path: `${dir}/ds.xml`, sha256: sha(Buffer.from('<ds>other</ds>\n')) }],
          argv: ['touch', `${dir}/oscap-ran`],
          arf: `${dir}/arf.xml`,
        },
        { timeoutMs: 30_000, onProgress: (c) => progress.push(c) },
      )
      const r = await run.done
      expect(r.damaged).toEqual({ path: `${dir}/ds.xml`, sha256: sha(sent) })
      expect(existsSync(`${dir}/oscap-ran`)).toBe(false)

      // The right hash: the command runs, and its ARF comes back through gunzip.
      const ok = runner.evaluate(
        {
          files: [{ path: `${dir}/ds.xml`, sha256: sha(sent) }],
          argv: ['cp', `${dir}/ds.xml`, `${dir}/arf.xml`],
          arf: `${dir}/arf.xml`,
        },
        { timeoutMs: 30_000, onProgress: () => undefined },
      )
      const chunks: Buffer[] = []
      for await (const c of ok.arf) chunks.push(c as Buffer)
      expect((await ok.done).code).toBe(0)
      expect(Buffer.concat(chunks).equals(sent)).toBe(true)
      await runner.cleanup(dir)
      expect(existsSync(dir)).toBe(false)
    } finally {
      await runner.close()
      db.close()
    }
  })
})

/** The temp dir the scan announced, and whether it still existed when the scan's end was announced. */
function watchScan(targetId: string) {
  const seen = { dir: '', existedAtFinish: false, rules: 0 }
  const off = core.subscribe((name, payload) => {
    const p = payload as { targetId?: string; phase?: string; message?: string }
    if (p.targetId !== targetId) return
    const m = name === 'scan.progress' ? /^Working in (\S+) on /.exec(p.message ?? '') : null
    if (m) seen.dir = m[1]!
    if (name === 'scan.progress' && p.phase === 'rule') seen.rules++
    if (name === 'scan.finished') seen.existedAtFinish = existsSync(seen.dir)
  })
  return { seen, off }
}

describe('the temp dir on the host', () => {
  it('is removed after the results are committed and shown, not before', async () => {
    const targetId = await rootKeyTarget(core, sshd, 'pipeline box')
    const { seen, off } = watchScan(targetId)
    const { scanId } = await call(core, 'scan.start', {
      targetId,
      sha256: contentSha,
      profileId: PROFILE,
      trustHostKey: sshd.hostKeyFingerprintSha256,
    })
    await core.idle()
    off()
    const { scan, results } = await call(core, 'scan.results', { scanId })
    expect(scan.state, scan.error).toBe('done')
    expect(results.filter((r) => r.status === 'pass').length).toBeGreaterThan(0)
    // Each passed or failed rule says what it examined, read from the ARF while it streamed in.
    expect(results.filter((r) => r.status === 'fail' && r.evidence.length > 0).length).toBeGreaterThan(0)
    expect(results.filter((r) => r.status === 'notapplicable' && r.evidence.length > 0)).toEqual([])
    expect(seen.existedAtFinish).toBe(true)
    expect(existsSync(seen.dir)).toBe(false)
  }, 120_000)

  it('is removed after a cancel, and the cancelled scan stores nothing', async () => {
    const targetId = await rootKeyTarget(core, sshd, 'cancelled box')
    const { seen, off } = watchScan(targetId)
    let scanId = ''
    const stop = core.subscribe((name, payload) => {
      const p = payload as { targetId?: string; phase?: string; done?: number }
      if (name === 'scan.progress' && p.targetId === targetId && p.phase === 'rule' && p.done === 3)
        void call(core, 'scan.cancel', { scanId })
    })
    ;({ scanId } = await call(core, 'scan.start', { targetId, sha256: contentSha, profileId: PROFILE }))
    await core.idle()
    off()
    stop()
    const { scan, results } = await call(core, 'scan.results', { scanId })
    expect(seen.rules).toBeGreaterThanOrEqual(3)
    expect(scan.state).toBe('cancelled')
    expect(results).toEqual([])
    expect(seen.dir).toMatch(/^\/tmp\/driftwatch\./)
    expect(existsSync(seen.dir)).toBe(false)
  }, 120_000)
})

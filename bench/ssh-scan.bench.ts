// SSH scan speed: a full Driftwatch scan of a host over SSH (connect, upload, verify and run oscap in one
// command, the ARF streamed back compressed into the reader, evidence, commit; the temp dir removed after) beside
// `oscap-ssh` on the same host, content and profile, runs interleaved so load hits both alike. Prints each phase
// of our scan, read from the progress events a person sees. (ARF ingest alone is bench/arf-ingest.)
import { it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createCore, type Core } from '../src-main/core/app'
import { openDatabase } from '../src-main/core/store/db'
import { sqliteSql } from '../src-main/core/store/sql/sqlite'
import { ScansRepo } from '../src-main/core/store/scans'
import { ovalEvidence } from '../src-main/core/scap/oval-evidence'
import { parseArf } from '../src-main/core/scap/arf'
import { startSshd, stopAll, widenedDebian11Datastream } from '../test/services/lib'
import { call } from '../test/helpers/core'
import { importContentFile } from '../test/helpers/files'
import { rootKeyTarget } from '../test/helpers/ssh-target'
import { median } from './large-arf'
import { report, time } from './report'

const PROFILE = 'xccdf_org.ssgproject.content_profile_standard'
const RUNS = 3

/** The phases of one scan, in ms, from the events its progress reports. */
interface Phases {
  connect: number
  'temp dir': number
  'upload + verify + oscap load': number
  'oscap rules': number
  'ARF write + download + parse': number
  'evidence + commit': number
  /** Until the results are committed and shown: what a person waits for. */
  results: number
  'cleanup (after results)': number
  total: number
}

async function timedScan(core: Core, req: Record<string, unknown>): Promise<Phases> {
  const marks = new Map<string, number>()
  const mark = (k: string) => marks.has(k) || marks.set(k, performance.now())
  const off = core.subscribe((name, payload) => {
    const p = payload as { phase?: string; message?: string }
    if (name === 'scan.finished') mark('finished')
    if (name !== 'scan.progress') return
    if (p.phase === 'rule') {
      mark('rule')
      marks.set('last rule', performance.now())
    } else if (p.phase) mark(p.phase)
  })
  const t0 = performance.now()
  const { scanId } = await call(core, 'scan.start', req as never)
  await core.idle()
  const end = performance.now()
  off()
  const { scan } = await call(core, 'scan.results', { scanId })
  if (scan.state !== 'done') throw new Error(`scan ${scan.state}: ${scan.error}`)
  const at = (k: string) => marks.get(k) ?? NaN
  return {
    connect: at('prepare') - t0,
    'temp dir': at('upload') - at('prepare'),
    'upload + verify + oscap load': at('rule') - at('upload'),
    'oscap rules': at('last rule') - at('rule'),
    'ARF write + download + parse': at('ingest') - at('last rule'),
    'evidence + commit': at('finished') - at('ingest'),
    results: at('finished') - t0,
    'cleanup (after results)': end - at('finished'),
    total: end - t0,
  }
}

it('SSH scan: Driftwatch beside oscap-ssh, phase by phase', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-ssh-bench-'))
  const sshd = await startSshd({ name: 'bench' })
  const core = createCore({
    face: 'cli',
    dataDir: join(dir, 'data'),
    unsafeKdfForTests: { N: 1024, r: 8, p: 1 },
  })
  try {
    const ds = await widenedDebian11Datastream(dir)
    const { sha256 } = await importContentFile(core, ds)
    await call(core, 'vault.init', { passphrase: 'bench ssh scan passphrase' })
    const targetId = await rootKeyTarget(core, sshd, 'b')
    const knownHosts = join(dir, 'known_hosts')
    writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`)
    const oscapSsh = (extra: string[]) => () => {
      const r = spawnSync(
        'oscap-ssh',
        [
          'root@127.0.0.1',
          String(sshd.port),
          'xccdf',
          'eval',
          ...extra,
          '--profile',
          PROFILE,
          '--results-arf',
          join(dir, 'oscap-ssh-arf.xml'),
          ds,
        ],
        {
          stdio: 'ignore',
          env: {
            ...process.env,
            SSH_ADDITIONAL_OPTIONS: `-i ${sshd.privateKeyPath} -o UserKnownHostsFile=${knownHosts} -o BatchMode=yes`,
          },
        },
      )
      if (r.status !== 0 && r.status !== 2) throw new Error(`oscap-ssh exited ${r.status}`)
    }

    const load0 = loadavg()[0]!
    // The first scan pins the host key and lets oscap validate the content once (later scans skip that check).
    const first = await timedScan(core, {
      targetId,
      sha256,
      profileId: PROFILE,
      trustHostKey: sshd.hostKeyFingerprintSha256,
    })
    const ours: Phases[] = []
    const theirs: number[] = []
    const theirsSkip: number[] = []
    for (let i = 0; i < RUNS; i++) {
      ours.push(await timedScan(core, { targetId, sha256, profileId: PROFILE }))
      theirs.push(await time(oscapSsh([])))
      theirsSkip.push(await time(oscapSsh(['--skip-valid'])))
    }
    const load1 = loadavg()[0]!

    // Evidence and commit apart: the evidence pass timed alone on the ARF the last scan kept.
    const { scans } = await call(core, 'scans.list', { targetId })
    const arf = evidenceBytes(join(dir, 'data'), scans[0]!.evidence!)
    const parsed = await parseArf(arf)
    const parseMs = await time(() => parseArf(arf))
    const evidenceMs = await time(() =>
      ovalEvidence(arf, new Map(parsed.results.map((r) => [r.ruleId, r.status]))),
    )

    const med = (k: keyof Phases) => median(ours.map((p) => p[k]))
    const lines = (Object.keys(first) as (keyof Phases)[]).map(
      (k) =>
        `    ${k.padEnd(30)} ${med(k).toFixed(0).padStart(6)} ms   (first scan ${first[k].toFixed(0)} ms)`,
    )
    console.log(
      `ssh-scan phases, median of ${RUNS} (load ${load0.toFixed(1)} → ${load1.toFixed(1)}, ARF ${(arf.length / 1e6).toFixed(1)} MB; ` +
        `alone on it: parseArf ${parseMs.toFixed(0)} ms, evidence ${evidenceMs.toFixed(0)} ms):\n${lines.join('\n')}`,
    )
    report('ssh-scan', [
      {
        figure: `Driftwatch scan over SSH (standard profile) until results are committed, median of ${RUNS}`,
        ms: med('results'),
        baselineMs: median(theirs),
        baseline: `oscap-ssh, same host/content/profile, interleaved, median of ${RUNS}`,
      },
      {
        figure: 'the same, including the temp dir removal that runs after the results',
        ms: med('total'),
        baselineMs: median(theirs),
        baseline: 'oscap-ssh',
      },
      {
        figure: 'the same until results, against oscap-ssh with --skip-valid',
        ms: med('results'),
        baselineMs: median(theirsSkip),
        baseline: `oscap-ssh --skip-valid, median of ${RUNS}`,
      },
    ])
  } finally {
    core.close()
    await stopAll()
    rmSync(dir, { recursive: true, force: true })
  }
})

/** An evidence artefact's bytes, read from the store as the core keeps it. */
function evidenceBytes(dataDir: string, sha: string): Buffer {
  const db = openDatabase(join(dataDir, 'driftwatch.db'))
  try {
    return new ScansRepo(sqliteSql(db)).evidence(sha)!.bytes
  } finally {
    db.close()
  }
}

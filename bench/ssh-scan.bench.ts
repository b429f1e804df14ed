// SSH scan speed: a full Driftwatch scan of a host over SSH (connect, upload and verify the datastream, oscap,
// fetch the ARF compressed, parse, commit) beside `oscap-ssh` on the same host, content and profile; then
// ARF ingest in MB/s on a ~70 MB ARF built from the fetched one, beside `xmllint --stream --noout`.
import { it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore } from '../src-main/core/app'
import { openDatabase } from '../src-main/core/store/db'
import { ScansRepo } from '../src-main/core/store/scans'
import { startSshd, stopAll, widenedDebian11Datastream } from '../test/services/lib'
import { call } from '../test/helpers/core'
import { importContentFile } from '../test/helpers/files'
import { rootKeyTarget } from '../test/helpers/ssh-target'
import { arfIngestFigure, median } from './large-arf'
import { report, time } from './report'

const PROFILE = 'xccdf_org.ssgproject.content_profile_standard'
const RUNS = 3

it('SSH scan: Driftwatch beside oscap-ssh', async () => {
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
    let trust: string | undefined = sshd.hostKeyFingerprintSha256
    let lastScan = ''
    const ours: number[] = []
    for (let i = 0; i < RUNS; i++) {
      ours.push(
        await time(async () => {
          const { scanId } = await call(core, 'scan.start', {
            targetId,
            sha256,
            profileId: PROFILE,
            trustHostKey: trust,
          })
          await core.idle()
          const { scan } = await call(core, 'scan.results', { scanId })
          if (scan.state !== 'done') throw new Error(`scan ${scan.state}: ${scan.error}`)
          lastScan = scanId
        }),
      )
      trust = undefined
    }

    const knownHosts = join(dir, 'known_hosts')
    writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`)
    const theirs: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const arf = join(dir, `oscap-ssh-${i}.xml`)
      theirs.push(
        await time(() => {
          const r = spawnSync(
            'oscap-ssh',
            [
              'root@127.0.0.1',
              String(sshd.port),
              'xccdf',
              'eval',
              '--profile',
              PROFILE,
              '--results-arf',
              arf,
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
        }),
      )
    }

    // The ARF this scan fetched over SSH, grown to ~70 MB for the ingest figure.
    const { scan } = await call(core, 'scan.results', { scanId: lastScan })
    const arf = join(dir, 'fetched-arf.xml')
    writeFileSync(arf, evidenceBytes(join(dir, 'data'), scan.evidence!))
    const ingest = await arfIngestFigure(arf, join(dir, 'large-arf.xml'))
    console.log(ingest.line)
    report('ssh-scan', [
      {
        figure: `Driftwatch scan over SSH (standard profile), median of ${RUNS}`,
        ms: median(ours),
        baselineMs: median(theirs),
        baseline: `oscap-ssh, same host/content/profile, median of ${RUNS}`,
      },
      ingest.figure,
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
    return new ScansRepo(db).evidence(sha)!.bytes
  } finally {
    db.close()
  }
}

// ARF ingest speed: a large ARF (a real oscap run on this machine, its rules and rule-results replicated under
// fresh ids to ~70 MB) read by parseArf, in MB/s, beside `xmllint --stream --noout` on the same file.
import { it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { widenedDebian11Datastream } from '../test/services/lib'
import { arfIngestFigure } from './large-arf'
import { report } from './report'

const PROFILE = 'xccdf_org.ssgproject.content_profile_standard'

it('ARF ingest: a ~70 MB ARF', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-arf-bench-'))
  try {
    const ds = await widenedDebian11Datastream(dir)
    const small = join(dir, 'arf.xml')
    const run = spawnSync('oscap', ['xccdf', 'eval', '--profile', PROFILE, '--results-arf', small, ds], {
      stdio: 'ignore',
    })
    if (run.status !== 0 && run.status !== 2) throw new Error(`oscap exited ${run.status}`)
    const { line, figure } = await arfIngestFigure(small, join(dir, 'large-arf.xml'))
    console.log(line)
    report('arf-ingest', [figure])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

// Content import speed: the largest installed SSG datastream parsed by parseDatastream (median of several
// runs, in MB/s), beside `oscap info` on the same file, the tool auditors would otherwise reach for.
import { it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parseDatastream } from '../src-main/core/scap/datastream'
import { report, time } from './report'

const DIR = '/usr/share/xml/scap/ssg/content'
const RUNS = 7

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[s.length >> 1]!
}

it('content import: the largest SSG datastream', async () => {
  const [file] = readdirSync(DIR)
    .filter((f) => f.endsWith('-ds.xml'))
    .map((f) => join(DIR, f))
    .sort((a, b) => statSync(b).size - statSync(a).size)
  if (!file) throw new Error(`no SSG datastream in ${DIR}`)
  const mb = statSync(file).size / 1e6

  // The first run pays for JIT warm-up, as a user's first import would; the median shows the steady state.
  const ours: number[] = []
  let rules = 0
  for (let i = 0; i < RUNS; i++) {
    ours.push(
      await time(async () => {
        const ds = await parseDatastream(file)
        rules = ds.benchmarks.reduce((n, b) => n + b.rules.length, 0)
      }),
    )
  }
  const oscap: number[] = []
  for (let i = 0; i < RUNS; i++) {
    oscap.push(
      await time(() => {
        const r = spawnSync('oscap', ['info', file], { stdio: 'ignore' })
        if (r.status !== 0) throw new Error(`oscap info exited ${r.status}`)
      }),
    )
  }

  const ms = median(ours)
  const rate = (mb / (ms / 1000)).toFixed(1)
  console.log(
    `content-import: ${file} (${mb.toFixed(1)} MB, ${rules} rules): ${rate} MB/s ` +
      `(first run ${ours[0]!.toFixed(0)} ms), oscap info ${(mb / (median(oscap) / 1000)).toFixed(1)} MB/s`,
  )
  report('content-import', [
    {
      figure: `parseDatastream ${mb.toFixed(1)} MB, median of ${RUNS} (${rate} MB/s)`,
      ms,
      baselineMs: median(oscap),
      baseline: 'oscap info, spawned',
    },
  ])
})

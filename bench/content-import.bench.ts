// Content import speed: the largest installed SSG datastream (ubuntu2004, 11.3 MB) parsed by parseDatastream,
// where its time goes (bytes to text, tokenizing, our handlers, the store's insert), and the whole
// `driftwatch content import` process; each beside `oscap info` on the same file, the tool auditors would
// otherwise reach for, in wall and CPU time with the machine's load.
import { it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseDatastream } from '../src-main/core/scap/datastream'
import { openDatabase } from '../src-main/core/store/db'
import { sqliteSql } from '../src-main/core/store/sql/sqlite'
import { ContentRepo } from '../src-main/core/store/content'
import { decodeOnly, tokenizeOnly } from './large-arf'
import { medianOf, pairLine, report, stagesLine, timeChild, timeCpu } from './report'

const DIR = '/usr/share/xml/scap/ssg/content'
const RUNS = 7
const CLI = new URL('../out/main/cli.js', import.meta.url)
const BIN = new URL('../bin/driftwatch.js', import.meta.url).pathname

it('content import: the largest SSG datastream', async () => {
  const [file] = readdirSync(DIR)
    .filter((f) => f.endsWith('-ds.xml'))
    .map((f) => join(DIR, f))
    .sort((a, b) => statSync(b).size - statSync(a).size)
  if (!file) throw new Error(`no SSG datastream in ${DIR}`)
  const mb = statSync(file).size / 1e6
  const runs = async (fn: () => unknown) => {
    const out = []
    for (let i = 0; i < RUNS; i++) out.push(await timeCpu(fn))
    return medianOf(out)
  }

  // The first run pays for JIT warm-up, as a user's first import would; the median shows the steady state.
  let rules = 0
  const first = await timeCpu(() => parseDatastream(file))
  const ours = await runs(async () => {
    const ds = await parseDatastream(file)
    rules = ds.benchmarks.reduce((n, b) => n + b.rules.length, 0)
  })
  const oscap = medianOf(Array.from({ length: RUNS }, () => timeChild('oscap', ['info', file])))
  const decode = await runs(() => decodeOnly(file))
  const tokenize = await runs(() => tokenizeOnly(file))
  const raw = readFileSync(file)
  const parsed = await parseDatastream(raw)
  const dir = mkdtempSync(join(tmpdir(), 'dw-content-bench-'))
  try {
    const db = openDatabase(join(dir, 'bench.db'))
    const repo = new ContentRepo(sqliteSql(db))
    let n = 0
    const insert = await runs(() =>
      repo.insert(
        { ...parsed, sha256: `${parsed.sha256}-${n++}` },
        raw,
        'ds.xml',
        file,
        '2026-01-01T00:00:00Z',
      ),
    )
    db.close()

    const rate = (mb / (ours.ms / 1000)).toFixed(1)
    console.log(
      `content-import: ${file} (${mb.toFixed(1)} MB, ${rules} rules): ${rate} MB/s ` +
        `(first run ${first.ms.toFixed(0)} ms)\n` +
        `  ${pairLine('datastream parse, parseDatastream', ours, 'oscap info', oscap, 1.0)}\n` +
        `  where the time goes (the handlers are parseDatastream less tokenizing, which skips OVAL/OCIL/CPE):\n` +
        stagesLine([
          ['read + UTF-8 check + decode', decode],
          ['tokenize every element, build nothing', tokenize],
          ['parseDatastream (tokenize with skips + handlers + SHA-256)', ours],
          ['store insert (gzip of the file and the parse, one row)', insert],
        ]),
    )

    // The whole process, as a user runs it: a fresh store each run (created first, untimed), then the import.
    if (existsSync(CLI)) {
      const whole = medianOf(
        Array.from({ length: 5 }, (_, i) => {
          const data = join(dir, `data-${i}`)
          const ready = spawnSync(process.execPath, [BIN, 'content', 'list', '--data-dir', data], {
            stdio: 'ignore',
          })
          if (ready.status !== 0) throw new Error(`driftwatch content list exited ${ready.status}`)
          return timeChild(process.execPath, [BIN, 'content', 'import', file, '--data-dir', data])
        }),
      )
      console.log(
        `  ${pairLine('driftwatch content import (whole process)', whole, 'oscap info', oscap, 1.2)}`,
      )
    } else {
      console.log('  driftwatch content import (whole process): not measured, build first (npm run build)')
    }
    report('content-import', [
      {
        figure: `parseDatastream ${mb.toFixed(1)} MB, median of ${RUNS} (${rate} MB/s)`,
        ms: ours.ms,
        baselineMs: oscap.ms,
        baseline: 'oscap info, spawned',
      },
    ])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

// ARF ingest speed: a large ARF (a real oscap run on this machine, its rules and rule-results replicated under
// fresh ids to ~70 MB) read by parseArf, in MB/s, beside `xmllint --stream --noout` on the same file.
import { it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { arfSummary, parseArf } from '../src-main/core/scap/arf'
import { widenedDebian11Datastream } from '../test/services/lib'
import { report, time } from './report'

const PROFILE = 'xccdf_org.ssgproject.content_profile_standard'
const TARGET_BYTES = 70 * 1000 * 1000
const RUNS = 3

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[s.length >> 1]!
}

/**
 * Copies every rule-result with its Rule under a suffixed id, so the big file stays one consistent scan: the
 * reader checks each result against the embedded benchmark and refuses duplicates, as it would in production.
 */
async function buildLargeArf(src: string, out: string): Promise<number> {
  const raw = readFileSync(src, 'utf8')
  const rules = new Map<string, string>()
  for (const m of raw.matchAll(/<xccdf-1\.2:Rule [^>]*id="([^"]+)"[^>]*>[\s\S]*?<\/xccdf-1\.2:Rule>/g)) {
    rules.set(m[1]!, m[0])
  }
  const pairs = [...raw.matchAll(/<rule-result idref="([^"]+)"[\s\S]*?<\/rule-result>/g)]
    .filter((m) => rules.has(m[1]!))
    .map((m) => ({ id: m[1]!, rule: rules.get(m[1]!)!, result: m[0] }))
  const benchEnd = raw.indexOf('</xccdf-1.2:Benchmark>')
  const scoreAt = raw.indexOf('<score ', raw.indexOf('<TestResult '))
  if (benchEnd < 0 || scoreAt < 0 || pairs.length === 0) throw new Error('unexpected ARF shape')
  const perRound = pairs.reduce((n, p) => n + p.rule.length + p.result.length, 0)
  const rounds = Math.max(1, Math.ceil((TARGET_BYTES - raw.length) / perRound))

  const w = createWriteStream(out)
  const put = async (s: string): Promise<void> => {
    if (!w.write(s)) await once(w, 'drain')
  }
  const copies = (k: number, pick: (p: (typeof pairs)[number]) => string): string =>
    pairs.map((p) => pick(p).replaceAll(`"${p.id}"`, `"${p.id}_copy${k}"`)).join('\n')
  await put(raw.slice(0, benchEnd))
  await put(
    '<xccdf-1.2:Group id="xccdf_org.driftwatch_group_bench"><xccdf-1.2:title>copies</xccdf-1.2:title>\n',
  )
  for (let k = 0; k < rounds; k++) await put(copies(k, (p) => p.rule))
  await put('</xccdf-1.2:Group>\n')
  await put(raw.slice(benchEnd, scoreAt))
  for (let k = 0; k < rounds; k++) await put(copies(k, (p) => p.result))
  await put(raw.slice(scoreAt))
  w.end()
  await once(w, 'finish')
  return pairs.length * (rounds + 1)
}

it('ARF ingest: a ~70 MB ARF', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-arf-bench-'))
  try {
    const ds = await widenedDebian11Datastream(dir)
    const small = join(dir, 'arf.xml')
    const run = spawnSync('oscap', ['xccdf', 'eval', '--profile', PROFILE, '--results-arf', small, ds], {
      stdio: 'ignore',
    })
    if (run.status !== 0 && run.status !== 2) throw new Error(`oscap exited ${run.status}`)
    const file = join(dir, 'large-arf.xml')
    const expected = await buildLargeArf(small, file)
    const mb = statSync(file).size / 1e6

    const ours: number[] = []
    let results = 0
    let score: number | null = null
    for (let i = 0; i < RUNS; i++) {
      ours.push(
        await time(async () => {
          const arf = await parseArf(file)
          results = arf.results.length
          score = arfSummary(arf.results).score
        }),
      )
    }
    if (results < expected) throw new Error(`parsed ${results} rule-results, built at least ${expected}`)
    const xmllint: number[] = []
    for (let i = 0; i < RUNS; i++) {
      xmllint.push(
        await time(() => {
          const r = spawnSync('xmllint', ['--stream', '--noout', file], { stdio: 'ignore' })
          if (r.status !== 0) throw new Error(`xmllint exited ${r.status}`)
        }),
      )
    }

    const ms = median(ours)
    const rate = (mb / (ms / 1000)).toFixed(1)
    const base = median(xmllint)
    console.log(
      `arf-ingest: ${mb.toFixed(1)} MB, ${results} rule-results (score ${score}): parseArf ${rate} MB/s ` +
        `(first run ${ours[0]!.toFixed(0)} ms), xmllint --stream --noout ${(mb / (base / 1000)).toFixed(1)} MB/s`,
    )
    report('arf-ingest', [
      {
        figure: `parseArf ${mb.toFixed(1)} MB, median of ${RUNS} (${rate} MB/s)`,
        ms,
        baselineMs: base,
        baseline: 'xmllint --stream --noout, spawned',
      },
    ])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

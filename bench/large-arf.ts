// A large ARF for ingest benchmarks: a real oscap run's rules and rule-results replicated under fresh ids to
// ~70 MB, so the file stays one consistent scan, and parseArf measured beside `xmllint --stream --noout`.
import { spawnSync } from 'node:child_process'
import { createWriteStream, readFileSync, statSync } from 'node:fs'
import { once } from 'node:events'
import { arfSummary, parseArf } from '../src-main/core/scap/arf'
import { time, type Figure } from './report'

export const TARGET_BYTES = 70 * 1000 * 1000
const RUNS = 3

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[s.length >> 1]!
}

/**
 * Copies every rule-result with its Rule under a suffixed id, so the big file stays one consistent scan: the
 * reader checks each result against the embedded benchmark and refuses duplicates, as it would in production.
 */
export async function buildLargeArf(src: string, out: string): Promise<number> {
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

/** Builds the large ARF from `small` at `file` and times parseArf and xmllint on it (median of RUNS each). */
export async function arfIngestFigure(
  small: string,
  file: string,
): Promise<{ figure: Figure; line: string }> {
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
  return {
    line:
      `arf-ingest: ${mb.toFixed(1)} MB, ${results} rule-results (score ${score}): parseArf ${rate} MB/s ` +
      `(first run ${ours[0]!.toFixed(0)} ms), xmllint --stream --noout ${(mb / (base / 1000)).toFixed(1)} MB/s`,
    figure: {
      figure: `parseArf ${mb.toFixed(1)} MB, median of ${RUNS} (${rate} MB/s)`,
      ms,
      baselineMs: base,
      baseline: 'xmllint --stream --noout, spawned',
    },
  }
}

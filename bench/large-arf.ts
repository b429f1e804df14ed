// A large ARF for ingest benchmarks: a real oscap run's rules and rule-results replicated under fresh ids to
// ~70 MB, so the file stays one consistent scan, and parseArf measured beside `xmllint --stream --noout`.
import { isUtf8 } from 'node:buffer'
import { createWriteStream, readFileSync, statSync } from 'node:fs'
import { once } from 'node:events'
import { arfSummary, parseArf } from '../src-main/core/scap/arf'
import { parseArfWithEvidence } from '../src-main/core/scap/arf-evidence'
import { ovalEvidence } from '../src-main/core/scap/oval-evidence'
import { readXml, XML_DEFAULT_LIMITS, XmlReader } from '../src-main/core/scap/xml-reader'
import { median, medianOf, pairLine, stagesLine, timeChild, timeCpu, type Figure } from './report'

export const TARGET_BYTES = 70 * 1000 * 1000
const RUNS = 3

export { median }

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

/** A reader that tokenizes the whole file and builds nothing: the tokenizer's share of a reader's time. */
export async function tokenizeOnly(file: string): Promise<void> {
  const reader = new XmlReader(XML_DEFAULT_LIMITS, { open: () => {}, close: () => {} })
  await readXml(reader, file, { maxBytes: XML_DEFAULT_LIMITS.maxBytes })
}

/** Reading the bytes and checking and decoding them as UTF-8: the floor under any reader. */
export function decodeOnly(file: string): void {
  const bytes = readFileSync(file)
  if (!isUtf8(bytes)) throw new Error('not UTF-8')
  bytes.toString('utf8')
}

/**
 * Builds the large ARF from `small` at `file` and times, median of RUNS each: parseArf beside
 * `xmllint --stream --noout` (the row), where its time goes (bytes to text, tokenizing, our handlers),
 * and results with OVAL evidence in one pass beside the two passes it replaces.
 */
export async function arfIngestFigure(
  small: string,
  file: string,
): Promise<{ figure: Figure; line: string }> {
  const expected = await buildLargeArf(small, file)
  const mb = statSync(file).size / 1e6
  const runs = async (fn: () => unknown) => {
    const out = []
    for (let i = 0; i < RUNS; i++) out.push(await timeCpu(fn))
    return medianOf(out)
  }
  let results = 0
  let score: number | null = null
  const ours = await runs(async () => {
    const arf = await parseArf(file)
    results = arf.results.length
    score = arfSummary(arf.results).score
  })
  if (results < expected) throw new Error(`parsed ${results} rule-results, built at least ${expected}`)
  const xmllint = medianOf(
    Array.from({ length: RUNS }, () => timeChild('xmllint', ['--stream', '--noout', file])),
  )
  const decode = await runs(() => decodeOnly(file))
  const tokenize = await runs(() => tokenizeOnly(file))
  const onePass = await runs(() => parseArfWithEvidence(file))
  const twoPasses = await runs(async () => {
    const arf = await parseArf(file)
    await ovalEvidence(file, new Map(arf.results.map((r) => [r.ruleId, r.status])))
  })
  const rate = (mb / (ours.ms / 1000)).toFixed(1)
  const line =
    `arf-ingest: ${mb.toFixed(1)} MB, ${results} rule-results (score ${score}), parseArf ${rate} MB/s, ` +
    `xmllint ${(mb / (xmllint.ms / 1000)).toFixed(1)} MB/s\n` +
    `  ${pairLine('ARF ingest, parseArf', ours, 'xmllint --stream --noout', xmllint, 1.5)}\n` +
    `  where the time goes (the handlers are parseArf less tokenizing, which skips what it never reads):\n` +
    stagesLine([
      ['read + UTF-8 check + decode', decode],
      ['tokenize every element, build nothing', tokenize],
      ['parseArf (tokenize with skips + handlers)', ours],
      ['parseArfWithEvidence (results + OVAL evidence, one pass)', onePass],
      ['parseArf then ovalEvidence (two passes, as before)', twoPasses],
    ])
  return {
    line,
    figure: {
      figure: `parseArf ${mb.toFixed(1)} MB, median of ${RUNS} (${rate} MB/s)`,
      ms: ours.ms,
      baselineMs: xmllint.ms,
      baseline: 'xmllint --stream --noout, spawned',
    },
  }
}

// Reads a SCAP 1.2/1.3 source datastream (or a plain XCCDF 1.2 Benchmark) in one streaming pass: what an
// auditor needs of each benchmark (profiles, groups, rules, Values) as plain data, plus the file's SHA-256.
import { createHash } from 'node:crypto'
import { DatastreamReader } from './datastream-reader'
import { DEFAULT_LIMITS, type Limits } from './limits'
import type { ParsedDatastream } from './types'
import { readXml } from './xml-reader'

export interface ParseOptions extends Limits {
  signal?: AbortSignal
}

/**
 * Parses a source datastream or XCCDF 1.2 Benchmark from a file path or bytes, without ever building a
 * document tree. Refuses DTDs (so no entity is ever expanded) and throws a ScapError naming the problem
 * or the limit that was hit.
 */
export async function parseDatastream(
  source: string | Buffer,
  opts: ParseOptions = {},
): Promise<ParsedDatastream> {
  const lim: Required<Limits> = { ...DEFAULT_LIMITS }
  for (const k of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
    const v = opts[k]
    if (v !== undefined) lim[k] = v
  }
  const p = new DatastreamReader(lim)
  const hash = createHash('sha256')
  let bytes = 0
  const onChunk = (chunk: Buffer) => {
    bytes += chunk.length
    hash.update(chunk)
  }
  await readXml(p.reader, source, { maxBytes: lim.maxBytes, signal: opts.signal, onChunk })

  const benchmarks = p.finish()
  return { sha256: hash.digest('hex'), bytes, scapVersion: p.scapVersion, benchmarks }
}

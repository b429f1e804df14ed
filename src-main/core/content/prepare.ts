// The slow half of a datastream import, done outside any transaction: hash, parse (with the reader's refusal of
// DTDs, entities and oversized input) and compress. `content.import` and a driftwatch.yml's plan both call it; the
// plan hands what it prepared to the import with the staged file, so the transaction only inserts.
import { createHash } from 'node:crypto'
import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import { AppError } from '../errors'
import { parseDatastream } from '../scap/datastream'
import { ScapError, type ParsedDatastream } from '../scap/types'

const gzipAsync = promisify(gzip)

export interface PreparedDatastream {
  sha256: string
  parsed: ParsedDatastream
  gz: { raw: Buffer; parsed: Buffer }
}

export const sha256Of = (raw: Buffer): string => createHash('sha256').update(raw).digest('hex')

/** Parses and compresses a datastream; a file that is not one is an AppError('validation') saying why. */
export async function prepareDatastream(raw: Buffer): Promise<PreparedDatastream> {
  // The file is compressed on the thread pool while the parse runs here: two cores, both busy.
  const packed = gzipAsync(raw, { level: 1 })
  const parsed = await parseDatastream(raw).catch(async (err: unknown) => {
    await packed.catch(() => undefined)
    if (err instanceof ScapError) throw new AppError('validation', err.message)
    throw err
  })
  const [rawGz, parsedGz] = await Promise.all([packed, gzipAsync(JSON.stringify(parsed), { level: 1 })])
  return { sha256: parsed.sha256, parsed, gz: { raw: rawGz, parsed: parsedGz } }
}

// Files in flight between a face and the core, held in memory under random single-use ids: an export's bytes
// waiting to be downloaded or saved, an upload waiting for the channel that consumes it. No path crosses the wall.
import { randomBytes } from 'node:crypto'
import type { PreparedDatastream } from '../content/prepare'

export interface StagedFile {
  fileName: string
  mediaType: string
  bytes: Buffer
  /** Where the bytes came from, when a face inside this process read a file the user named (CLI, open dialog). */
  origin?: string
  /** A datastream this process already parsed from these bytes (a driftwatch.yml's plan); never from a client. */
  prepared?: PreparedDatastream
}

export interface StagingLimits {
  /** How long an unclaimed file is kept. */
  ttlMs: number
  /** Oldest files are dropped past this many... */
  maxFiles: number
  /** ...or past this many bytes in all. */
  maxBytes: number
}

/** An id names one staged file; 24 random bytes, so one cannot be guessed from another. */
export const STAGED_ID = /^[A-Za-z0-9_-]{32}$/

export class FileStaging {
  private readonly files = new Map<string, StagedFile & { at: number }>()

  constructor(
    private readonly limits: StagingLimits,
    private readonly now: () => number = Date.now,
  ) {}

  put(file: StagedFile): string {
    if (file.bytes.length > this.limits.maxBytes)
      throw new Error(`A file of ${file.bytes.length} bytes is larger than ${this.limits.maxBytes} bytes`)
    this.expire()
    const id = randomBytes(24).toString('base64url')
    this.files.set(id, { ...file, at: this.now() })
    let total = [...this.files.values()].reduce((n, f) => n + f.bytes.length, 0)
    // Map order is insertion order: the first entries are the oldest.
    for (const [k, f] of this.files) {
      if (this.files.size <= this.limits.maxFiles && total <= this.limits.maxBytes) break
      if (k === id) break
      this.files.delete(k)
      total -= f.bytes.length
    }
    return id
  }

  /** The file's name and type, left in place (a save dialog shows the name before the person says yes). */
  peek(id: string): Omit<StagedFile, 'bytes'> | undefined {
    this.expire()
    const f = this.files.get(id)
    return f && { fileName: f.fileName, mediaType: f.mediaType }
  }

  /** The file, removed: each id is good for one download or one import. */
  take(id: string): StagedFile | undefined {
    this.expire()
    const f = this.files.get(id)
    if (!f) return undefined
    this.files.delete(id)
    const { at: _at, ...file } = f
    return file
  }

  get size(): number {
    this.expire()
    return this.files.size
  }

  private expire() {
    const oldest = this.now() - this.limits.ttlMs
    for (const [k, f] of this.files) if (f.at < oldest) this.files.delete(k)
  }
}

export const DOWNLOAD_LIMITS: StagingLimits = {
  ttlMs: 10 * 60_000,
  maxFiles: 32,
  maxBytes: 1024 * 1024 * 1024,
}
export const UPLOAD_LIMITS: StagingLimits = { ttlMs: 10 * 60_000, maxFiles: 16, maxBytes: 256 * 1024 * 1024 }
/** The largest single upload: SSG's biggest datastreams are ~20 MB, bundles of many ARFs more. */
export const MAX_UPLOAD_BYTES = 128 * 1024 * 1024

/** A name to suggest, never a path: the last segment, printable, without characters a header cannot carry. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? ''
  // eslint-disable-next-line no-control-regex
  const unsafe = /[\u0000-\u001f\u007f"]/g
  const clean = base.replace(unsafe, '').replace(/^\.+/, '').slice(0, 200)
  return clean || 'file'
}

// The one hardened XML reader every SCAP file goes through (datastreams, ARF results, tailoring files):
// bytes checked as UTF-8, no DTD and so no entity ever expanded, size / depth / element / attribute / text
// limits enforced while streaming, and one wording for each refusal whichever reader met it.
import { Buffer, isUtf8 } from 'node:buffer'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { ScapError } from './types'
import { count, firstBadUtf8, mib } from './xml-util'
import { XmlSyntaxError, XmlTokenizer, type TokenSink, type XmlTag } from './xml-tokenizer'

export type { XmlAttr, XmlTag } from './xml-tokenizer'

/** The caps the reader itself enforces; each SCAP reader adds its own (rules, profiles, ...). */
export interface XmlLimits {
  maxBytes: number
  maxDepth: number
  maxElements: number
  maxAttributeLength: number
  maxTextLength: number
}

export const XML_DEFAULT_LIMITS: XmlLimits = {
  maxBytes: 256 * 1024 * 1024,
  maxDepth: 256,
  maxElements: 5_000_000,
  maxAttributeLength: 1024 * 1024,
  maxTextLength: 8 * 1024 * 1024,
}

export interface XmlHandlers {
  /** An element opened; `reader.depth` is its depth (the root is 1). */
  open(tag: XmlTag): void
  /** An element closed; `reader.depth` is still its depth. */
  close(tag: XmlTag): void
  /** Text, delivered only between textOn() and textOff(): most text is not wanted, and costs. */
  text?(text: string): void
  cdata?(text: string): void
}

export const CHUNK = 64 * 1024
/** Files are read in larger pieces (fewer reads), then fed CHUNK at a time. */
const READ_CHUNK = 1024 * 1024
/** How much is parsed between two turns of the event loop. */
const YIELD_BYTES = 4 * CHUNK

const DOCTYPE = 'The file declares a DOCTYPE; Driftwatch refuses DTDs and entities in SCAP content'
const DECLARED_ENCODING = /^\uFEFF?<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']/
const UTF8_NAMES = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii'])

/** How many bytes of `chunk` end on a whole character: a character cut by the chunk's end waits for the next. */
function wholeChars(chunk: Buffer): number {
  const n = chunk.length
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = chunk[n - back]!
    if ((b & 0xc0) === 0x80) continue
    const need = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1
    return need > back ? n - back : n
  }
  return n
}

export class XmlReader implements TokenSink {
  private readonly tok: XmlTokenizer
  private bytes = 0
  private elements = 0
  private sawDecl = false
  /** The bytes of a character cut by the last chunk's end. */
  private carry: Buffer | null = null
  wantText = false
  /** Depth of the element in hand: set before open(), lowered after close(). */
  depth = 0

  constructor(
    private readonly lim: XmlLimits,
    private readonly handlers: XmlHandlers,
  ) {
    this.tok = new XmlTokenizer(this)
  }

  get line(): number {
    return this.tok.line
  }

  /** 1-based, as editors count. */
  get column(): number {
    return this.tok.column
  }

  /** Starts delivering text to the text handler (a title, a description: the parts a reader keeps). */
  textOn(): void {
    this.wantText = true
  }

  textOff(): void {
    this.wantText = false
  }

  /**
   * Called from open(): the element's content is not wanted. It is still read under every check and limit,
   * but builds nothing and reaches no handler; the element's own close() comes as usual.
   */
  skip(): void {
    this.tok.skip()
  }

  /**
   * Called from open(): of this element's children only those with these local names are wanted. The others
   * are read under every check and limit, as skipped content is, but neither open() nor close() sees them.
   */
  only(names: ReadonlySet<string>): void {
    this.tok.only(names)
  }

  /** Feeds the next bytes of the file; refuses what is not UTF-8 and what grows past the size limit. */
  feed(chunk: Buffer): void {
    const start = this.bytes
    if (
      start === 0 &&
      chunk.length >= 2 &&
      (chunk.readUInt16BE(0) === 0xfeff || chunk.readUInt16BE(0) === 0xfffe)
    )
      throw new ScapError('malformed', 'The file is UTF-16; SCAP content must be UTF-8')
    this.bytes += chunk.length
    if (this.bytes > this.lim.maxBytes) this.tooBig()
    const carried = this.carry ? this.carry.length : 0
    const bytes = this.carry ? Buffer.concat([this.carry, chunk]) : chunk
    const whole = wholeChars(bytes)
    const head = whole === bytes.length ? bytes : bytes.subarray(0, whole)
    this.carry = whole === bytes.length ? null : Buffer.from(bytes.subarray(whole))
    if (!isUtf8(head)) {
      const at = firstBadUtf8(head)
      throw new ScapError(
        'malformed',
        `The file is not valid UTF-8 (bad byte sequence at byte ${at >= 0 ? start - carried + at : start}); ` +
          'SCAP content must be UTF-8',
      )
    }
    this.write(head.toString('utf8'))
  }

  /** Ends the file: anything left open or cut inside a character is refused. */
  end(): void {
    if (this.carry)
      throw new ScapError('malformed', 'The file is not valid UTF-8 (it ends inside a character)')
    try {
      this.tok.end()
    } catch (e) {
      throw this.wrap(e)
    }
  }

  textTooLong(): never {
    throw new ScapError(
      'too_large',
      `A text node, comment or markup run at line ${this.line} is longer than the ` +
        `${mib(this.lim.maxTextLength)} limit`,
    )
  }

  tooBig(size?: number): never {
    throw new ScapError(
      'too_large',
      size === undefined
        ? `The file is over the ${mib(this.lim.maxBytes)} limit`
        : `The file is ${mib(size)}, over the ${mib(this.lim.maxBytes)} limit`,
    )
  }

  // The tokenizer's events.

  start(depth: number): void {
    if (depth > this.lim.maxDepth)
      throw new ScapError(
        'too_deep',
        `Elements nest deeper than the limit of ${this.lim.maxDepth} levels (line ${this.line})`,
      )
    if (++this.elements > this.lim.maxElements)
      throw new ScapError(
        'too_many',
        `The content has more than ${count(this.lim.maxElements)} elements (the limit)`,
      )
  }

  open(tag: XmlTag): void {
    this.depth++
    this.handlers.open(tag)
  }

  close(tag: XmlTag): void {
    this.handlers.close(tag)
    this.depth--
  }

  text(t: string): void {
    if (t.length > this.lim.maxTextLength) this.textTooLong()
    this.handlers.text?.(t)
  }

  cdata(t: string): void {
    if (t.length > this.lim.maxTextLength) this.textTooLong()
    this.handlers.cdata?.(t)
  }

  doctype(): never {
    throw new ScapError('doctype', DOCTYPE)
  }

  private write(text: string): void {
    if (!text) return
    if (!this.sawDecl) this.checkDecl(text)
    try {
      this.tok.write(text)
    } catch (e) {
      throw this.wrap(e)
    }
    // The tokenizer holds a token until it ends: a giant attribute, text node or comment would grow without an
    // event, so what it holds is the bound.
    const held = this.tok.pending
    if (held > this.lim.maxAttributeLength && this.tok.pendingIsTag)
      throw new ScapError(
        'too_large',
        `The attributes of an element at line ${this.line} are longer than the ` +
          `${mib(this.lim.maxAttributeLength)} attribute limit`,
      )
    if (held > this.lim.maxTextLength) this.textTooLong()
  }

  /** The declaration comes first, whole, in the first chunk; SCAP content read as UTF-8 must say UTF-8. */
  private checkDecl(text: string): void {
    this.sawDecl = true
    const enc = DECLARED_ENCODING.exec(text)?.[1]
    if (enc !== undefined && !UTF8_NAMES.has(enc.toLowerCase()))
      throw new ScapError('malformed', `The file declares encoding "${enc}"; SCAP content must be UTF-8`)
  }

  private wrap(e: unknown): Error {
    if (!(e instanceof XmlSyntaxError)) return e instanceof Error ? e : new Error(String(e))
    let msg = e.message
    if (msg === 'undefined entity.')
      msg = 'undefined entity (only the five XML entities and character references are allowed)'
    // A cut-off download or copy is the usual cause; saying so saves the auditor a hunt.
    const cut = /unclosed|end of|document must contain/i.test(msg) ? ' (is the file cut off?)' : ''
    return new ScapError(
      'malformed',
      `The XML is malformed at line ${this.line}, column ${this.column}: ${msg}${cut}`,
    )
  }
}

/** Bytes, a file path or a stream, fed to the reader in chunks so every limit bites as the file streams. */
export type XmlSource = string | Buffer | NodeJS.ReadableStream

/** Feeds a whole in-memory file (a tailoring: small, read synchronously). */
export function readXmlBytes(reader: XmlReader, bytes: Buffer): void {
  for (let i = 0; i < bytes.length; i += CHUNK) reader.feed(bytes.subarray(i, i + CHUNK))
  reader.end()
}

/**
 * Streams a file path, bytes or a stream through the reader. `onChunk` sees every byte (a hash); the signal
 * stops the read between chunks. A path over the size limit is refused before a byte is read.
 */
export async function readXml(
  reader: XmlReader,
  source: XmlSource,
  opts: { maxBytes: number; signal?: AbortSignal; onChunk?: (chunk: Buffer) => void },
): Promise<void> {
  opts.signal?.throwIfAborted()
  if (typeof source === 'string') {
    const st = await stat(source)
    if (st.size > opts.maxBytes) reader.tooBig(st.size)
  }
  const feed = (chunk: Buffer) => {
    opts.signal?.throwIfAborted()
    opts.onChunk?.(chunk)
    reader.feed(chunk)
  }
  // Every YIELD_BYTES the parse lets the event loop run: a megabyte read at once, or a whole file in memory,
  // never holds a UI request or a progress event for longer than a slice takes to parse.
  let sinceYield = 0
  const feedAll = async (bytes: Buffer) => {
    for (let i = 0; i < bytes.length; i += CHUNK) {
      if (sinceYield >= YIELD_BYTES) {
        sinceYield = 0
        await new Promise<void>((resolve) => setImmediate(resolve))
      }
      feed(bytes.subarray(i, i + CHUNK))
      sinceYield += CHUNK
    }
  }
  if (Buffer.isBuffer(source)) await feedAll(source)
  else {
    // A throw inside the loop ends the iteration, which destroys the stream: no file handle is left open.
    const stream =
      typeof source === 'string' ? createReadStream(source, { highWaterMark: READ_CHUNK }) : source
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      // A large chunk from someone else's stream is cut up so the limits bite at the same granularity.
      await feedAll(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk)
    }
  }
  reader.end()
}

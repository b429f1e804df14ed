// The one hardened XML reader every SCAP file goes through (datastreams, ARF results, tailoring files):
// bytes checked as UTF-8, no DTD and so no entity ever expanded, size / depth / element / attribute / text
// limits enforced while streaming, and one wording for each refusal whichever reader met it.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { SaxesParser, type SaxesTagNS } from 'saxes'
import { ScapError } from './types'
import { count, firstBadUtf8, mib } from './xml-util'

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
  open(tag: SaxesTagNS): void
  /** An element closed; `reader.depth` is still its depth. */
  close(tag: SaxesTagNS): void
  /** Text, delivered only between textOn() and textOff(): most text is not wanted, and costs. */
  text?(text: string): void
  cdata?(text: string): void
}

export const CHUNK = 64 * 1024

const DOCTYPE = 'The file declares a DOCTYPE; Driftwatch refuses DTDs and entities in SCAP content'
const DECLARED_ENCODING = /^\uFEFF?<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']/
const UTF8_NAMES = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii'])

export class XmlReader {
  private readonly sax: SaxesParser<{ xmlns: true; position: true }>
  private readonly decoder = new TextDecoder('utf-8', { fatal: true })
  private bytes = 0
  private elements = 0
  private lastEventAt = 0
  private inOpenTag = false
  private sawDecl = false
  private textIsOn = false
  /** Depth of the element in hand: set before open(), lowered after close(). */
  depth = 0

  constructor(
    private readonly lim: XmlLimits,
    private readonly handlers: XmlHandlers,
  ) {
    this.sax = new SaxesParser({ xmlns: true, position: true })
    // Every handler set on a saxes parser is a property added after construction; past a handful V8 makes the
    // parser slow (measured 3x in bench/arf-ingest), so comments, PIs and the XML declaration get none.
    this.sax.on('doctype', () => {
      throw new ScapError('doctype', DOCTYPE)
    })
    this.sax.on('opentagstart', () => this.onOpenStart())
    this.sax.on('opentag', (t) => {
      this.lastEventAt = this.sax.position
      this.inOpenTag = false
      this.handlers.open(t)
    })
    this.sax.on('closetag', (t) => {
      this.lastEventAt = this.sax.position
      this.handlers.close(t)
      this.depth--
    })
    this.sax.on('cdata', (t) => {
      this.lastEventAt = this.sax.position
      if (t.length > this.lim.maxTextLength) this.textTooLong()
      this.handlers.cdata?.(t)
    })
  }

  get line(): number {
    return this.sax.line
  }

  /** 1-based, as editors count. */
  get column(): number {
    return this.sax.column + 1
  }

  /** Starts delivering text to the text handler (a title, a description: the parts a reader keeps). */
  textOn(): void {
    if (this.textIsOn) return
    this.textIsOn = true
    this.sax.on('text', (t) => {
      this.lastEventAt = this.sax.position
      if (t.length > this.lim.maxTextLength) this.textTooLong()
      this.handlers.text?.(t)
    })
  }

  textOff(): void {
    if (!this.textIsOn) return
    this.textIsOn = false
    this.sax.off('text')
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
    let text: string
    try {
      text = this.decoder.decode(chunk, { stream: true })
    } catch {
      const at = firstBadUtf8(chunk)
      throw new ScapError(
        'malformed',
        `The file is not valid UTF-8 (bad byte sequence at byte ${at >= 0 ? start + at : start}); ` +
          'SCAP content must be UTF-8',
      )
    }
    this.write(text)
  }

  /** Ends the file: anything left open or cut inside a character is refused. */
  end(): void {
    let rest: string
    try {
      rest = this.decoder.decode()
    } catch {
      throw new ScapError('malformed', 'The file is not valid UTF-8 (it ends inside a character)')
    }
    this.write(rest)
    try {
      this.sax.close()
    } catch (e) {
      throw this.wrap(e)
    }
  }

  textTooLong(): never {
    throw new ScapError(
      'too_large',
      `A text node, comment or markup run at line ${this.sax.line} is longer than the ` +
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

  private write(text: string): void {
    if (!text) return
    if (!this.sawDecl) this.checkDecl(text)
    try {
      this.sax.write(text)
    } catch (e) {
      throw this.wrap(e)
    }
    // saxes buffers a token until it ends: a giant attribute, text node, comment or entity name would grow
    // without an event, so the distance since the last event is the bound on what it holds.
    const gap = this.sax.position - this.lastEventAt
    if (this.inOpenTag && gap > this.lim.maxAttributeLength)
      throw new ScapError(
        'too_large',
        `The attributes of an element at line ${this.sax.line} are longer than the ` +
          `${mib(this.lim.maxAttributeLength)} attribute limit`,
      )
    if (gap > this.lim.maxTextLength) this.textTooLong()
  }

  /** The declaration comes first, whole, in the first chunk; SCAP content read as UTF-8 must say UTF-8. */
  private checkDecl(text: string): void {
    this.sawDecl = true
    const enc = DECLARED_ENCODING.exec(text)?.[1]
    if (enc !== undefined && !UTF8_NAMES.has(enc.toLowerCase()))
      throw new ScapError('malformed', `The file declares encoding "${enc}"; SCAP content must be UTF-8`)
  }

  private onOpenStart(): void {
    this.lastEventAt = this.sax.position
    this.inOpenTag = true
    if (++this.depth > this.lim.maxDepth)
      throw new ScapError(
        'too_deep',
        `Elements nest deeper than the limit of ${this.lim.maxDepth} levels (line ${this.sax.line})`,
      )
    if (++this.elements > this.lim.maxElements)
      throw new ScapError(
        'too_many',
        `The content has more than ${count(this.lim.maxElements)} elements (the limit)`,
      )
  }

  private wrap(e: unknown): Error {
    if (e instanceof ScapError) return e
    let msg = e instanceof Error ? e.message.replace(/^\d+:\d+: /, '') : String(e)
    if (msg === 'undefined entity.')
      msg = 'undefined entity (only the five XML entities and character references are allowed)'
    // A cut-off download or copy is the usual cause; saying so saves the auditor a hunt.
    const cut = /unclosed|end of|document must contain/i.test(msg) ? ' (is the file cut off?)' : ''
    return new ScapError(
      'malformed',
      `The XML is malformed at line ${this.sax.line}, column ${this.column}: ${msg}${cut}`,
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
  if (Buffer.isBuffer(source)) {
    for (let i = 0; i < source.length; i += CHUNK) feed(source.subarray(i, i + CHUNK))
  } else {
    // A throw inside the loop ends the iteration, which destroys the stream: no file handle is left open.
    const stream = typeof source === 'string' ? createReadStream(source, { highWaterMark: CHUNK }) : source
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk
      // A large chunk from someone else's stream is cut up so the limits bite at the same granularity.
      for (let i = 0; i < bytes.length; i += CHUNK) feed(bytes.subarray(i, i + CHUNK))
    }
  }
  reader.end()
}

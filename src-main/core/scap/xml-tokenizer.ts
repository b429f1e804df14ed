// The strict streaming XML tokenizer under the hardened reader: elements, namespaces, text, CDATA, comments
// and processing instructions from decoded text, checked for well-formedness (names, quoting, matching tags,
// one root, only the five XML entities and character references) with no DTD ever read. It finds each token
// with indexOf and one sticky regular expression, and builds an element's attributes only when asked.

import { checkChars, decodeEntities, XmlSyntaxError } from './xml-entities'

export { XmlSyntaxError } from './xml-entities'

const XML_NS = 'http://www.w3.org/XML/1998/namespace'
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/'

export interface XmlAttr {
  name: string
  prefix: string
  local: string
  uri: string
  value: string
}

/** A start tag: its qualified name resolved against the namespaces in scope. */
export interface XmlTag {
  name: string
  prefix: string
  local: string
  uri: string
  /** By qualified name; built on first access. */
  readonly attributes: Record<string, XmlAttr>
  isSelfClosing: boolean
}

/** What the tokenizer hands on: the reader counts, limits and routes. */
export interface TokenSink {
  /** A start tag began: `depth` is its depth (the root is 1). Called before open(). */
  start(depth: number): void
  open(tag: XmlTag): void
  close(tag: XmlTag): void
  /** Text between tags, entities decoded; only while `wantText` is true. */
  text(text: string): void
  cdata(text: string): void
  doctype(): never
  wantText: boolean
}

type Scope = Record<string, string | undefined>

// A start tag whole: name, attributes (each after whitespace, quoted, no '<' in a value), optional '/'.
const OPEN_RE = /<[^\s/>"'=<&]+(?:\s+[^\s/>"'=<&]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*\s*\/?>/y
const ATTR_RE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g
const NAME_START =
  'A-Za-z_\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D' +
  '\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD'
const NAME_CHAR = `${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040`
const NCNAME = `[${NAME_START}][${NAME_CHAR}]*`
// eslint-disable-next-line no-misleading-character-class -- XML's name ranges hold combining marks, as ranges
const QNAME_RE = new RegExp(`^${NCNAME}(?::${NCNAME})?$`)
const WS_RE = /^[ \t\r\n]*$/

const NO_ATTRS: Record<string, XmlAttr> = Object.freeze(Object.create(null) as Record<string, XmlAttr>)

/** Attribute names already checked (a file repeats a few dozen names), with the many a hostile file could try capped. */
const GOOD_ATTR_NAMES = new Set<string>()
function checkAttrName(name: string): void {
  if (GOOD_ATTR_NAMES.has(name)) return
  if (!QNAME_RE.test(name) && name !== 'xmlns') throw new XmlSyntaxError(`malformed attribute name: ${name}.`)
  if (GOOD_ATTR_NAMES.size < 4096) GOOD_ATTR_NAMES.add(name)
}

class Tag implements XmlTag {
  private attrs: Record<string, XmlAttr> | undefined
  /** The children (by local name) a reader wants of this element; the others are skipped unseen. */
  only: ReadonlySet<string> | undefined
  constructor(
    public name: string,
    public prefix: string,
    public local: string,
    public uri: string,
    private readonly raw: string,
    private scope: Scope,
    public isSelfClosing: boolean,
  ) {
    if (raw === '') this.attrs = NO_ATTRS
  }

  get attributes(): Record<string, XmlAttr> {
    return (this.attrs ??= this.build())
  }

  /** Reads the attributes now: namespace declarations and entities must be checked as the tag opens. */
  build(): Record<string, XmlAttr> {
    const out = Object.create(null) as Record<string, XmlAttr>
    ATTR_RE.lastIndex = 0
    for (let m = ATTR_RE.exec(this.raw); m; m = ATTR_RE.exec(this.raw)) {
      const name = m[1]!
      if (name in out) throw new XmlSyntaxError(`duplicate attribute: ${name}.`)
      checkAttrName(name)
      let value = m[2] ?? m[3] ?? ''
      if (value.includes('&')) value = decodeEntities(value)
      checkChars(value)
      if (/[\t\n\r]/.test(value)) value = value.replace(/[\t\n\r]/g, ' ')
      const colon = name.indexOf(':')
      const prefix = colon < 0 ? (name === 'xmlns' ? 'xmlns' : '') : name.slice(0, colon)
      const local = colon < 0 ? (name === 'xmlns' ? '' : name) : name.slice(colon + 1)
      const uri = prefix === '' ? '' : prefix === 'xmlns' ? XMLNS_NS : (this.scope[prefix] ?? '')
      out[name] = { name, prefix, local, uri, value }
    }
    this.attrs = out
    return out
  }

  declare(parent: Scope): Scope {
    let scope: Scope | undefined
    for (const a of Object.values(this.build())) {
      if (a.prefix !== 'xmlns') continue
      scope ??= Object.create(parent) as Scope
      scope[a.local] = a.value
    }
    if (!scope) return parent
    this.scope = scope
    // Prefixed attributes resolve against the element's own declarations too.
    for (const a of Object.values(this.attrs!)) {
      if (a.prefix !== '' && a.prefix !== 'xmlns') a.uri = scope[a.prefix] ?? ''
    }
    return scope
  }
}

/** The tokenizer: feed it text as it arrives, then end(). */
export class XmlTokenizer {
  private buf = ''
  /** Absolute offset (in characters) of buf[0]. */
  private base = 0
  private pos = 0
  /** Where the search for the next '<' resumes (a long text node arriving in pieces). */
  private ltResume = 0
  /** Where the search for the end of a pending comment, CDATA section or PI resumes. */
  private resume = 0
  /** Absolute offset of the next '&' found, and how far a search found none: text is scanned once. */
  private ampAbs = -1
  private ampNoneUntil = 0
  private readonly stack: Tag[] = []
  /** Pieces of a long text node not yet joined to the buffer, and their length. */
  private readonly pieces: string[] = []
  private held = 0
  /** While an element's content is skipped: the names of the elements open inside it. */
  private skipping = false
  /** Whether the skip began at a child the parent's `only` left out (it reaches no handler, its close neither). */
  private unseen = false
  private readonly skipped: string[] = []
  private readonly scopes: Scope[] = []
  private sawRoot = false
  private rootDone = false
  /** Names already checked, split into prefix and local part. */
  private readonly names = new Map<string, [string, string]>()
  /** The name of the last start tag and its split (empty before the first: no name is empty). */
  private lastName = ''
  private lastSplit: [string, string] = ['', '']
  /** Line counting, done lazily: `lineNo` is the line at absolute offset `lineAt`. */
  private lineNo = 1
  private lineAt = 0
  private lastNl = -1
  /** Absolute offset of the token in hand (for line and column). */
  private tok = 0

  constructor(private readonly sink: TokenSink) {
    const root = Object.create(null) as Scope
    root.xml = XML_NS
    root.xmlns = XMLNS_NS
    this.scopes.push(root)
  }

  get depth(): number {
    return this.stack.length + this.skipped.length
  }

  /**
   * Skips the content of the element just opened: its descendants are still checked (names, quoting, matching
   * tags, entities, depth and element limits) but build nothing and reach no handler; its close is delivered.
   */
  skip(): void {
    this.skipping = true
  }

  /**
   * Of the element just opened, only the children with these local names reach the sink; the others (a rule's
   * hundreds of references, say) are skipped from their start tag on, checked as skipped content is, and
   * neither their open nor their close is delivered.
   */
  only(names: ReadonlySet<string>): void {
    const top = this.stack[this.stack.length - 1]
    if (top) top.only = names
  }

  /** How many characters are held waiting for the end of a token (a text node, a tag, a comment). */
  get pending(): number {
    return this.buf.length + this.held - this.pos
  }

  /** Whether the held characters are a start tag's (its attributes). */
  get pendingIsTag(): boolean {
    const c = this.buf.charCodeAt(this.pos + 1)
    return this.buf.charCodeAt(this.pos) === 60 && c !== 47 && c !== 33 && c !== 63
  }

  get line(): number {
    this.countTo(this.tok)
    return this.lineNo
  }

  get column(): number {
    this.countTo(this.tok)
    return this.tok - this.lastNl
  }

  write(text: string): void {
    // A long text node arriving in pieces is held as pieces until its end comes: joining each piece to the
    // buffer and searching it again would cost the square of its length.
    if (this.ltResume === this.buf.length + this.held && this.pos < this.ltResume && !text.includes('<')) {
      this.pieces.push(text)
      this.held += text.length
      this.ltResume += text.length
      return
    }
    if (this.held) {
      this.buf += this.pieces.join('')
      this.pieces.length = 0
      this.held = 0
    }
    if (this.pos > 0) {
      this.countTo(this.base + this.pos)
      this.base += this.pos
      this.resume = Math.max(0, this.resume - this.pos)
      this.ltResume = Math.max(0, this.ltResume - this.pos)
      this.buf = this.buf.slice(this.pos)
      this.pos = 0
    }
    this.buf += text
    this.run(false)
  }

  end(): void {
    if (this.held) {
      this.buf += this.pieces.join('')
      this.pieces.length = 0
      this.held = 0
    }
    this.run(true)
    this.tok = this.base + this.buf.length
    const open = this.skipped.length
      ? { name: this.skipped[this.skipped.length - 1]! }
      : this.stack[this.stack.length - 1]
    if (open) throw new XmlSyntaxError(`unclosed tag: ${open.name}`)
    if (this.pos < this.buf.length) throw new XmlSyntaxError('unexpected end of file.')
    if (!this.sawRoot) throw new XmlSyntaxError('document must contain a root element.')
  }

  private countTo(abs: number): void {
    if (abs <= this.lineAt) return
    const b = this.buf
    const end = abs - this.base
    let i = b.indexOf('\n', this.lineAt - this.base)
    while (i >= 0 && i < end) {
      this.lineNo++
      this.lastNl = this.base + i
      i = b.indexOf('\n', i + 1)
    }
    this.lineAt = abs
  }

  private run(final: boolean): void {
    const b = this.buf
    const len = b.length
    const sink = this.sink
    let pos = this.pos
    while (pos < len) {
      const lt = b.indexOf('<', Math.max(pos, this.ltResume))
      if (lt < 0) {
        if (final) {
          this.tok = this.base + pos
          this.text(pos, len)
          pos = len
        } else this.ltResume = len
        break
      }
      this.ltResume = 0
      if (lt > pos) {
        this.tok = this.base + pos
        this.text(pos, lt)
        pos = lt
      }
      this.tok = this.base + lt
      const c = b.charCodeAt(lt + 1)
      let next: number
      if (c === 47) next = this.closeTag(lt)
      else if (c === 33) next = this.bang(lt, final)
      else if (c === 63) next = this.pi(lt)
      else if (c !== c) next = -1
      else next = this.openTag(lt, sink)
      if (next < 0) break
      pos = next
      this.resume = 0
    }
    this.pos = pos
  }

  private text(from: number, to: number): void {
    const b = this.buf
    if (this.stack.length === 0) {
      const t = b.slice(from, to)
      const lead = this.base === 0 && from === 0 && t.charCodeAt(0) === 0xfeff ? t.slice(1) : t
      if (!WS_RE.test(lead))
        throw new XmlSyntaxError(
          this.sawRoot ? 'text data outside of root node.' : 'text data outside of root node.',
        )
      return
    }
    if (this.nextAmp(from) < to) {
      let t: string
      try {
        t = decodeEntities(b.slice(from, to))
      } catch (e) {
        if (e instanceof XmlSyntaxError && e.at >= 0) this.tok = this.base + from + e.at
        throw e
      }
      if (this.sink.wantText && !this.skipping) this.sink.text(checkChars(t))
    } else if (this.sink.wantText && !this.skipping) this.sink.text(checkChars(b.slice(from, to)))
  }

  /** The buffer index of the first '&' at or after `from`, or Infinity: each character is searched once. */
  private nextAmp(from: number): number {
    const base = this.base
    if (this.ampAbs < base + from) {
      const b = this.buf
      if (this.ampNoneUntil >= base + b.length) return Infinity
      const i = b.indexOf('&', Math.max(from, this.ampNoneUntil - base))
      this.ampAbs = i < 0 ? -1 : base + i
      if (i < 0) {
        this.ampNoneUntil = base + b.length
        return Infinity
      }
    }
    return this.ampAbs - base
  }

  private openTag(lt: number, sink: TokenSink): number {
    const b = this.buf
    OPEN_RE.lastIndex = lt
    if (!OPEN_RE.test(b)) {
      if (!this.tagEnds(lt)) return -1
      throw new XmlSyntaxError('malformed start tag.')
    }
    const end = OPEN_RE.lastIndex
    if (this.rootDone) throw new XmlSyntaxError('document must contain only one root element.')
    let ne = lt + 1
    for (
      let c = b.charCodeAt(ne);
      c > 62 || (c !== 32 && c !== 47 && c !== 62 && c > 13);
      c = b.charCodeAt(++ne)
    );
    // Siblings repeat a name (a rule's references): compared in place, it needs no slice and no hashing.
    let name = this.lastName
    let split = this.lastSplit
    if (ne - lt - 1 !== name.length || !b.startsWith(name, lt + 1)) {
      name = b.slice(lt + 1, ne)
      let known = this.names.get(name)
      if (known === undefined) {
        if (!QNAME_RE.test(name)) throw new XmlSyntaxError(`malformed name: ${name}.`)
        const colon = name.indexOf(':')
        known = colon < 0 ? ['', name] : [name.slice(0, colon), name.slice(colon + 1)]
        this.names.set(name, known)
      }
      split = known
      this.lastName = name
      this.lastSplit = known
    }
    const self = b.charCodeAt(end - 2) === 47
    sink.start(this.stack.length + this.skipped.length + 1)
    if (this.skipping) {
      if (!self) this.skipped.push(name)
      return end
    }
    const only = this.stack.length ? this.stack[this.stack.length - 1]!.only : undefined
    if (only !== undefined && !only.has(split[1])) {
      if (!self) {
        this.skipped.push(name)
        this.skipping = true
        this.unseen = true
      }
      return end
    }
    const raw = ne === end - (self ? 2 : 1) ? '' : b.slice(ne, end - (self ? 2 : 1))
    const parent = this.scopes[this.scopes.length - 1]!
    const [prefix, local] = split
    const tag = new Tag(name, prefix, local, '', raw, parent, self)
    let scope = parent
    if (raw !== '') {
      if (raw.includes('xmlns')) scope = tag.declare(parent)
      else if (raw.includes('&')) tag.build()
    }
    const uri = scope[prefix]
    if (uri === undefined && prefix !== '') throw new XmlSyntaxError(`unbound namespace prefix: "${prefix}".`)
    tag.uri = uri ?? ''
    this.sawRoot = true
    this.stack.push(tag)
    this.scopes.push(scope)
    sink.open(tag)
    if (self) this.pop()
    return end
  }

  /** Whether a start tag at `lt` has its closing '>' (outside quotes) in the buffer. */
  private tagEnds(lt: number): boolean {
    const b = this.buf
    let q = 0
    for (let j = lt + 1; j < b.length; j++) {
      const c = b.charCodeAt(j)
      if (q) {
        if (c === q) q = 0
      } else if (c === 34 || c === 39) q = c
      else if (c === 62) return true
    }
    return false
  }

  private pop(): void {
    const tag = this.stack[this.stack.length - 1]!
    this.skipping = false
    this.sink.close(tag)
    this.stack.pop()
    this.scopes.pop()
    if (this.stack.length === 0) this.rootDone = true
  }

  private closeTag(lt: number): number {
    const b = this.buf
    const gt = b.indexOf('>', lt + 2)
    if (gt < 0) return -1
    const inner = this.skipped.length
    const expected = inner ? this.skipped[inner - 1]! : this.stack[this.stack.length - 1]?.name
    // The usual case compares in place: no slice for each close tag.
    if (expected === undefined || gt !== lt + 2 + expected.length || !b.startsWith(expected, lt + 2)) {
      const name = b.slice(lt + 2, gt).replace(/[ \t\r\n]+$/, '')
      if (expected === undefined) throw new XmlSyntaxError(`unexpected close tag: ${name}.`)
      if (name !== expected) throw new XmlSyntaxError(`unmatched closing tag: ${name}, expected ${expected}.`)
    }
    if (inner) {
      this.skipped.pop()
      if (inner === 1 && this.unseen) {
        this.unseen = false
        this.skipping = false
      }
    } else this.pop()
    return gt + 1
  }

  private bang(lt: number, final: boolean): number {
    const b = this.buf
    if (b.startsWith('<!--', lt)) {
      const end = b.indexOf('-->', Math.max(lt + 4, this.resume))
      if (end < 0) return this.wait(b.length - 2)
      if (b.slice(lt + 4, end).includes('--')) throw new XmlSyntaxError('double dash in comment.')
      return end + 3
    }
    if (b.startsWith('<![CDATA[', lt)) {
      if (this.stack.length === 0) throw new XmlSyntaxError('CDATA outside of root node.')
      const end = b.indexOf(']]>', Math.max(lt + 9, this.resume))
      if (end < 0) return this.wait(b.length - 2)
      if (!this.skipping) this.sink.cdata(checkChars(b.slice(lt + 9, end)))
      return end + 3
    }
    if (b.startsWith('<!DOCTYPE', lt)) this.sink.doctype()
    if (!final && b.length - lt < 9) return -1
    throw new XmlSyntaxError('disallowed markup declaration.')
  }

  private pi(lt: number): number {
    const b = this.buf
    const end = b.indexOf('?>', Math.max(lt + 2, this.resume))
    if (end < 0) return this.wait(b.length - 1)
    const target = /^[^\s?]*/.exec(b.slice(lt + 2, Math.min(end, lt + 64)))![0]
    if (!target || (target.toLowerCase() === 'xml' && this.base + lt !== 0 && !this.atStart(lt)))
      throw new XmlSyntaxError(
        target
          ? 'XML declaration allowed only at the start of the document.'
          : 'malformed processing instruction.',
      )
    return end + 2
  }

  /** Whether `lt` is the very start (after a byte-order mark). */
  private atStart(lt: number): boolean {
    return this.base + lt === 1 && this.buf.charCodeAt(0) === 0xfeff
  }

  /** The terminator is not in yet: the search resumes near where it stopped. */
  private wait(from: number): number {
    this.resume = Math.max(0, from)
    return -1
  }
}

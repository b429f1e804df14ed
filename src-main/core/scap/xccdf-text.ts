// The text of one XCCDF element, collected while the datastream streams by: titles and descriptions (XHTML
// turned into plain lines, code-like elements dropped), values kept exactly, and fix scripts with their
// <sub idref> Value placeholders.
import type { XmlTag } from './xml-tokenizer'
import { attr, collapse } from './xml-util'

const NS_XCCDF = 'http://checklists.nist.gov/xccdf/1.2'

// XHTML elements that start a new line when descriptions become plain text.
const BLOCKS = new Set([
  'p',
  'div',
  'pre',
  'ul',
  'ol',
  'table',
  'tr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'dl',
  'dt',
  'dd',
])
// Their text is code, not prose: it is dropped rather than shown.
const DROPPED = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed'])

/** rich: XHTML becomes lines of text; plain: tags dropped, whitespace collapsed; raw: kept exactly;
 *  code: kept exactly, with <sub idref> as [idref] (a fix script's Value placeholders). */
export type CaptureMode = 'rich' | 'plain' | 'raw' | 'code'

function tidyLines(s: string): string {
  return s
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+|\n+$/g, '')
}

/** Collects the text of the element opened at `depth`; the parser hands it every event until that element closes. */
export class TextCapture {
  private out = ''
  /** Depth of a <script>-like element whose text is being dropped, or 0. */
  private dropDepth = 0
  private preDepth = 0

  constructor(
    readonly depth: number,
    private readonly mode: CaptureMode,
    private readonly done: (text: string) => void,
    private readonly maxLength: number,
    private readonly tooLong: () => never,
  ) {}

  text(t: string): void {
    if (this.dropDepth) return
    if (this.mode === 'rich' && !this.preDepth) {
      let s = t.replace(/\s+/g, ' ')
      if (this.out === '' || this.out.endsWith('\n') || this.out.endsWith(' ')) s = s.replace(/^ /, '')
      this.out += s
    } else {
      this.out += t
    }
    if (this.out.length > this.maxLength) this.tooLong()
  }

  /** An element inside the captured one is markup: its words count, never the element or its attributes. */
  open(tag: XmlTag, depth: number): void {
    if (this.dropDepth) return
    const name = tag.local.toLowerCase()
    if (DROPPED.has(name)) {
      this.dropDepth = depth
      return
    }
    if (this.mode === 'code' && tag.uri === NS_XCCDF && name === 'sub') {
      const idref = attr(tag, 'idref')
      if (idref) this.out += `[${idref}]`
    }
    if (this.mode !== 'rich') return
    if (name === 'br') this.out = this.out.replace(/ $/, '') + '\n'
    else if (name === 'li') this.newline('- ')
    else if (BLOCKS.has(name)) this.newline()
    if (name === 'pre' && !this.preDepth) this.preDepth = depth
    if (tag.uri === NS_XCCDF && name === 'sub') {
      // A Value's setting is profile-dependent; the marker names it so a caller can substitute it.
      const idref = attr(tag, 'idref')
      if (idref) this.out += `[${idref}]`
    }
  }

  /** An element inside the captured one closed. */
  close(tag: XmlTag, depth: number): void {
    if (this.dropDepth === depth) this.dropDepth = 0
    else if (!this.dropDepth && this.mode === 'rich') {
      const name = tag.local.toLowerCase()
      if (BLOCKS.has(name) || name === 'li') this.newline()
    }
    if (this.preDepth === depth) this.preDepth = 0
  }

  /** The captured element itself closed: hands its text over. */
  finish(): void {
    const m = this.mode
    this.done(
      m === 'rich'
        ? tidyLines(this.out)
        : m === 'plain'
          ? collapse(this.out)
          : m === 'code'
            ? this.out.trim()
            : this.out,
    )
  }

  private newline(bullet = ''): void {
    if (this.out !== '' && !this.out.endsWith('\n')) this.out = this.out.replace(/ $/, '') + '\n'
    this.out += bullet
  }
}

// What text the XML tokenizer hands on may hold: the five XML entities and character references decoded, anything
// else refused, and the characters XML forbids refused; with the error every well-formedness refusal takes.

/** A well-formedness error; the reader adds where it is. `at` is an offset into the text that held it. */
export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly at = -1,
  ) {
    super(message)
  }
}

// Characters XML 1.0 forbids anywhere (C0 controls but tab, newline and carriage return; U+FFFE, U+FFFF).
// eslint-disable-next-line no-control-regex -- finding the control characters XML forbids is the point
const BAD_CHAR_RE = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

/** Decodes the five XML entities and character references; anything else is refused. */
export function decodeEntities(s: string, from = 0): string {
  let out = ''
  let last = 0
  let i = s.indexOf('&', from)
  while (i >= 0) {
    const semi = s.indexOf(';', i + 1)
    const name = semi < 0 || semi - i > 10 ? '' : s.slice(i + 1, semi)
    let ch: string | undefined = ENTITIES[name]
    if (ch === undefined) {
      if (name.charCodeAt(0) !== 35) {
        throw new XmlSyntaxError(
          /^[A-Za-z_:][\w.:-]*$/.test(name) ? 'undefined entity.' : 'malformed entity.',
          semi < 0 ? i + 1 : semi + 1,
        )
      }
      const hex = name.charCodeAt(1) === 120
      const digits = name.slice(hex ? 2 : 1)
      const code = hex
        ? /^[0-9a-fA-F]+$/.test(digits)
          ? parseInt(digits, 16)
          : NaN
        : /^[0-9]+$/.test(digits)
          ? +digits
          : NaN
      if (!validChar(code)) throw new XmlSyntaxError(`malformed character entity: &${name};`, semi + 1)
      ch = String.fromCodePoint(code)
    }
    out += s.slice(last, i) + ch
    last = semi + 1
    i = s.indexOf('&', last)
  }
  return last === 0 ? s : out + s.slice(last)
}

/** Text and attribute values handed on are checked for characters XML forbids; skipped content is not. */
export function checkChars(s: string): string {
  if (BAD_CHAR_RE.test(s)) throw new XmlSyntaxError('disallowed character.')
  return s
}

function validChar(c: number): boolean {
  return (
    c === 0x9 ||
    c === 0xa ||
    c === 0xd ||
    (c >= 0x20 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd) ||
    (c >= 0x10000 && c <= 0x10ffff)
  )
}

// Small helpers both SCAP readers share: readable sizes and counts, unqualified XCCDF attributes,
// whitespace folding, and where a byte sequence stops being UTF-8.
import type { XmlAttr, XmlTag } from './xml-tokenizer'

export function mib(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) ? 1 : 0)} MiB` : `${n} bytes`
}

export function count(n: number): string {
  return n.toLocaleString('en-US')
}

export function attr(tag: XmlTag, local: string): string | undefined {
  // XCCDF and DS attributes are unqualified; a prefixed one with the same local name is someone else's.
  const a = tag.attributes[local] as XmlAttr | undefined
  return a === undefined ? undefined : a.value
}

export function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim()
}

export function firstBadUtf8(buf: Buffer): number {
  let i = 0
  while (i < buf.length) {
    const b = buf[i]!
    const n =
      b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1
    if (n < 0) return i
    for (let k = 1; k <= n; k++) {
      // A sequence cut by the chunk's end continues in the next chunk.
      if (i + k >= buf.length) return -1
      if ((buf[i + k]! & 0xc0) !== 0x80) return i
    }
    i += n + 1
  }
  return -1
}

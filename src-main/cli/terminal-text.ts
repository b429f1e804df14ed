// Text for a terminal: control characters from target names, results and other outside text are shown
// escaped, so a hostile name cannot retitle the window, clear the screen or forge lines of output.

// C0 controls, DEL, C1 controls (a UTF-8 terminal may read U+009B as CSI), and the bidirectional overrides
// that reorder what is shown (the "Trojan Source" trick).
// eslint-disable-next-line no-control-regex -- finding control characters is this module's job
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g
// eslint-disable-next-line no-control-regex -- as above
const UNSAFE_KEEP_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

// \uXXXX is both readable and a valid JSON escape: escaping inside --json output keeps it parseable and
// decoding to the same text.
const escapeOne = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`

/** One line of outside text (a name, a host, a message): every control character, line breaks too, escaped. */
export function safeText(s: string): string {
  return s.replace(UNSAFE, escapeOne)
}

/** A block of text whose line breaks and tabs are meant (command output, scripts): all else escaped. */
export function safeLines(s: string): string {
  return s.replace(UNSAFE_KEEP_LINES, escapeOne)
}

/** Columns aligned for a terminal: a header row, then one row per entry, two spaces between columns. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd() + '\n'
  return line(head) + rows.map(line).join('')
}

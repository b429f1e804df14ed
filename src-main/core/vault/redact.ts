// Keeps secrets out of logs, errors and answers: the secret values the vault handed out since it was
// unlocked, and the shapes secrets always have (private key blocks, GitHub tokens, password=..., URL creds).
import type { Logger } from '../ports'

export const MASK = '[redacted]'
/** Enough for every secret an auditor's session uses; the oldest is forgotten first beyond it. */
export const MAX_REMEMBERED = 1000
/** Shorter values would mask ordinary words and numbers all over a log. */
const MIN_SECRET = 4

type Rule = { re: RegExp; to: (match: string, ...groups: string[]) => string }
const RULES: Rule[] = [
  // A key block cut short (no END line) is masked to the end of the text.
  {
    re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|$)/g,
    to: () => MASK,
  },
  { re: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{8,}/g, to: () => MASK },
  { re: /\bgithub_pat_[A-Za-z0-9_]{8,}/g, to: () => MASK },
  // Authorization headers: "Bearer x", "token x", "Basic x".
  {
    re: /\b(authorization["']?\s*[:=]\s*["']?(?:bearer|token|basic)?\s*)[^\s"',;]+/gi,
    to: (_m, head) => `${head}${MASK}`,
  },
  // key=value and "key": "value" for anything named like a secret: password, PGPASSWORD, MYSQL_PWD,
  // db_passwd, passphrase, client_secret, GITHUB_TOKEN, api_key. (A bare "pass" is a rule status here.)
  {
    re: new RegExp(
      String.raw`\b([\w-]*(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key))` +
        String.raw`(["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s"'&]+)`,
      'gi',
    ),
    to: (_m, key, sep) => `${key}${sep}${MASK}`,
  },
  // scheme://user:password@host — greedy to the last @ of the authority, for passwords holding an "@".
  { re: /(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^\s/?#]*@/gi, to: (_m, head) => `${head}${MASK}@` },
]

const MAY_MATCH = /[=:_]|PRIVATE KEY/

export class Redactor {
  /** Insertion order, oldest first: the bound forgets from the front. */
  private readonly order = new Set<string>()
  /** Longest first, so a secret that contains another is masked whole; rebuilt lazily when stale. */
  private sorted: string[] | null = []

  /** Remembers a secret in the forms it is likely to be printed in: as is, URL-encoded, JSON-escaped. */
  registerSecret(value: string): void {
    const forms = new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)])
    for (const form of forms) {
      if (form.length < MIN_SECRET) continue
      this.order.delete(form)
      this.order.add(form)
    }
    while (this.order.size > MAX_REMEMBERED) this.order.delete(this.order.values().next().value as string)
    this.sorted = null
  }

  /** On lock: the values are no longer needed to recognise anything, and should not outlive the key. */
  forgetSecrets(): void {
    this.order.clear()
    this.sorted = []
  }

  redact(text: string): string {
    this.sorted ??= [...this.order].sort((a, b) => b.length - a.length)
    let out = text
    for (const s of this.sorted) if (out.includes(s)) out = out.split(s).join(MASK)
    // Every shape in RULES needs one of these (a key block's header, a token's underscore, a separator or
    // scheme's colon, an equals sign): most strings in an answer (ids, titles, statuses) have none.
    if (!MAY_MATCH.test(out)) return out
    for (const { re, to } of RULES) out = out.replace(re, to)
    return out
  }

  /** Every string in `value`, however deep; errors keep their name and message, binary data is not shown. */
  redactDeep<T>(value: T): T {
    return this.deep(value, new Set()) as T
  }

  /** `path` holds the objects above this one: a shared object is redacted each time, a cycle once. */
  private deep(value: unknown, path: Set<object>): unknown {
    if (typeof value === 'string') return this.redact(value)
    if (!value || typeof value !== 'object') return value
    if (value instanceof Date) return value
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`
    if (path.has(value)) return '[circular]'
    path.add(value)
    try {
      if (Array.isArray(value)) {
        const out: unknown[] = new Array(value.length)
        for (let i = 0; i < value.length; i++) out[i] = this.deep(value[i], path)
        return out
      }
      const out: Record<string, unknown> = {}
      // An Error's message and stack are not enumerable; without this they would vanish from a log line.
      if (value instanceof Error) {
        out.name = this.deep(value.name, path)
        out.message = this.deep(value.message, path)
        out.stack = this.deep(value.stack, path)
      }
      // Own enumerable string keys, as Object.entries gives them, without an array per entry: answers run to
      // thousands of objects.
      for (const k of Object.keys(value)) {
        const v = this.deep((value as Record<string, unknown>)[k], path)
        // defineProperty, not assignment: a key named __proto__ stays an own property, as fromEntries kept it.
        if (k === '__proto__')
          Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true })
        else out[k] = v
      }
      return out
    } finally {
      path.delete(value)
    }
  }
}

export function redactingLogger(inner: Logger, redactor: Redactor): Logger {
  return {
    log(level, msg, fields) {
      inner.log(level, redactor.redact(msg), fields ? redactor.redactDeep(fields) : undefined)
    },
  }
}

// Keeps secrets out of logs and error text: the secret values the vault has handed out since it was
// unlocked, and the shapes secrets always have (private key blocks, GitHub tokens, password=..., URL creds).
import type { Logger } from '../ports'

const MASK = '[redacted]'
const PATTERNS: RegExp[] = [
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{8,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{8,}\b/g,
  /\b(pass(?:word|wd|phrase)?|pwd|secret|token|PGPASSWORD|MYSQL_PWD)(\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi,
  /(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^@\s/]+@/gi,
]
const MAX_REMEMBERED = 1000

export class Redactor {
  private readonly secrets = new Set<string>()

  registerSecret(value: string): void {
    // Very short values would mask ordinary words; they are not worth a false sense of safety either way.
    if (value.length < 4) return
    if (this.secrets.size >= MAX_REMEMBERED) this.secrets.delete(this.secrets.values().next().value as string)
    this.secrets.add(value)
  }

  forgetSecrets(): void {
    this.secrets.clear()
  }

  redact(text: string): string {
    let out = text
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join(MASK)
    out = out.replace(PATTERNS[0]!, MASK).replace(PATTERNS[1]!, MASK).replace(PATTERNS[2]!, MASK)
    out = out.replace(PATTERNS[3]!, (_m, k: string, sep: string) => `${k}${sep}${MASK}`)
    out = out.replace(PATTERNS[4]!, (_m, head: string) => `${head}${MASK}@`)
    return out
  }

  redactDeep<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T
    if (Array.isArray(value)) return value.map((v) => this.redactDeep(v)) as T
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.redactDeep(v)])) as T
    return value
  }
}

export function redactingLogger(inner: Logger, redactor: Redactor): Logger {
  return {
    log(level, msg, fields) {
      inner.log(level, redactor.redact(msg), fields ? redactor.redactDeep(fields) : undefined)
    },
  }
}

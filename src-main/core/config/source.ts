// A driftwatch.yml read into plain data with the line of every key, so each error names file, line and key;
// `${ENV}` interpolation, secrets taken only from the environment or a file, and inline secrets refused.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml'

export interface ConfigIssue {
  line: number
  /** The key at fault, as a path: targets[0].port */
  key: string
  message: string
}

/** Everything wrong with a file; nothing is applied while there is any. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly issues: ConfigIssue[],
  ) {
    super(
      issues.length === 1
        ? formatIssue(file, issues[0]!)
        : `${issues.length} problems:\n${issues.map((i) => `  ${formatIssue(file, i)}`).join('\n')}`,
    )
    this.name = 'ConfigError'
  }
}

export const formatIssue = (file: string, i: ConfigIssue): string =>
  `${file}:${i.line}: ${i.key ? `${i.key}: ` : ''}${i.message}`

export interface ConfigSource {
  file: string
  root: unknown
  /** The line of a key's path (or the nearest enclosing one). */
  lineOf(path: string): number
}

export const joinPath = (base: string, key: string | number): string =>
  typeof key === 'number' ? `${base}[${key}]` : base ? `${base}.${key}` : key

/** Parses YAML (one document, unique keys, no anchors) keeping where each key and value stands. */
export function readConfigText(text: string, file: string): ConfigSource {
  const lc = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true, uniqueKeys: true })
  // The first syntax error only: the ones after it mostly follow from it.
  const issues: ConfigIssue[] = doc.errors.slice(0, 1).map((e) => ({
    line: e.linePos?.[0]?.line ?? 1,
    key: '',
    message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
  }))
  if (issues.length) throw new ConfigError(file, issues)
  const lines = new Map<string, number>()
  const lineAt = (n: Node | null | undefined, fallback: number) =>
    n?.range ? lc.linePos(n.range[0]).line : fallback
  const toPlain = (n: unknown, path: string, line: number): unknown => {
    if (n === null || n === undefined) return null
    if (isAlias(n)) {
      issues.push({ line, key: path, message: 'Anchors and aliases (*name) are not allowed here' })
      return null
    }
    if (isScalar(n)) return n.value
    if (isMap(n)) {
      const out: Record<string, unknown> = {}
      for (const pair of n.items) {
        const keyNode = pair.key as Node | null
        const keyLine = lineAt(keyNode, line)
        const key = isScalar(keyNode) ? keyNode.value : undefined
        if (typeof key !== 'string' && typeof key !== 'number') {
          issues.push({ line: keyLine, key: path, message: 'Keys must be plain words' })
          continue
        }
        if (String(key) === '<<') {
          issues.push({ line: keyLine, key: path, message: 'Merge keys (<<) are not allowed' })
          continue
        }
        const p = joinPath(path, String(key))
        lines.set(p, keyLine)
        out[String(key)] = toPlain(pair.value, p, keyLine)
      }
      return out
    }
    if (isSeq(n))
      return n.items.map((item, i) => {
        const p = joinPath(path, i)
        const l = lineAt(item as Node, line)
        lines.set(p, l)
        return toPlain(item, p, l)
      })
    return null
  }
  const root = toPlain(doc.contents, '', 1)
  if (issues.length) throw new ConfigError(file, issues)
  return {
    file,
    root: root ?? {},
    lineOf(path: string) {
      for (let p = path; p; p = p.replace(/(\.[^.[\]]+|\[\d+\])$/, '')) {
        const l = lines.get(p)
        if (l !== undefined) return l
        if (!/(\.[^.[\]]+|\[\d+\])$/.test(p)) break
      }
      return 1
    },
  }
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g
const ONLY_ENV_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/

/** `${NAME}` replaced from the environment; `$${` stays a literal `${`. An unset name is an issue. */
export function interpolate(text: string, env: NodeJS.ProcessEnv, report: (message: string) => void): string {
  const parts = text.split('$${')
  return parts
    .map((part) =>
      part.replace(ENV_REF, (_m, name: string) => {
        const v = env[name]
        if (v === undefined) {
          report(`\${${name}} is not set in the environment`)
          return ''
        }
        return v
      }),
    )
    .join('${')
}

/** Text that is a secret whatever key holds it: private keys, GitHub and Slack tokens, passwords in URLs. */
const SECRET_SHAPES: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/, 'a GitHub token'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/, 'a Slack webhook URL'],
  [/\bAKIA[0-9A-Z]{16}\b/, 'an AWS access key'],
  [/[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, 'a password in a URL'],
]

/** What kind of secret a literal looks like, or undefined. */
export function secretShape(text: string): string | undefined {
  for (const [re, what] of SECRET_SHAPES) if (re.test(text)) return what
  return undefined
}

/** Where a secret comes from: an environment variable or a file, never the config file itself. */
export type SecretSource = { env: string } | { file: string }

/**
 * Reads a secret-holding value: `${NAME}` (the whole value), `{ env: NAME }` or `{ file: PATH }`. Anything
 * else is an inline secret and refused.
 */
export function secretSource(value: unknown, report: (message: string) => void): SecretSource | undefined {
  if (typeof value === 'string') {
    const m = ONLY_ENV_REF.exec(value.trim())
    if (m) return { env: m[1]! }
    report('Secrets are never written in the file: use ${ENV_VAR}, { env: NAME } or { file: PATH }')
    return undefined
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>
    const keys = Object.keys(o)
    if (keys.length === 1 && typeof o.env === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(o.env))
      return { env: o.env }
    if (keys.length === 1 && typeof o.file === 'string' && o.file.trim()) return { file: o.file.trim() }
  }
  report('A secret is ${ENV_VAR}, { env: NAME } or { file: PATH }')
  return undefined
}

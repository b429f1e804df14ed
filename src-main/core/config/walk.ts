// Reading a driftwatch.yml's plain data with every problem collected against the key (and so the line) at fault.
import type { z } from 'zod'
import {
  interpolate,
  joinPath,
  secretShape,
  secretSource,
  type ConfigIssue,
  type ConfigSource,
  type SecretSource,
} from './source'

export type Obj = Record<string, unknown>

export class Walk {
  readonly issues: ConfigIssue[] = []
  /** Keys whose ${ENV} is unset: their other problems follow from it and are not repeated. */
  private readonly unset = new Set<string>()
  constructor(
    readonly src: ConfigSource,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  issue(path: string, message: string): void {
    if (this.unset.has(path)) return
    if (message.endsWith('is not set in the environment')) this.unset.add(path)
    this.issues.push({ line: this.src.lineOf(path), key: path, message })
  }

  /** A mapping with only the named keys; an unknown key is an issue naming the known ones. */
  map(path: string, value: unknown, allowed: readonly string[], what: string): Obj | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.issue(path, `${what} must be a mapping (key: value)`)
      return undefined
    }
    const o = value as Obj
    for (const k of Object.keys(o))
      if (!allowed.includes(k))
        this.issue(joinPath(path, k), `Unknown key "${k}" in ${what}: expected one of ${allowed.join(', ')}`)
    return o
  }

  /** A list (absent = empty). */
  list(path: string, value: unknown, what: string): unknown[] {
    if (value === undefined || value === null) return []
    if (!Array.isArray(value)) {
      this.issue(path, `${what} must be a list (- item)`)
      return []
    }
    return value
  }

  /** A value with `${ENV}` filled in at every depth. */
  resolve(path: string, value: unknown): unknown {
    if (typeof value === 'string') return interpolate(value, this.env, (m) => this.issue(path, m))
    if (Array.isArray(value)) return value.map((v, i) => this.resolve(joinPath(path, i), v))
    if (value && typeof value === 'object')
      return Object.fromEntries(
        Object.entries(value as Obj).map(([k, v]) => [k, this.resolve(joinPath(path, k), v)]),
      )
    return value
  }

  /** A required (or optional) text after interpolation. */
  text(path: string, value: unknown, what: string, opts: { optional?: boolean } = {}): string | undefined {
    if (value === undefined || value === null) {
      if (!opts.optional) this.issue(path, `${what} is required`)
      return undefined
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      this.issue(path, `${what} must be text, not ${describe(value)}`)
      return undefined
    }
    const s = String(this.resolve(path, String(value))).trim()
    if (!s && !opts.optional) this.issue(path, `${what} is required`)
    return s || undefined
  }

  bool(path: string, value: unknown, what: string, dflt: boolean): boolean {
    if (value === undefined || value === null) return dflt
    if (typeof value !== 'boolean') {
      this.issue(path, `${what} must be true or false, not ${describe(value)}`)
      return dflt
    }
    return value
  }

  /** Parses with a zod schema, each issue at its own key under `path`. */
  zod<S extends z.ZodType>(path: string, schema: S, value: unknown): z.output<S> | undefined {
    const r = schema.safeParse(value)
    if (r.success) return r.data
    for (const i of r.error.issues)
      this.issue(
        i.path.reduce<string>((p, k) => joinPath(p, typeof k === 'number' ? k : String(k)), path),
        i.message,
      )
    return undefined
  }

  secret(path: string, value: unknown): SecretSource | undefined {
    return secretSource(value, (m) => this.issue(path, m))
  }

  /** Every literal in the file that looks like a secret, wherever it stands. */
  refuseInlineSecrets(path: string, value: unknown): void {
    if (typeof value === 'string') {
      const what = secretShape(value)
      if (what)
        this.issue(
          path,
          `This looks like ${what}: secrets are never written in the file (use \${ENV_VAR} or { file: PATH })`,
        )
    } else if (Array.isArray(value)) value.forEach((v, i) => this.refuseInlineSecrets(joinPath(path, i), v))
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value as Obj)) this.refuseInlineSecrets(joinPath(path, k), v)
  }
}

export function describe(v: unknown): string {
  if (v === null) return 'empty'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'object') return 'a mapping'
  if (typeof v === 'string') return `"${v.slice(0, 40)}"`
  return String(v)
}

/** The keys a zod object schema names (a kind's fields, a channel's settings). */
export function shapeKeys(schema: unknown): string[] {
  const shape = (schema as { shape?: Record<string, unknown> }).shape
  return shape ? Object.keys(shape) : []
}

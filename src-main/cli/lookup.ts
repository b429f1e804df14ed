// Small helpers the CLI's command groups share: a target or group by name, errors by kind, and printing
// either JSON or text.
import type { Core } from '../core/app'
import { call, CliError, type RunContext } from './common'

export const notFoundError = (message: string) =>
  new CliError(message, { code: 'not_found', message, issues: [] })

/** A target's id from its name (any case) or id. */
export async function targetId(core: Core, ref: string): Promise<string> {
  const { targets } = await call(core, 'targets.list', {})
  const t = targets.find((x) => x.id === ref || x.name.toLowerCase() === ref.toLowerCase())
  if (!t) throw notFoundError(`no target named "${ref}"`)
  return t.id
}

/** Target names by id, for printing. */
export async function targetNames(core: Core): Promise<Map<string, string>> {
  const { targets } = await call(core, 'targets.list', {})
  return new Map(targets.map((t) => [t.id, t.name]))
}

/** Prints `data` as JSON with --json, else the text. */
export function print(ctx: RunContext, data: unknown, text: () => string): void {
  ctx.out.stdout(ctx.json ? JSON.stringify(data, null, 2) + '\n' : text())
}

/** A comma-separated or repeated flag as a list. */
export function listOf(v: unknown): string[] {
  const all = Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : []
  return all
    .flatMap((x) => x.split(','))
    .map((x) => x.trim())
    .filter(Boolean)
}

/** An ISO time from a date ("2030-01-31") or a time; a usage error naming the flag otherwise. */
export function isoFrom(flag: string, v: unknown): string | undefined {
  if (v === undefined) return undefined
  const s = String(v)
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s)
  if (!Number.isFinite(t))
    throw CliError.usage(`${flag} must be a date (2030-01-31) or an ISO time, not "${s}"`)
  return new Date(t).toISOString()
}

// Which drift an alert channel is sent: every channel's optional check filter (rule id patterns to include or
// leave out, a lowest rule severity). Kept with the channel's settings, so the file, the CLI and the Watch page
// set it like any other setting; applied when a scan's alerts are queued, one message per channel.
import { z } from 'zod'
import type { AlertChannel } from './channel'

export const SEVERITY_ORDER = ['unknown', 'info', 'low', 'medium', 'high'] as const

const pattern = z
  .string()
  .trim()
  .min(1, 'A check pattern cannot be empty')
  .max(200, 'A check pattern of at most 200 characters')
  .regex(
    /^[A-Za-z0-9_.:*?/-]+$/,
    'A check pattern is a rule id or a glob of one (letters, digits, - _ . : / * ?)',
  )
const patterns = z.array(pattern).max(100, 'At most 100 check patterns').optional()

/** The filter's settings, added to every channel's own. */
export const filterShape = {
  checks: patterns,
  excludeChecks: patterns,
  minSeverity: z
    .enum(['low', 'medium', 'high'], { error: 'Lowest severity must be low, medium or high' })
    .optional(),
}
export type ChannelFilter = { checks?: string[]; excludeChecks?: string[]; minSeverity?: string }

/** With * or ?: a glob over the whole rule id; a plain word: any rule id containing it (case-insensitive). */
export function checkMatches(p: string, ruleId: string): boolean {
  if (!/[*?]/.test(p)) return ruleId.toLowerCase().includes(p.toLowerCase())
  const re = p
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${re}$`, 'i').test(ruleId)
}

/**
 * Whether a channel with this filter is sent an event. Rule events: the rule id must match an include pattern
 * (when there are any) and no exclude pattern, and its severity reach minSeverity. A score drop names no rule:
 * it is sent unless the channel names the checks it wants.
 */
export function passes(f: ChannelFilter, e: { type: string; ruleId: string; severity: string }): boolean {
  if (e.type === 'score') return !f.checks?.length
  if (f.checks?.length && !f.checks.some((p) => checkMatches(p, e.ruleId))) return false
  if (f.excludeChecks?.some((p) => checkMatches(p, e.ruleId))) return false
  if (f.minSeverity) {
    const rank = (s: string) => SEVERITY_ORDER.indexOf(s as (typeof SEVERITY_ORDER)[number])
    if (rank(e.severity) < rank(f.minSeverity)) return false
  }
  return true
}

/** A channel whose settings include the filter's. */
export function withFilter(c: AlertChannel): AlertChannel {
  return { ...c, config: (c.config as z.ZodObject).extend(filterShape) }
}

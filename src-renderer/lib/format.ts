// How the renderer and the report word numbers, times and changes: scores and their bands, sizes, UTC times,
// long texts cut short, drift changes and counted nouns. Pure functions, shared by pages and the report view.
import type { DriftEventView } from '../../src-preload/contract'

/** The score's band, named as well as coloured: good ≥ 90, fair ≥ 70, else poor; none without results. */
export function scoreBand(score: number | null): 'good' | 'fair' | 'poor' | 'none' {
  if (score === null) return 'none'
  return score >= 90 ? 'good' : score >= 70 ? 'fair' : 'poor'
}

/** A score as the report prints it: "87%", or "n/a" with no pass or fail results. */
export const reportScore = (s: number | null) => (s === null ? 'n/a' : `${s}%`)

/** An ISO time as "2030-01-01 12:00:00 UTC" (the report's clock is UTC, whatever the reader's zone). */
export const utcTime = (iso: string) =>
  iso
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC')
    .replace(/Z$/, ' UTC')

/** The date part of an ISO time, or '' for none. */
export const isoDay = (iso: string | null) => (iso ? iso.slice(0, 10) : '')

/** A text cut to n characters, saying how much was left out. */
export const clip = (s: string, n: number) =>
  s.length > n ? `${s.slice(0, n).trimEnd()} … (${s.length - n} more characters)` : s

/** A size in B, KB or MB (1024-based, one decimal). */
export const bytes = (n: number) =>
  n >= 1024 * 1024
    ? `${(n / 1024 / 1024).toFixed(1)} MB`
    : n >= 1024
      ? `${(n / 1024).toFixed(1)} KB`
      : `${n} B`

/** "1 target", "2 targets". */
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** What a drift event changed, "from → to": scores, actual values (∅ for empty) or statuses (new rules). */
export function driftChange(
  e: Pick<
    DriftEventView,
    'type' | 'fromScore' | 'toScore' | 'fromActual' | 'toActual' | 'fromStatus' | 'toStatus'
  >,
): string {
  if (e.type === 'score') return `${e.fromScore ?? '–'}% → ${e.toScore ?? '–'}%`
  if (e.type === 'value') return `${e.fromActual || '∅'} → ${e.toActual || '∅'}`
  return `${e.fromStatus || 'new'} → ${e.toStatus}`
}

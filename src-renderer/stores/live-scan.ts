// A running scan as the scans slice keeps it, built from the typed progress events the core pushes. Pure, so
// the rules (a new scan starts from zero; the rule count stays through the steps after it) are unit-tested.
import type { ScanProgressEvent } from '../../src-preload/contract'

/** A running scan: its latest progress event (a step with its words, or a rule checked) and the rule count so
 * far, which stays on show through the steps after the rules (fetching, cleaning up). */
export interface LiveScan {
  scanId: string
  now: ScanProgressEvent
  done: number
  total: number
}

/** The next live state of a target's scan after one progress event; a new scan starts from zero. */
export function applyProgress(prev: LiveScan | undefined, e: ScanProgressEvent): LiveScan {
  const same = prev?.scanId === e.scanId
  if (e.phase === 'rule') return { scanId: e.scanId, now: e, done: e.done, total: e.total }
  return { scanId: e.scanId, now: e, done: same ? prev.done : 0, total: same ? prev.total : 0 }
}

/** What a running scan is doing, in a few words: the rule being checked or the step's own message. */
export function liveText(l: LiveScan): string {
  if (l.now.phase === 'rule') return l.now.ruleId
  return l.now.message || l.now.phase
}

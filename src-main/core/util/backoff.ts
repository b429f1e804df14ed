// Waiting before a retry, one way everywhere (GitHub requests, watch scans, alert deliveries): capped exponential
// backoff with full jitter, never sooner than what the server asked for with Retry-After.

export interface BackoffPolicy {
  /** The first retry waits up to this long; each further one doubles the ceiling. */
  baseMs: number
  /** The ceiling never grows past this. */
  capMs: number
}

/**
 * The wait before retry number `retry` (0 for the first retry): a random time between 0 and
 * min(capMs, baseMs · 2^retry) — full jitter (AWS architecture blog), so clients that failed together do not
 * retry together — and never shorter than `floorMs` (a server's Retry-After, or the caller's minimum).
 */
export function backoffDelay(
  retry: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
  floorMs = 0,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, retry))
  return Math.max(floorMs, Math.floor(random() * ceiling))
}

/**
 * A Retry-After header as milliseconds to wait: delay-seconds or an HTTP date (RFC 9110 §10.2.3). Absent,
 * unreadable or already past is 0, so a bad header never blocks a retry.
 */
export function retryAfterMs(value: string | number | null | undefined, nowMs: number = Date.now()): number {
  if (value === null || value === undefined) return 0
  const text = String(value).trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : 0
}

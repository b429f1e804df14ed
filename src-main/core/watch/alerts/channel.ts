// The one small interface each alert channel implements; adding a channel is one file and one line below.
import type { z } from 'zod'
import type { AlertMessage } from './message'
import { retryAfterMs } from '../../util/backoff'

export interface AlertChannel<C extends z.ZodType = z.ZodType> {
  kind: 'webhook' | 'slack' | 'github-issue' | 'email'
  /** The channel's non-secret settings, checked with messages naming the field. */
  config: C
  /** Whether the channel cannot work without a secret from the vault. */
  needsSecret: boolean
  send(config: z.output<C>, secret: string | undefined, msg: AlertMessage, signal: AbortSignal): Promise<void>
}

/** A failure worth retrying later (timeouts, 5xx, 429) versus one that will fail the same way again. */
export class SendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** How long the receiver asked us to wait (its Retry-After), in ms; 0 when it said nothing. */
    readonly retryAfterMs = 0,
  ) {
    super(message)
  }
}

/** Maps an HTTP answer to success or a SendError that says what the other side said. */
export async function checkHttp(res: Response, what: string): Promise<void> {
  if (res.ok) return
  const body = (await res.text().catch(() => '')).slice(0, 200)
  throw new SendError(
    `${what} answered ${res.status} ${res.statusText}${body ? `: ${body}` : ''}`,
    res.status >= 500 || res.status === 429 || res.status === 408,
    retryAfterMs(res.headers.get('retry-after')),
  )
}

export function networkError(err: unknown, what: string): SendError {
  if (err instanceof SendError) return err
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } }
  if (e.name === 'AbortError' || e.name === 'TimeoutError')
    return new SendError(`${what} did not answer in time`, true)
  const detail = e.cause?.code ?? e.cause?.message ?? e.message ?? String(err)
  return new SendError(`${what} could not be reached (${detail})`, true)
}

// Turns an untrusted (channel, payload) pair from any face into a validated handler call and an envelope:
// unknown channels and malformed payloads become validation errors, never crashes.
import {
  contract,
  isChannel,
  type Channel,
  type Envelope,
  type ParsedReq,
  type Res,
} from '../../src-preload/contract'
import { AppError, diskFullError, validationError } from './errors'
import type { Logger } from './ports'

export type Handlers = { [C in Channel]: (req: ParsedReq<C>) => Promise<Res<C>> | Res<C> }

export interface Dispatcher {
  invoke(channel: unknown, payload: unknown): Promise<Envelope<unknown>>
}

export function createDispatcher(handlers: Handlers, logger: Logger): Dispatcher {
  return {
    async invoke(channel, payload) {
      if (!isChannel(channel)) {
        // String() throws on some objects (null prototype), so name only the type of a non-string.
        const shown =
          typeof channel === 'string' ? JSON.stringify(channel.slice(0, 60)) : `of type ${typeof channel}`
        return fail(new AppError('validation', `Unknown channel ${shown}`))
      }
      const spec = contract[channel]
      const parsed = spec.request.safeParse(payload ?? {})
      if (!parsed.success) return fail(validationError(parsed.error))
      try {
        const handler = handlers[channel] as (req: unknown) => unknown
        const result = await handler(parsed.data)
        // Parsing the response strips any field the contract does not name: nothing leaves by accident.
        return { ok: true, data: spec.response.parse(result) }
      } catch (err) {
        if (err instanceof AppError) return fail(err)
        const full = diskFullError(err)
        if (full) return fail(full)
        logger.log('error', 'handler failed', {
          channel,
          error: err instanceof Error ? err.message : String(err),
        })
        return fail(new AppError('internal', `Driftwatch could not complete ${channel}; the log has details`))
      }
    },
  }
}

const fail = (err: AppError): Envelope<never> => ({ ok: false, error: err.toApi() })

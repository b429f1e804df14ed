// Turns an untrusted (channel, payload) pair from any face into a validated handler call and an envelope:
// unknown channels and malformed payloads become validation errors, never crashes.
import {
  contract,
  isChannel,
  type Channel,
  type Envelope,
  type ParsedReq,
  type Res,
  type Target,
} from '../../src-preload/contract'
import { Kinds } from './scanners/registry'
import { AppError, diskFullError, issuesError, validationError, type FieldIssue } from './errors'
import type { Logger } from './ports'

export type Handlers = { [C in Channel]: (req: ParsedReq<C>) => Promise<Res<C>> | Res<C> }

/**
 * Checks the core adds to a channel's schema, for what only the core knows (a target's kind-specific fields,
 * checked by its kind's schema). Their issues join the contract's, so a form marks every field at once; an
 * issue on a path the contract also flagged replaces the contract's (it says more).
 */
export type RequestChecks = { [C in Channel]?: (payload: unknown) => FieldIssue[] }

/** What the core trims from a channel's answer before the contract checks it (see Kinds.shape). */
export type ResponseShapes = { [C in Channel]?: (response: Res<C>) => Res<C> }

export interface ChannelHooks {
  checks: RequestChecks
  shapes: ResponseShapes
}

/** The hooks for a set of target kinds: kind fields checked on the way in, trimmed to the kind's on the way out. */
export function kindHooks(kinds: Kinds): ChannelHooks {
  const targetIssues = (p: unknown) => kinds.issues((p as { target?: unknown }).target)
  const shape = (t: Target) => kinds.shape(t)
  return {
    checks: {
      'targets.create': targetIssues,
      'targets.update': targetIssues,
      'targets.list': (p) => {
        const kind = (p as { kind?: unknown }).kind
        const issue = kind === undefined ? undefined : kinds.kindIssue(kind)
        return issue ? [issue] : []
      },
    },
    shapes: {
      'targets.list': (r) => ({ ...r, targets: r.targets.map(shape) }),
      'targets.get': shape,
      'targets.create': shape,
      'targets.update': shape,
      'targets.duplicate': shape,
    },
  }
}

export interface Dispatcher {
  invoke(channel: unknown, payload: unknown): Promise<Envelope<unknown>>
}

export function createDispatcher(
  handlers: Handlers,
  logger: Logger,
  // Without a core's own kinds, the built-in ones.
  hooks: ChannelHooks = kindHooks(new Kinds()),
): Dispatcher {
  const { checks, shapes } = hooks
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
      const extra = parsed.success || isObject(payload) ? (checks[channel]?.(payload ?? {}) ?? []) : []
      if (!parsed.success || extra.length) {
        const own = new Set(extra.map((i) => i.path))
        const base = parsed.success
          ? []
          : validationError(parsed.error).issues.filter((i) => !own.has(i.path))
        return fail(issuesError([...base, ...extra]))
      }
      try {
        const handler = handlers[channel] as (req: unknown) => unknown
        const result = await handler(parsed.data)
        const shape = shapes[channel] as ((r: unknown) => unknown) | undefined
        // Parsing the response strips any field the contract (or the target's kind) does not name: nothing
        // leaves by accident.
        return { ok: true, data: spec.response.parse(shape && isObject(result) ? shape(result) : result) }
      } catch (err) {
        if (err instanceof AppError) return fail(err)
        const full = diskFullError(err)
        if (full) return fail(full)
        // A shared PostgreSQL store refused this role the change (a viewer editing, a worker removing a target).
        if ((err as { code?: unknown } | null)?.code === '42501')
          return fail(
            new AppError(
              'forbidden',
              `The PostgreSQL store refused ${channel} to your database role (${(err as Error).message}); ` +
                'ask its administrator for a role that may (see README, "A team\'s store on PostgreSQL")',
            ),
          )
        logger.log('error', 'handler failed', {
          channel,
          error: err instanceof Error ? err.message : String(err),
        })
        return fail(new AppError('internal', `Driftwatch could not complete ${channel}; the log has details`))
      }
    },
  }
}

const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v)

const fail = (err: AppError): Envelope<never> => ({ ok: false, error: err.toApi() })

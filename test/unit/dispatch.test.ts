// Covers the dispatcher every face goes through: unknown channels and malformed payloads become validation
// envelopes (never a throw), handler failures become a generic internal error, and responses are stripped
// to what the contract names.
import { describe, expect, it } from 'vitest'
import { createDispatcher, type Handlers } from '../../src-main/core/dispatch'
import { AppError } from '../../src-main/core/errors'
import type { Logger } from '../../src-main/core/ports'
import { CHANNELS, type Target } from '../../src-preload/contract'
import { call, callError, useCores } from '../helpers/core'

const cores = useCores()

describe('unknown channels', () => {
  it.each([
    ['targets.explode', 'Unknown channel "targets.explode"'],
    ['', 'Unknown channel ""'],
    ['__proto__', 'Unknown channel "__proto__"'],
    ['constructor', 'Unknown channel "constructor"'],
    ['toString', 'Unknown channel "toString"'],
  ])('refuses %j with "%s"', async (channel, message) => {
    expect(await callError(cores.open(), channel, {})).toEqual({ code: 'validation', message, issues: [] })
  })

  it('names a non-string channel by its type, whatever the value', async () => {
    const core = cores.open()
    for (const [channel, type] of [
      [42, 'number'],
      [null, 'object'],
      [undefined, 'undefined'],
      [Object.create(null), 'object'],
      [Symbol('x'), 'symbol'],
    ] as const) {
      const err = await callError(core, channel, {})
      expect(err).toEqual({ code: 'validation', message: `Unknown channel of type ${type}`, issues: [] })
    }
  })

  it('shows at most 60 characters of a huge channel name', async () => {
    const err = await callError(cores.open(), 'x'.repeat(1_000_000), {})
    expect(err.message).toBe(`Unknown channel "${'x'.repeat(60)}"`)
  })
})

describe('malformed payloads', () => {
  it('treats a null or missing payload as an empty request', async () => {
    const core = cores.open()
    expect(await core.invoke('targets.list', null)).toEqual({ ok: true, data: { targets: [], total: 0 } })
    expect(await core.invoke('app.info', undefined)).toMatchObject({ ok: true, data: { name: 'Driftwatch' } })
    expect(await callError(core, 'targets.get', null)).toEqual({
      code: 'validation',
      message: 'id: Invalid input: expected string, received undefined',
      issues: [{ path: 'id', message: 'Invalid input: expected string, received undefined' }],
    })
  })

  it.each([
    ['a string', 'targets.get', 'web-1', 'expected object, received string'],
    ['an array', 'targets.get', ['web-1'], 'expected object, received array'],
    ['a number', 'targets.create', 7, 'expected object, received number'],
    ['a boolean', 'targets.list', true, 'expected object, received boolean'],
  ])('refuses %s as the whole payload', async (_what, channel, payload, expected) => {
    const err = await callError(cores.open(), channel, payload)
    expect(err.code).toBe('validation')
    expect(err.message).toBe(`Invalid input: ${expected}`)
  })

  it('refuses an extra key where the request must be empty', async () => {
    const err = await callError(cores.open(), 'app.info', { debug: true })
    expect(err).toMatchObject({ code: 'validation', message: 'Unrecognized key: "debug"' })
  })

  it('refuses deeply wrong types field by field', async () => {
    const err = await callError(cores.open(), 'targets.create', {
      target: { kind: 'ssh', name: { first: 'web' }, host: ['10.0.0.5'], user: 42, port: {}, tags: 'prod' },
    })
    expect(err.code).toBe('validation')
    expect(err.issues.map((i) => i.path).sort()).toEqual([
      'target.host',
      'target.name',
      'target.port',
      'target.tags',
      'target.user',
    ])
    expect(err.issues).toContainEqual({ path: 'target.name', message: 'Name is required' })
    expect(err.issues).toContainEqual({ path: 'target.port', message: 'Port must be a number' })
  })

  it('refuses a kind that JSON cannot show (a BigInt, a cycle) without throwing', async () => {
    const core = cores.open()
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    for (const [kind, type] of [
      [10n, 'bigint'],
      [cycle, 'object'],
    ] as const) {
      const err = await callError(core, 'targets.create', { target: { kind, name: 'x' } })
      expect(err.issues).toEqual([
        {
          path: 'target.kind',
          message: `Unknown target kind of type ${type}: expected one of local, ssh, postgres, mysql, github`,
        },
      ])
    }
  })

  it('answers huge strings with a length message and never echoes them back', async () => {
    const core = cores.open()
    const huge = 'a'.repeat(5_000_000)
    const name = await callError(core, 'targets.create', { target: { kind: 'local', name: huge } })
    expect(name.issues).toEqual([{ path: 'target.name', message: 'Name is longer than 100 characters' }])
    const host = await callError(core, 'targets.create', { target: ssh({ host: huge }) })
    expect(host.issues).toContainEqual({ path: 'target.host', message: 'Host is longer than 253 characters' })
    const kind = await callError(core, 'targets.create', { target: { kind: huge, name: 'x' } })
    const query = await callError(core, 'targets.list', { query: huge })
    expect(query.issues[0]?.path).toBe('query')
    for (const err of [name, host, kind, query]) expect(JSON.stringify(err).length).toBeLessThan(1000)
  })

  it('does not let a "__proto__" key in a parsed payload pollute objects', async () => {
    const core = cores.open()
    const payload: unknown = JSON.parse('{"__proto__": {"polluted": "yes"}, "query": ""}')
    await core.invoke('targets.list', payload)
    await core.invoke(
      'targets.create',
      JSON.parse('{"target": {"kind": "local", "name": "a", "__proto__": {"x": 1}}}'),
    )
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(({} as Record<string, unknown>).x).toBeUndefined()
  })
})

function ssh(over: Record<string, unknown>) {
  return { kind: 'ssh', name: 'web-1', host: '10.0.0.5', user: 'auditor', ...over }
}

/** A dispatcher over the real core's handlers with some replaced, and every log line kept. */
function dispatcherWith(replace: Partial<Handlers>) {
  const core = cores.open()
  const logged: { level: string; msg: string; fields?: Record<string, unknown> }[] = []
  const logger: Logger = { log: (level, msg, fields) => logged.push({ level, msg, fields }) }
  return { core, logged, dispatcher: createDispatcher({ ...core.handlers, ...replace }, logger) }
}

describe('handler failures', () => {
  it('turns a plain Error into a generic internal error; details go to the log, not the caller', async () => {
    const secret = 'SQLITE_CORRUPT at /home/alice/.config/Driftwatch/driftwatch.db password=hunter2'
    const { dispatcher, logged } = dispatcherWith({
      'targets.list': () => {
        throw new Error(secret)
      },
    })
    const env = await dispatcher.invoke('targets.list', {})
    expect(env).toEqual({
      ok: false,
      error: {
        code: 'internal',
        message: 'Driftwatch could not complete targets.list; the log has details',
        issues: [],
      },
    })
    const wire = JSON.stringify(env)
    expect(wire).not.toContain('hunter2')
    expect(wire).not.toContain('/home/alice')
    expect(wire).not.toMatch(/\bat .*\.ts:\d+/)
    expect(logged).toEqual([
      { level: 'error', msg: 'handler failed', fields: { channel: 'targets.list', error: secret } },
    ])
  })

  it('treats a rejected promise and a thrown non-Error the same way', async () => {
    const { dispatcher } = dispatcherWith({
      'targets.labels': () => Promise.reject(new TypeError('x is undefined')),
      'targets.get': () => {
        throw 'a string'
      },
    })
    for (const [channel, payload] of [
      ['targets.labels', {}],
      ['targets.get', { id: 'a' }],
    ] as const) {
      const env = await dispatcher.invoke(channel, payload)
      expect(env).toMatchObject({ ok: false, error: { code: 'internal' } })
    }
  })

  it('passes an AppError through with its code, message and issues', async () => {
    const issue = { path: 'target.host', message: 'Host key changed' }
    const { dispatcher } = dispatcherWith({
      'targets.get': () => {
        throw new AppError('forbidden', 'Host key changed; scan refused', [issue])
      },
    })
    expect(await dispatcher.invoke('targets.get', { id: 'a' })).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'Host key changed; scan refused', issues: [issue] },
    })
  })
})

describe('responses', () => {
  it('strips any field the contract does not name, such as a secret returned by mistake', async () => {
    const { core, dispatcher } = dispatcherWith({})
    const t = await call(core, 'targets.create', { target: { kind: 'local', name: 'laptop' } })
    const leaky = createDispatcher(
      {
        ...core.handlers,
        'targets.get': (req) => ({ ...(core.handlers['targets.get'](req) as Target), password: 'hunter2' }),
        'targets.remove': () => ({ removed: true as const, sql: 'DELETE FROM targets' }),
      },
      { log: () => undefined },
    )
    const got = await leaky.invoke('targets.get', { id: t.id })
    expect(got).toEqual({ ok: true, data: t })
    expect(JSON.stringify(got)).not.toContain('hunter2')
    expect(await leaky.invoke('targets.remove', { id: t.id })).toEqual({ ok: true, data: { removed: true } })
    expect(await dispatcher.invoke('targets.get', { id: t.id })).toEqual({ ok: true, data: t })
  })

  it('refuses to send a response that breaks the contract, as an internal error', async () => {
    const { dispatcher, logged } = dispatcherWith({
      'targets.labels': () => ({ tags: 'prod' }) as unknown as { tags: string[]; groups: string[] },
    })
    const env = await dispatcher.invoke('targets.labels', {})
    expect(env).toMatchObject({ ok: false, error: { code: 'internal' } })
    expect(logged[0]?.msg).toBe('handler failed')
  })

  it('answers every channel of the contract with an envelope, even for an empty payload', async () => {
    const core = cores.open()
    for (const channel of CHANNELS) {
      const env = await core.invoke(channel, {})
      expect(typeof env.ok, channel).toBe('boolean')
    }
  })
})

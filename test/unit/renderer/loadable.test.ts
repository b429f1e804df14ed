// The store's server state says loading, ready or failed (with the reason), keeps the last good answer while
// reloading or after a failed reload, drops answers that a newer request overtook, and turns a failed action
// into a toast that says what failed and why.
import { describe, expect, it } from 'vitest'
import {
  attempt,
  errorText,
  failed,
  fieldIssues,
  idle,
  keyedLoader,
  loading,
  ready,
  type Loadable,
} from '../../../src-renderer/stores/loadable'

function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('error text', () => {
  it('is the error message, or words saying the reason is unknown, never empty', () => {
    expect(errorText(new Error('Vault is locked'))).toBe('Vault is locked')
    expect(errorText('Connection refused')).toBe('Connection refused')
    expect(errorText(new Error('  '))).toBe('The request failed for an unknown reason')
    expect(errorText({ weird: true })).toBe('The request failed for an unknown reason')
    expect(errorText(undefined)).toBe('The request failed for an unknown reason')
  })

  it('reads the field at fault from a failed call, and nothing from other errors', () => {
    const err = Object.assign(new Error('Invalid request'), {
      issues: [
        { path: 'config.url', message: 'URL must start with https://' },
        { path: 'name', message: 'Name is required' },
      ],
    })
    expect(fieldIssues(err)).toEqual({
      'config.url': 'URL must start with https://',
      name: 'Name is required',
    })
    expect(fieldIssues(new Error('boom'))).toEqual({})
    expect(fieldIssues(null)).toEqual({})
  })
})

describe('loadable states', () => {
  it('keeps the last good answer while loading and after a failure, with the reason', () => {
    const first = ready(['a'])
    expect(loading(first)).toEqual({ state: 'loading', data: ['a'], error: '' })
    expect(failed(loading(first), new Error('HTTP 500'))).toEqual({
      state: 'error',
      data: ['a'],
      error: 'HTTP 500',
    })
    expect(failed(idle<string[]>(), new Error('offline'))).toEqual({
      state: 'error',
      data: null,
      error: 'offline',
    })
  })
})

describe('keyed loader', () => {
  const store = () => {
    let map: Record<string, Loadable<string>> = {}
    const load = keyedLoader(
      () => map,
      (next) => (map = next),
    )
    return { load, get: () => map }
  }

  it('shows loading, then the answer, per key', async () => {
    const s = store()
    const d = deferred<string>()
    const done = s.load('a', () => d.promise)
    expect(s.get().a?.state).toBe('loading')
    d.resolve('profiles of a')
    await done
    expect(s.get().a).toEqual({ state: 'ready', data: 'profiles of a', error: '' })
    expect(s.get().b).toBeUndefined()
  })

  it('drops an answer that a newer request for the same key overtook', async () => {
    const s = store()
    const slow = deferred<string>()
    const fast = deferred<string>()
    const first = s.load('t', () => slow.promise)
    const second = s.load('t', () => fast.promise)
    fast.resolve('new')
    await second
    slow.resolve('old')
    await first
    expect(s.get().t?.data).toBe('new')
  })

  it('records a failure with its reason and keeps the previous answer', async () => {
    const s = store()
    await s.load('t', async () => 'v1')
    await s.load('t', async () => {
      throw new Error('The vault is locked')
    })
    expect(s.get().t).toEqual({ state: 'error', data: 'v1', error: 'The vault is locked' })
  })
})

describe('attempt', () => {
  it('toasts what failed and why, and answers false', async () => {
    const toasts: [string, string][] = []
    const ok = await attempt(
      (kind, text) => toasts.push([kind, text]),
      'Could not remove the schedule',
      async () => {
        throw new Error('Schedule not found')
      },
    )
    expect(ok).toBe(false)
    expect(toasts).toEqual([['error', 'Could not remove the schedule: Schedule not found']])
  })

  it('answers true and says nothing when the action worked', async () => {
    const toasts: string[] = []
    expect(
      await attempt(
        (_k, t) => toasts.push(t),
        'x',
        async () => 1,
      ),
    ).toBe(true)
    expect(toasts).toEqual([])
  })
})

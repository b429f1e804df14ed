// Covers the Electron IPC edge with a plain IpcMain-like object: every contract channel is bound under "dw:",
// only our own top-level page reaches the core, malformed payloads come back as validation envelopes,
// and core events are forwarded to the window.
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { WebContents } from 'electron'
import { bindIpc, forwardEvents } from '../../src-main/electron/ipc'
import { isTrustedUrl, setAppOrigin } from '../../src-main/electron/security'
import { CHANNELS, IPC_EVENT, IPC_PREFIX } from '../../src-preload/contract'
import { call, useCores } from '../helpers/core'

// ipc.ts and security.ts may take only types from electron, so they load under plain Node; a runtime
// import of electron would run this factory and fail the whole file.
vi.mock('electron', () => {
  throw new Error('the IPC edge imported electron at runtime; import only its types')
})

import { fakeIpcMain } from '../helpers/ipc'

const cores = useCores()
const APP = 'app://driftwatch'

const top = (url = `${APP}/index.html`) => ({ url, parent: null })
const forbidden = {
  ok: false,
  error: { code: 'forbidden', message: 'IPC from an untrusted frame was refused', issues: [] },
}

afterEach(() => setAppOrigin('file://'))

function bound() {
  setAppOrigin(APP)
  const core = cores.open({ face: 'desktop' })
  const ipc = fakeIpcMain()
  const unbind = bindIpc(ipc, core)
  return { core, ipc, unbind }
}

describe('bindIpc', () => {
  it('registers exactly the contract channels, each with the dw: prefix, and unbinds them all', () => {
    const { ipc, unbind } = bound()
    expect([...ipc.handlers.keys()].sort()).toEqual(CHANNELS.map((c) => IPC_PREFIX + c).sort())
    expect(IPC_PREFIX).toBe('dw:')
    unbind()
    expect(ipc.handlers.size).toBe(0)
  })

  it('lets our own top-level page reach the core and returns its envelope', async () => {
    const { core, ipc } = bound()
    const created = await ipc.invoke(
      'dw:targets.create',
      { target: { kind: 'ssh', name: 'web-1', host: '10.0.0.5', user: 'auditor' } },
      top(),
    )
    expect(created).toMatchObject({ ok: true, data: { name: 'web-1', port: 22 } })
    expect((await call(core, 'targets.list', {})).total).toBe(1)
    expect(await ipc.invoke('dw:app.info', {}, top(`${APP}/index.html#/targets`))).toMatchObject({
      ok: true,
      data: { face: 'desktop' },
    })
  })

  it('refuses a subframe of our own page', async () => {
    const { core, ipc } = bound()
    const payload = { target: { kind: 'local', name: 'from iframe' } }
    expect(await ipc.invoke('dw:targets.create', payload, { url: `${APP}/index.html`, parent: {} })).toEqual(
      forbidden,
    )
    expect((await call(core, 'targets.list', {})).total).toBe(0)
  })

  it.each([
    'https://evil.example/',
    'app://driftwatch.evil.example/index.html',
    'app://evil/index.html',
    'file:///home/alice/Downloads/page.html',
    'about:blank',
    'not a url',
    '',
  ])('refuses a top-level page at %j', async (url) => {
    const { core, ipc } = bound()
    expect(await ipc.invoke('dw:targets.remove', { id: 'x' }, top(url))).toEqual(forbidden)
    expect(await ipc.invoke('dw:targets.create', { target: { kind: 'local', name: 'x' } }, top(url))).toEqual(
      forbidden,
    )
    expect((await call(core, 'targets.list', {})).total).toBe(0)
  })

  it('refuses a call whose frame is gone', async () => {
    const { ipc } = bound()
    expect(await ipc.invoke('dw:targets.list', {}, null)).toEqual(forbidden)
  })

  it('answers a malformed payload with a validation envelope instead of throwing', async () => {
    const { ipc } = bound()
    for (const payload of [null, 'web-1', [1, 2], { target: { kind: 10n } }, { id: { $ne: null } }]) {
      const env = await ipc.invoke('dw:targets.get', payload, top())
      expect(env).toMatchObject({ ok: false, error: { code: 'validation' } })
    }
    const env = await ipc.invoke(
      'dw:targets.create',
      { target: { kind: 'ssh', name: 'x', port: 70000 } },
      top(),
    )
    expect(env).toMatchObject({ ok: false, error: { code: 'validation' } })
    expect(env.ok || env.error.issues).toContainEqual({
      path: 'target.port',
      message: 'Port must be between 1 and 65535',
    })
  })
})

describe('trusted URLs', () => {
  it('trusts only pages on the app origin, comparing scheme and host exactly', () => {
    setAppOrigin(APP)
    expect(isTrustedUrl('app://driftwatch/index.html')).toBe(true)
    expect(isTrustedUrl('app://driftwatch/assets/x.js?v=1#/')).toBe(true)
    expect(isTrustedUrl('app://driftwatchx/index.html')).toBe(false)
    expect(isTrustedUrl('app://driftwatch.evil.example/')).toBe(false)
    expect(isTrustedUrl('https://driftwatch/index.html')).toBe(false)
  })

  it('in development, trusts the dev server but not look-alike hosts that start with its address', () => {
    setAppOrigin('http://localhost:5173')
    expect(isTrustedUrl('http://localhost:5173/')).toBe(true)
    expect(isTrustedUrl('http://localhost:5173.evil.example/')).toBe(false)
    expect(isTrustedUrl('http://localhost:5173@evil.example/')).toBe(false)
    expect(isTrustedUrl('http://localhost:51730/')).toBe(false)
    expect(isTrustedUrl('https://localhost:5173/')).toBe(false)
  })
})

describe('forwardEvents', () => {
  function fakeWindow(destroyed = false) {
    const sent: unknown[][] = []
    const wc = { send: (...args: unknown[]) => sent.push(args), isDestroyed: () => destroyed }
    return { sent, wc: wc as unknown as WebContents }
  }

  it('sends every core event to the window on dw:event, until stopped', async () => {
    const core = cores.open({ face: 'desktop' })
    const win = fakeWindow()
    const stop = forwardEvents(core, () => win.wc)
    const t = await call(core, 'targets.create', { target: { kind: 'local', name: 'a' } })
    stop()
    await call(core, 'targets.remove', { id: t.id })
    expect(win.sent).toEqual([[IPC_EVENT, 'targets.changed', { ids: [t.id], reason: 'created' }]])
  })

  it('skips a window that is closed or destroyed without failing the call', async () => {
    const core = cores.open({ face: 'desktop' })
    const gone = fakeWindow(true)
    forwardEvents(core, () => undefined)
    forwardEvents(core, () => gone.wc)
    expect(await core.invoke('targets.create', { target: { kind: 'local', name: 'a' } })).toMatchObject({
      ok: true,
    })
    expect(gone.sent).toEqual([])
  })
})

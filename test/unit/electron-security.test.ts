// The desktop window's walls, under plain Node: the options every window is built with, and what lockDown and
// lockDownSession do when a page tries to navigate away, open windows or links, attach a <webview> or ask
// for a permission. The WebContents and Session here are small EventEmitter stand-ins for the Electron
// binary, which this machine cannot run; they emit exactly the events and take exactly the handlers
// Electron's do (names and argument shapes from electron.d.ts), and the code under test is the app's own.
import { EventEmitter } from 'node:events'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron'
import {
  createMainWindow,
  createReportWindow,
  isOpenableExternally,
  lockDown,
  lockDownSession,
  setAppOrigin,
  USER_ACTIVATION_MS,
} from '../../src-main/electron/security'
import { CSP } from '../../src-main/server/http'
import { ROOT } from '../helpers/cli'

// security.ts may take only types from electron; a runtime import would run this factory and fail the file.
vi.mock('electron', () => {
  throw new Error('security.ts imported electron at runtime; import only its types')
})

const APP = 'app://driftwatch'
afterEach(() => setAppOrigin('file://'))

/** Records the options a window was built with, as BrowserWindow would receive them. */
class RecordingWindow {
  constructor(readonly options: BrowserWindowConstructorOptions) {}
}

function cancellable(extra: object = {}) {
  return {
    ...extra,
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true
    },
  }
}

type OpenHandler = (details: { url: string; disposition: string }) => { action: string }

function fakeContents() {
  const emitter = new EventEmitter()
  let openHandler: OpenHandler | undefined
  const contents = Object.assign(emitter, {
    setWindowOpenHandler(h: OpenHandler) {
      openHandler = h
    },
  })
  return {
    contents: contents as unknown as WebContents,
    /** Fires a cancellable event as Electron would; true if a handler refused it. */
    refused(event: string, url?: string): boolean {
      const e = cancellable(event === 'will-frame-navigate' ? { url, isMainFrame: false } : {})
      if (event === 'will-frame-navigate' || event === 'will-attach-webview') emitter.emit(event, e, {}, {})
      else emitter.emit(event, e, url)
      return e.defaultPrevented
    },
    input(type: string) {
      emitter.emit('input-event', cancellable(), { type })
    },
    windowOpen(url: string) {
      if (!openHandler) throw new Error('no window-open handler was set')
      return openHandler({ url, disposition: 'foreground-tab' })
    },
  }
}

describe('window options', () => {
  const WALLS = {
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    disableBlinkFeatures: 'Auxclick',
  }

  it('builds the main window sandboxed and isolated, without Node, insecure content or middle-click', () => {
    const win = createMainWindow(RecordingWindow, '/app/out/preload/index.cjs')
    expect(win.options.webPreferences).toMatchObject({ ...WALLS, preload: '/app/out/preload/index.cjs' })
    expect(win.options.show).toBe(false)
  })

  it('builds the hidden PDF window with the same walls and no preload at all', () => {
    const win = createReportWindow(RecordingWindow)
    expect(win.options.webPreferences).toMatchObject(WALLS)
    expect(win.options.webPreferences).not.toHaveProperty('preload')
    expect(win.options.show).toBe(false)
  })

  it('is the only place in the app that builds a window', () => {
    // Every BrowserWindow comes from security.ts, so the options above are every window's options.
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
        d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
      )
    const builders = files(join(ROOT, 'src-main'))
      .filter((f) => /new\s+(BrowserWindow|BrowserView|WebContentsView)\s*\(/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f))
    expect(builders).toEqual(['src-main/electron/security.ts'])
    const main = readFileSync(join(ROOT, 'src-main/electron/main.ts'), 'utf8')
    expect(main).toMatch(/createMainWindow\(BrowserWindow, /)
    expect(main).toMatch(/lockDownSession\(session\.defaultSession\)/)
    expect(main).toMatch(
      /app\.on\('web-contents-created', \(_e, contents\) => lockDown\(contents, openExternal\)\)/,
    )
    // The OS gets addresses only through open-external.ts, which only lockDown's handler is handed.
    const openers = files(join(ROOT, 'src-main'))
      .filter((f) => /\.openExternal\(/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f))
    expect(openers).toEqual(['src-main/electron/open-external.ts'])
    expect(readFileSync(join(ROOT, 'src-main/electron/print-pdf.ts'), 'utf8')).toMatch(
      /createReportWindow\(BrowserWindow\)/,
    )
  })
})

describe('lockDown', () => {
  function locked() {
    setAppOrigin(APP)
    const fake = fakeContents()
    const opened: string[] = []
    let clock = 1_000_000
    lockDown(
      fake.contents,
      (url) => opened.push(url),
      () => clock,
    )
    return { ...fake, opened, advance: (ms: number) => (clock += ms) }
  }

  it('refuses navigation and redirects to any other origin, and allows our own page', () => {
    const c = locked()
    for (const url of [
      'https://evil.example/',
      'http://127.0.0.1:9/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'app://driftwatch.evil.example/index.html',
      'data:text/html,<script>alert(1)</script>',
    ]) {
      expect(c.refused('will-navigate', url), url).toBe(true)
      expect(c.refused('will-redirect', url), url).toBe(true)
      expect(c.refused('will-frame-navigate', url), url).toBe(true)
    }
    expect(c.refused('will-navigate', `${APP}/index.html#/targets`)).toBe(false)
    expect(c.refused('will-redirect', `${APP}/report.html`)).toBe(false)
  })

  it('refuses to attach a <webview>', () => {
    expect(locked().refused('will-attach-webview')).toBe(true)
  })

  it('denies every new window, whatever the address', () => {
    const c = locked()
    c.input('mouseUp')
    for (const url of ['https://github.com/', `${APP}/index.html`, 'about:blank', 'http://example.com/'])
      expect(c.windowOpen(url)).toEqual({ action: 'deny' })
  })

  it('opens only https links the user just clicked, one per click', () => {
    const c = locked()
    // No click yet: a script's window.open reaches nothing.
    c.windowOpen('https://github.com/ComplianceAsCode/content')
    expect(c.opened).toEqual([])
    // Mouse movement is not a click.
    c.input('mouseMove')
    c.windowOpen('https://github.com/ComplianceAsCode/content')
    expect(c.opened).toEqual([])

    c.input('mouseUp')
    c.windowOpen('https://github.com/ComplianceAsCode/content')
    expect(c.opened).toEqual(['https://github.com/ComplianceAsCode/content'])
    // The click is spent: a second window.open from the same click opens nothing.
    c.windowOpen('https://github.com/other')
    expect(c.opened).toHaveLength(1)

    // A click, then not https (or credentials in the URL, or our own origin): refused, click kept.
    c.input('mouseUp')
    for (const url of [
      'http://github.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://evil.example/share',
      'https://user:secret@evil.example/',
      `${APP}/index.html`,
    ])
      c.windowOpen(url)
    expect(c.opened).toHaveLength(1)

    // Enter on a focused link counts as a click; it lapses after Chromium's user-activation span.
    c.input('keyDown')
    c.advance(USER_ACTIVATION_MS + 1)
    c.windowOpen('https://late.example/')
    expect(c.opened).toHaveLength(1)
    c.input('keyDown')
    c.advance(USER_ACTIVATION_MS - 1)
    c.windowOpen('https://nist.gov/')
    expect(c.opened).toEqual(['https://github.com/ComplianceAsCode/content', 'https://nist.gov/'])
  })

  it('hands the OS https addresses only, never our own origin or one with credentials', () => {
    setAppOrigin(APP)
    expect(isOpenableExternally('https://csrc.nist.gov/')).toBe(true)
    expect(isOpenableExternally('HTTPS://CSRC.NIST.GOV/')).toBe(true)
    expect(isOpenableExternally('http://csrc.nist.gov/')).toBe(false)
    expect(isOpenableExternally(' javascript:alert(1)')).toBe(false)
    expect(isOpenableExternally('https://a:b@csrc.nist.gov/')).toBe(false)
    expect(isOpenableExternally('not a url')).toBe(false)
    setAppOrigin('https://localhost:5173')
    expect(isOpenableExternally('https://localhost:5173/#/targets')).toBe(false)
  })
})

describe('lockDownSession', () => {
  type RequestHandler = (wc: unknown, permission: string, callback: (granted: boolean) => void) => void
  type CheckHandler = (wc: unknown, permission: string, origin: string) => boolean
  type HeadersHandler = (
    details: { responseHeaders?: Record<string, string[]> },
    callback: (r: { responseHeaders?: Record<string, string[]> }) => void,
  ) => void

  function lockedSession() {
    const s = {
      request: undefined as RequestHandler | undefined,
      check: undefined as CheckHandler | undefined,
      headers: undefined as HeadersHandler | undefined,
    }
    const session = {
      setPermissionRequestHandler: (h: RequestHandler) => (s.request = h),
      setPermissionCheckHandler: (h: CheckHandler) => (s.check = h),
      webRequest: { onHeadersReceived: (h: HeadersHandler) => (s.headers = h) },
    }
    lockDownSession(session as unknown as Session)
    return s
  }

  it('denies every permission request and check', () => {
    const s = lockedSession()
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const granted: boolean[] = []
      s.request!({}, permission, (g) => granted.push(g))
      expect(granted, permission).toEqual([false])
      expect(s.check!({}, permission, APP), permission).toBe(false)
    }
  })

  it('puts our Content-Security-Policy on every response, replacing none of the other headers', () => {
    const s = lockedSession()
    let out: Record<string, string[]> | undefined
    s.headers!({ responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => (out = r.responseHeaders))
    expect(out).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [CSP] })
    expect(CSP).toContain("script-src 'self'")
    expect(CSP).toContain("default-src 'none'")
  })
})

// Security rules for every window: the options each window is built with, what counts as our own page, and
// the handlers that refuse the rest. Only types come from electron, so all of it is tested under plain Node.
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron'
import { CSP } from '../server/http'

let appOrigin = 'file://'
export function setAppOrigin(origin: string): void {
  appOrigin = origin
}

export function isTrustedUrl(url: string): boolean {
  // Compare scheme and host exactly: a prefix test would trust http://localhost:5173.evil.example or
  // http://localhost:5173@evil.example. (URL.origin is "null" for custom schemes such as app:, so build it.)
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  return `${u.protocol}//${u.host}` === appOrigin
}

/** Anything that builds a window from options: Electron's BrowserWindow in the app, a recorder in tests. */
export type WindowConstructor<W> = new (options: BrowserWindowConstructorOptions) => W

// The options are written out inside `new BrowserWindow({...})` (not returned from a helper) so that
// electronegativity, which reads only the literal at the constructor call, checks the very options used.

/** The app's one window: our page with the narrow preload bridge, sandboxed and isolated. */
export function createMainWindow<W>(BrowserWindow: WindowConstructor<W>, preload: string): W {
  return new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 560,
    show: false,
    title: 'Driftwatch',
    webPreferences: {
      preload,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      // Middle-click (auxclick) would open a link in a new window without passing the window-open handler.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  })
}

/** The hidden window that prints the report page to PDF: no preload at all, otherwise the same walls. */
export function createReportWindow<W>(BrowserWindow: WindowConstructor<W>): W {
  return new BrowserWindow({
    show: false,
    webPreferences: {
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  })
}

/** How long a click or key press counts as the user asking for a link (Chromium's user-activation span). */
export const USER_ACTIVATION_MS = 5_000
const ACTIVATING_INPUT = new Set(['mouseUp', 'keyDown', 'rawKeyDown', 'gestureTap'])

/** An https address outside our own origin, with no credentials in it: the only kind handed to the OS. */
export function isOpenableExternally(url: string): boolean {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  return u.protocol === 'https:' && !u.username && !u.password && !isTrustedUrl(url)
}

/**
 * Refuse navigation away from our page, every new window and <webview>. A window.open or target=_blank link
 * to an https address goes to the system browser only right after a real click or key press in the page, and
 * each such input opens at most one link, so a script cannot open tabs on its own.
 */
export function lockDown(
  contents: WebContents,
  openExternal: (url: string) => void,
  now: () => number = Date.now,
): void {
  let activatedAt = -Infinity
  contents.on('input-event', (_event, input) => {
    if (ACTIVATING_INPUT.has(input.type)) activatedAt = now()
  })
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedUrl(url)) event.preventDefault()
  })
  contents.on('will-frame-navigate', (event) => {
    if (!isTrustedUrl(event.url)) event.preventDefault()
  })
  contents.on('will-redirect', (event, url) => {
    if (!isTrustedUrl(url)) event.preventDefault()
  })
  contents.setWindowOpenHandler(({ url }) => {
    if (isOpenableExternally(url) && now() - activatedAt <= USER_ACTIVATION_MS) {
      activatedAt = -Infinity
      openExternal(url)
    }
    return { action: 'deny' }
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

/** Deny every permission (camera, notifications, clipboard...) and put our CSP on every response. */
export function lockDownSession(session: Session): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } })
  })
}

// Security rules for every window: what counts as our own page, and the handlers that refuse the rest.
import type { Session, WebContents } from 'electron'
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

/** Refuse navigation, new windows and permission requests; links open in the browser only on https. */
export function lockDown(contents: WebContents, openExternal: (url: string) => void): void {
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedUrl(url)) event.preventDefault()
  })
  contents.on('will-redirect', (event, url) => {
    if (!isTrustedUrl(url)) event.preventDefault()
  })
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) openExternal(url)
    return { action: 'deny' }
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

export function lockDownSession(session: Session): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } })
  })
}

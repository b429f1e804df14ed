// The network between a page and `driftwatch serve`, made breakable: an HTTP proxy on 127.0.0.1 that forwards
// each request to serve (with serve's own Host and Origin, which it checks), and can cut the event streams
// open through it and refuse new ones, as a dropped Wi-Fi or a sleeping laptop would.
import { createServer, request, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Served } from './support'

export interface CutProxy {
  /** The app's address through the proxy (token included). */
  url: string
  /** true: every event stream open through the proxy is cut, and new ones are refused; false: they pass. */
  down(on: boolean): void
  close(): Promise<void>
}

export async function startCutProxy(app: Served): Promise<CutProxy> {
  const target = new URL(app.origin)
  const streams = new Set<ServerResponse>()
  let isDown = false
  const server = createServer((req, res) => {
    const isStream = req.url === '/api/events'
    if (isDown && isStream) {
      res.socket?.destroy()
      return
    }
    const headers = { ...req.headers, host: target.host }
    if (headers.origin) headers.origin = app.origin
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers)
        if (isStream) {
          streams.add(res)
          res.on('close', () => streams.delete(res))
        }
        up.pipe(res)
      },
    )
    upstream.on('error', () => res.socket?.destroy())
    res.on('close', () => upstream.destroy())
    req.pipe(upstream)
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const { port } = server.address() as AddressInfo
  return {
    url: app.url.replace(app.origin, `http://127.0.0.1:${port}`),
    down(on) {
      isDown = on
      if (on) for (const s of streams) s.socket?.destroy()
    },
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections()
        server.close(() => ok())
      }),
  }
}

// A TCP proxy on 127.0.0.1 for fault tests: put it in front of sshd, PostgreSQL or MariaDB and make the
// network slow (latency), cut it mid-stream (a reset after N bytes, or now), or stall it (nothing forwarded
// while both sockets stay open, as a dead NAT or a frozen host looks from the client).
import net from 'node:net'

export interface TcpProxy {
  host: string
  port: number
  /** Delay added to every chunk in each direction, order kept. */
  latency(ms: number): void
  /**
   * Resets (TCP RST) the connection that carries the Nth byte forwarded from now on, in either direction,
   * counted over all connections; fires once, then forwarding is normal again.
   */
  resetAfter(bytes: number): void
  /** Like resetAfter, but the Nth byte starts a stall (see stall) instead of a reset. */
  stallAfter(bytes: number): void
  /** Resets every open connection now. */
  resetAll(): void
  /** true: forward nothing (data is held, sockets stay open), new connections included; false: resume. */
  stall(on: boolean): void
  /** Bytes forwarded so far, both directions, all connections. */
  readonly bytes: number
  /** Connections accepted so far. */
  readonly accepted: number
  /** Connections still open. */
  readonly open: number
  close(): Promise<void>
}

interface Pipe {
  client: net.Socket
  server: net.Socket
}

export function startTcpProxy(target: { host?: string; port: number }): Promise<TcpProxy> {
  const targetHost = target.host ?? '127.0.0.1'
  let latencyMs = 0
  let resetAt: number | null = null
  let stallAt: number | null = null
  let stalled = false
  let bytes = 0
  let accepted = 0
  const pipes = new Set<Pipe>()
  // Held while stalled, released in order on resume.
  const held: (() => void)[] = []

  const reset = (p: Pipe) => {
    pipes.delete(p)
    p.client.resetAndDestroy()
    p.server.resetAndDestroy()
  }

  const forward = (p: Pipe, from: net.Socket, to: net.Socket) => {
    // Delayed chunks wait in one queue per direction, drained by one timer at a time, so they leave in the
    // order they came. (A timer per chunk could reorder them: Node measures a timer from the event loop's
    // cached clock, not from Date.now(), so a later chunk's timer could fire first, and a reordered SSH
    // stream fails its integrity check: the connection is cut.)
    const queue: { at: number; fn: () => void }[] = []
    let timer: NodeJS.Timeout | null = null
    const drain = () => {
      timer = null
      for (let next = queue[0]; next && next.at <= Date.now(); next = queue[0]) {
        queue.shift()
        if (stalled) held.push(next.fn)
        else next.fn()
      }
      if (queue[0]) timer = setTimeout(drain, Math.max(1, queue[0].at - Date.now()))
    }
    const deliver = (fn: () => void) => {
      // Behind earlier chunks still waiting out their latency, a chunk waits its turn even when stalled.
      if (stalled && queue.length === 0) return void held.push(fn)
      if (latencyMs <= 0 && queue.length === 0) return fn()
      const at = Date.now() + Math.max(0, latencyMs)
      queue.push({ at, fn })
      // The queue was empty or its timer is set for an earlier chunk.
      timer ??= setTimeout(drain, Math.max(1, at - Date.now()))
    }
    from.on('data', (chunk: Buffer) =>
      deliver(() => {
        if (!pipes.has(p)) return
        if (resetAt !== null && bytes + chunk.length >= resetAt) {
          // Forward the bytes before the cut, so the peer sees a stream broken mid-message.
          const keep = resetAt - bytes
          resetAt = null
          bytes += keep
          if (keep > 0) to.write(chunk.subarray(0, keep))
          setImmediate(() => reset(p))
          return
        }
        if (stallAt !== null && bytes + chunk.length >= stallAt) {
          const keep = stallAt - bytes
          stallAt = null
          bytes += keep
          if (keep > 0) to.write(chunk.subarray(0, keep))
          stalled = true
          const rest = chunk.subarray(keep)
          held.push(() => {
            if (!pipes.has(p)) return
            bytes += rest.length
            to.write(rest)
          })
          return
        }
        bytes += chunk.length
        to.write(chunk)
      }),
    )
    from.on('end', () => deliver(() => pipes.has(p) && to.end()))
  }

  const server = net.createServer((client) => {
    accepted++
    const upstream = net.connect({ host: targetHost, port: target.port })
    const p: Pipe = { client, server: upstream }
    pipes.add(p)
    const gone = () => {
      if (!pipes.delete(p)) return
      client.destroy()
      upstream.destroy()
    }
    for (const s of [client, upstream]) {
      s.on('error', gone)
      s.on('close', gone)
    }
    forward(p, client, upstream)
    forward(p, upstream, client)
  })

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      resolve({
        host: '127.0.0.1',
        port,
        latency: (ms) => void (latencyMs = ms),
        resetAfter: (n) => void (resetAt = bytes + n),
        stallAfter: (n) => void (stallAt = bytes + n),
        resetAll: () => {
          for (const p of [...pipes]) reset(p)
        },
        stall(on) {
          stalled = on
          if (!on) for (const fn of held.splice(0)) fn()
        },
        get bytes() {
          return bytes
        },
        get accepted() {
          return accepted
        },
        get open() {
          return pipes.size
        },
        close: () =>
          new Promise<void>((done) => {
            held.length = 0
            for (const p of [...pipes]) {
              pipes.delete(p)
              p.client.destroy()
              p.server.destroy()
            }
            server.close(() => done())
          }),
      })
    })
  })
}

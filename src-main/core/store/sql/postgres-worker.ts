// The worker thread that holds a process's one PostgreSQL connection (see postgres.ts). It is plain CommonJS
// run with `eval`, so it needs no file of its own in the built app; `pg` is resolved by the caller.
//
// Types come back as the SQLite store returns them: int8 and numeric as numbers (counts, sizes and epoch
// milliseconds are far below 2^53; a larger value is an error, not a silent rounding), bytea as a Buffer.
export const WORKER_SOURCE = String.raw`
const { workerData } = require('node:worker_threads')
const pg = require(workerData.pgPath)
const { flag, port } = workerData
const toNumber = (text) => {
  const n = Number(text)
  if (!Number.isSafeInteger(n) && Number.isInteger(n)) throw new Error('integer out of range: ' + text)
  return n
}
const types = {
  getTypeParser(oid, format) {
    if (oid === 20 || oid === 1700) return toNumber
    return pg.types.getTypeParser(oid, format)
  },
}
const client = new pg.Client({
  connectionString: workerData.url,
  application_name: workerData.applicationName,
  types,
})
let broken
client.on('error', (err) => (broken = err))
const send = (reply) => {
  port.postMessage(reply)
  Atomics.store(flag, 0, 1)
  Atomics.notify(flag, 0)
}
const fail = (err) => ({ ok: false, message: String(err && err.message || err), code: err && err.code, detail: err && err.detail })
const bytes = (v) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v)
port.on('message', async (msg) => {
  try {
    if (broken) throw broken
    if (msg.op === 'connect') {
      await client.connect()
      send({ ok: true, rows: [], changes: 0 })
    } else if (msg.op === 'end') {
      await client.end()
      send({ ok: true, rows: [], changes: 0 })
      port.close()
    } else {
      const r = await client.query({ text: msg.sql, values: msg.params.map(bytes) })
      const last = Array.isArray(r) ? r[r.length - 1] : r
      send({ ok: true, rows: last.rows || [], changes: last.rowCount || 0 })
    }
  } catch (err) {
    send(fail(err))
  }
})
`

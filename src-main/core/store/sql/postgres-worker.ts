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
// The reply carries its statement's number, and the flag is set to that number after the reply is posted:
// the caller waits for its own number (see sync-channel.ts), so a late wake-up meant for an earlier statement
// cannot hand it a missing or wrong answer.
const send = (seq, reply) => {
  port.postMessage({ ...reply, seq })
  Atomics.store(flag, 0, seq)
  Atomics.notify(flag, 0)
}
const fail = (err) => ({ ok: false, message: String(err && err.message || err), code: err && err.code, detail: err && err.detail })
const bytes = (v) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v)
port.on('message', async (msg) => {
  const { seq } = msg
  try {
    if (broken) throw broken
    if (msg.op === 'connect') {
      await client.connect()
      send(seq, { ok: true, rows: [], changes: 0 })
    } else if (msg.op === 'end') {
      await client.end()
      send(seq, { ok: true, rows: [], changes: 0 })
      port.close()
    } else {
      const r = await client.query({ text: msg.sql, values: msg.params.map(bytes) })
      const last = Array.isArray(r) ? r[r.length - 1] : r
      send(seq, { ok: true, rows: last.rows || [], changes: last.rowCount || 0 })
    }
  } catch (err) {
    send(seq, fail(err))
  }
})
`

// A small zip writer for tests that need malformed archives: each member's local header and central-directory
// record can be told different things (name, method, sizes, CRC, flags, offset), and bytes can be put before,
// between and after the members.
import { crc32, deflateRawSync } from 'node:zlib'

export interface HeaderFields {
  name: string
  method: number
  flags: number
  crc: number
  csize: number
  usize: number
}

export interface Member {
  name: string
  data: Uint8Array
  /** Deflate the data (default: store it). */
  deflate?: boolean
  /** Sizes and CRC after the data (flag bit 3), as streaming writers do. */
  descriptor?: Partial<Pick<HeaderFields, 'crc' | 'csize' | 'usize'>> | true
  local?: Partial<HeaderFields>
  central?: Partial<HeaderFields> & { offset?: number; externalAttr?: number; madeBy?: number }
  /** Write only its central-directory record (its offset points at bytes written for another member). */
  centralOnly?: boolean
  /** Bytes written right after this member's data (a gap the central directory does not account for). */
  after?: Uint8Array
}

export interface ZipLayout {
  before?: Uint8Array
  beforeCentral?: Uint8Array
  after?: Uint8Array
}

/** The bytes of one local record (header, name, data, optional descriptor), as buildZip writes it. */
export function localRecord(m: Member): Buffer {
  const raw = Buffer.from(m.data)
  const body = m.deflate ? deflateRawSync(raw) : raw
  const real: HeaderFields = {
    name: m.name,
    method: m.deflate ? 8 : 0,
    flags: 0x0800 | (m.descriptor ? 0x08 : 0),
    crc: crc32(raw) >>> 0,
    csize: body.length,
    usize: raw.length,
  }
  const l = { ...real, ...(m.descriptor ? { crc: 0, csize: 0, usize: 0 } : {}), ...m.local }
  const name = Buffer.from(l.name, 'utf8')
  const h = Buffer.alloc(30)
  h.writeUInt32LE(0x04034b50, 0)
  h.writeUInt16LE(20, 4)
  h.writeUInt16LE(l.flags, 6)
  h.writeUInt16LE(l.method, 8)
  h.writeUInt16LE(0, 10)
  h.writeUInt16LE(0x21, 12)
  h.writeUInt32LE(l.crc >>> 0, 14)
  h.writeUInt32LE(l.csize, 18)
  h.writeUInt32LE(l.usize, 22)
  h.writeUInt16LE(name.length, 26)
  h.writeUInt16LE(0, 28)
  const parts = [h, name, body]
  if (m.descriptor) {
    const d = { ...real, ...(m.descriptor === true ? {} : m.descriptor) }
    const dd = Buffer.alloc(16)
    dd.writeUInt32LE(0x08074b50, 0)
    dd.writeUInt32LE(d.crc >>> 0, 4)
    dd.writeUInt32LE(d.csize, 8)
    dd.writeUInt32LE(d.usize, 12)
    parts.push(dd)
  }
  return Buffer.concat(parts)
}

function centralRecord(m: Member, offset: number): Buffer {
  const raw = Buffer.from(m.data)
  const body = m.deflate ? deflateRawSync(raw) : raw
  const c = {
    name: m.name,
    method: m.deflate ? 8 : 0,
    flags: 0x0800 | (m.descriptor ? 0x08 : 0),
    crc: crc32(raw) >>> 0,
    csize: body.length,
    usize: raw.length,
    offset,
    externalAttr: 0,
    madeBy: 20,
    ...m.central,
  }
  const name = Buffer.from(c.name, 'utf8')
  const h = Buffer.alloc(46)
  h.writeUInt32LE(0x02014b50, 0)
  h.writeUInt16LE(c.madeBy, 4)
  h.writeUInt16LE(20, 6)
  h.writeUInt16LE(c.flags, 8)
  h.writeUInt16LE(c.method, 10)
  h.writeUInt16LE(0, 12)
  h.writeUInt16LE(0x21, 14)
  h.writeUInt32LE(c.crc >>> 0, 16)
  h.writeUInt32LE(c.csize, 20)
  h.writeUInt32LE(c.usize, 24)
  h.writeUInt16LE(name.length, 28)
  h.writeUInt32LE(c.externalAttr >>> 0, 38)
  h.writeUInt32LE(c.offset, 42)
  return Buffer.concat([h, name])
}

export function buildZip(members: Member[], layout: ZipLayout = {}): Buffer {
  const parts: Buffer[] = []
  let at = 0
  const push = (b: Uint8Array | undefined) => {
    if (!b?.length) return
    parts.push(Buffer.from(b))
    at += b.length
  }
  push(layout.before)
  const offsets: number[] = []
  for (const m of members) {
    offsets.push(at)
    if (m.centralOnly) continue
    push(localRecord(m))
    push(m.after)
  }
  push(layout.beforeCentral)
  const cdStart = at
  for (const [i, m] of members.entries()) push(centralRecord(m, offsets[i]!))
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(members.length, 8)
  end.writeUInt16LE(members.length, 10)
  end.writeUInt32LE(at - cdStart, 12)
  end.writeUInt32LE(cdStart, 16)
  parts.push(end)
  if (layout.after) parts.push(Buffer.from(layout.after))
  return Buffer.concat(parts)
}

// Reads an evidence bundle's zip the strict way: one reading only. A zip says everything twice (a local header
// before each file, a central directory at the end) and unzip tools disagree on which to believe, so a
// tampered copy can hide behind the checked one. Every disagreement, duplicate, unsafe name, link or stray
// byte is refused, each with a message naming the member at fault.
import { crc32, inflateRawSync } from 'node:zlib'

export interface ZipProblem {
  file: string
  message: string
}

export interface StrictZip {
  /** Members by name, in central-directory order; empty when any problem was found. */
  files: Map<string, Uint8Array>
  problems: ZipProblem[]
}

const SIG = { local: 0x04034b50, central: 0x02014b50, end: 0x06054b50, descriptor: 0x08074b50 }
const END_LEN = 22
const CENTRAL_LEN = 46
const LOCAL_LEN = 30
const BUNDLE = '(bundle)'
const S_IFMT = 0o170000
const S_IFREG = 0o100000
const S_IFLNK = 0o120000
const S_IFDIR = 0o040000
const UNIX_HOSTS = new Set([3, 19]) // Unix, OS X
// eslint-disable-next-line no-control-regex -- refusing control characters in names is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/

interface Entry {
  name: string
  nameBytes: Uint8Array
  flags: number
  method: number
  crc: number
  csize: number
  usize: number
  offset: number
  /** First byte after the data and its descriptor, once the local header was read. */
  end: number
  dataStart: number
}

const show = (s: string) => JSON.stringify(s)
const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`

/** Why a member name is unsafe to unpack or ambiguous, or undefined when it is a plain relative file path. */
export function unsafeName(name: string): string | undefined {
  if (name === '') return 'has an empty name'
  if (name.includes('\0')) return 'has a NUL byte in its name'
  if (CONTROL.test(name)) return 'has control characters in its name'
  if (name.includes('\\')) return 'has a backslash in its name (a Windows path separator)'
  if (name.startsWith('/')) return 'is an absolute path'
  if (/^[A-Za-z]:/.test(name)) return 'starts with a drive letter'
  if (name.endsWith('/')) return 'is a folder entry; a bundle holds files only'
  const parts = name.split('/')
  if (parts.includes('..')) return 'climbs out of the bundle with ".."'
  if (parts.some((p) => p === '' || p === '.')) return 'has an empty or "." segment in its path'
  return undefined
}

export function readZipStrictly(zip: Uint8Array): StrictZip {
  const buf = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength)
  const problems: ZipProblem[] = []
  const fail = (message: string): StrictZip => ({ files: new Map(), problems: [{ file: BUNDLE, message }] })

  // The end record: the last one in the file, which must end exactly at the file's end (comment included).
  let endAt = -1
  for (let i = buf.length - END_LEN; i >= Math.max(0, buf.length - END_LEN - 0xffff); i--)
    if (buf.readUInt32LE(i) === SIG.end) {
      endAt = i
      break
    }
  if (endAt < 0)
    return fail('not a readable zip file: no end-of-central-directory record (or it was cut short)')
  const disk = buf.readUInt16LE(endAt + 4)
  const cdDisk = buf.readUInt16LE(endAt + 6)
  const onDisk = buf.readUInt16LE(endAt + 8)
  const count = buf.readUInt16LE(endAt + 10)
  const cdSize = buf.readUInt32LE(endAt + 12)
  const cdOffset = buf.readUInt32LE(endAt + 16)
  const commentLen = buf.readUInt16LE(endAt + 20)
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff)
    return fail('is a ZIP64 archive, which an evidence bundle never is')
  if (disk !== 0 || cdDisk !== 0 || onDisk !== count) return fail('spans several disks (a split archive)')
  const after = buf.length - (endAt + END_LEN + commentLen)
  if (after !== 0)
    return fail(
      after > 0
        ? `has ${after} bytes after the end of the zip (data appended to the archive)`
        : 'its end record says its comment runs past the end of the file',
    )
  if (cdOffset + cdSize !== endAt)
    return fail(
      cdOffset + cdSize < endAt
        ? `has ${endAt - cdOffset - cdSize} unaccounted bytes between the central directory and its end record`
        : 'its central directory, as the end record gives it, runs past the end record',
    )

  // The central directory: exactly `count` records filling exactly cdSize bytes.
  const entries: Entry[] = []
  let p = cdOffset
  const decoder = new TextDecoder('utf-8', { fatal: true })
  for (let n = 0; n < count; n++) {
    if (p + CENTRAL_LEN > endAt || buf.readUInt32LE(p) !== SIG.central)
      return fail(`its central directory is damaged at record ${n + 1} of ${count}`)
    const madeBy = buf.readUInt16LE(p + 4)
    const nameLen = buf.readUInt16LE(p + 28)
    const extraLen = buf.readUInt16LE(p + 30)
    const commentLength = buf.readUInt16LE(p + 32)
    const external = buf.readUInt32LE(p + 38)
    const next = p + CENTRAL_LEN + nameLen + extraLen + commentLength
    if (next > endAt) return fail(`its central directory record ${n + 1} runs past the directory's end`)
    const nameBytes = buf.subarray(p + CENTRAL_LEN, p + CENTRAL_LEN + nameLen)
    let name: string
    try {
      name = decoder.decode(nameBytes)
    } catch {
      problems.push({ file: `(member ${n + 1})`, message: 'has a name that is not valid UTF-8' })
      p = next
      continue
    }
    const entry: Entry = {
      name,
      nameBytes,
      flags: buf.readUInt16LE(p + 8),
      method: buf.readUInt16LE(p + 10),
      crc: buf.readUInt32LE(p + 16),
      csize: buf.readUInt32LE(p + 20),
      usize: buf.readUInt32LE(p + 24),
      offset: buf.readUInt32LE(p + 42),
      end: 0,
      dataStart: 0,
    }
    const mode = external >>> 16
    const why =
      unsafeName(name) ??
      (UNIX_HOSTS.has(madeBy >> 8) && (mode & S_IFMT) === S_IFLNK
        ? 'is a symbolic link'
        : UNIX_HOSTS.has(madeBy >> 8) && (mode & S_IFMT) === S_IFDIR
          ? 'is a folder entry; a bundle holds files only'
          : UNIX_HOSTS.has(madeBy >> 8) && (mode & S_IFMT) !== 0 && (mode & S_IFMT) !== S_IFREG
            ? `is not a regular file (Unix mode ${mode.toString(8)})`
            : (external & 0x10) !== 0
              ? 'is a folder entry; a bundle holds files only'
              : entry.flags & 0x41
                ? 'is encrypted'
                : entry.method !== 0 && entry.method !== 8
                  ? `uses compression method ${entry.method} (only stored and deflated are read)`
                  : entry.method === 0 && entry.csize !== entry.usize
                    ? `is stored uncompressed but its sizes differ (${entry.csize} and ${entry.usize} bytes)`
                    : undefined)
    if (why) problems.push({ file: name, message: why })
    entries.push(entry)
    p = next
  }
  if (p !== endAt)
    problems.push({
      file: BUNDLE,
      message: `its central directory holds ${endAt - p} bytes beyond its ${count} records`,
    })

  // One name, one member: a second copy is what a tool that reads local headers would extract.
  const seen = new Map<string, number>()
  const folded = new Map<string, string>()
  for (const e of entries) seen.set(e.name, (seen.get(e.name) ?? 0) + 1)
  for (const [name, times] of seen) {
    if (times > 1)
      problems.push({
        file: name,
        message: `appears ${times} times in the bundle: one copy can hide another (unzip extracts the first)`,
      })
    const key = name.toLowerCase()
    const other = folded.get(key)
    if (other !== undefined)
      problems.push({
        file: name,
        message: `differs from ${show(other)} only in letter case: one overwrites the other when unpacked on Windows or macOS`,
      })
    else folded.set(key, name)
  }

  // Each local header must repeat what the central directory says.
  for (const e of entries) {
    const at = e.offset
    if (at + LOCAL_LEN > cdOffset || buf.readUInt32LE(at) !== SIG.local) {
      problems.push({
        file: e.name,
        message: `has no local header at offset ${at}, where the central directory points`,
      })
      continue
    }
    const flags = buf.readUInt16LE(at + 6)
    const method = buf.readUInt16LE(at + 8)
    const crc = buf.readUInt32LE(at + 14)
    const csize = buf.readUInt32LE(at + 18)
    const usize = buf.readUInt32LE(at + 22)
    const nameLen = buf.readUInt16LE(at + 26)
    const extraLen = buf.readUInt16LE(at + 28)
    e.dataStart = at + LOCAL_LEN + nameLen + extraLen
    const localName = buf.subarray(at + LOCAL_LEN, Math.min(at + LOCAL_LEN + nameLen, cdOffset))
    if (!localName.equals(e.nameBytes)) {
      problems.push({
        file: e.name,
        message: `is named ${show(localName.toString('utf8'))} in its local header: the two names differ`,
      })
      continue
    }
    if (method !== e.method)
      problems.push({
        file: e.name,
        message: `is compressed with method ${method} by its local header, ${e.method} by the central directory`,
      })
    if ((flags & 0x49) !== (e.flags & 0x49))
      problems.push({
        file: e.name,
        message: `has flags ${flags} in its local header, ${e.flags} in the central directory`,
      })
    let end = e.dataStart + e.csize
    if (end > cdOffset) {
      problems.push({ file: e.name, message: 'its data runs into the central directory' })
      continue
    }
    let said = { crc, csize, usize, where: 'its local header' }
    if (flags & 0x08) {
      // Sizes after the data (streamed writers, fflate among them); the header's own must be zero or agree.
      const sig = end + 4 <= cdOffset && buf.readUInt32LE(end) === SIG.descriptor ? 4 : 0
      if (end + sig + 12 > cdOffset) {
        problems.push({ file: e.name, message: 'its data descriptor is missing' })
        continue
      }
      const zeroOrSame = (a: number, b: number) => a === 0 || a === b
      if (!zeroOrSame(crc, e.crc) || !zeroOrSame(csize, e.csize) || !zeroOrSame(usize, e.usize))
        problems.push({
          file: e.name,
          message: `its local header says CRC ${hex(crc)}, ${csize} → ${usize} bytes; the central directory says CRC ${hex(e.crc)}, ${e.csize} → ${e.usize} bytes`,
        })
      said = {
        crc: buf.readUInt32LE(end + sig),
        csize: buf.readUInt32LE(end + sig + 4),
        usize: buf.readUInt32LE(end + sig + 8),
        where: 'its data descriptor',
      }
      end += sig + 12
    }
    e.end = end
    if (said.csize !== e.csize || said.usize !== e.usize)
      problems.push({
        file: e.name,
        message: `${said.where} gives its size as ${said.csize} → ${said.usize} bytes, the central directory ${e.csize} → ${e.usize}`,
      })
    if (said.crc !== e.crc)
      problems.push({
        file: e.name,
        message: `${said.where} gives its CRC-32 as ${hex(said.crc)}, the central directory ${hex(e.crc)}`,
      })
  }

  // Members laid end to end from byte 0 to the central directory: no overlap, no gap, nothing hidden.
  const placed = entries.filter((e) => e.end > 0).sort((a, b) => a.offset - b.offset)
  let cursor = 0
  let before: Entry | undefined
  for (const e of placed) {
    if (e.offset < cursor)
      problems.push({
        file: e.name,
        message: `overlaps ${before ? show(before.name) : 'another member'} (it starts at byte ${e.offset}, inside it)`,
      })
    else if (e.offset > cursor)
      problems.push({
        file: BUNDLE,
        message: before
          ? `has ${e.offset - cursor} unaccounted bytes between ${show(before.name)} and ${show(e.name)}`
          : `has ${e.offset} bytes before its first member (data hidden in front of the zip)`,
      })
    cursor = Math.max(cursor, e.end)
    before = e
  }
  if (placed.length === entries.length && cursor !== cdOffset && cursor < cdOffset)
    problems.push({
      file: BUNDLE,
      message: `has ${cdOffset - cursor} unaccounted bytes between its last member and the central directory`,
    })

  if (problems.length) return { files: new Map(), problems }

  // The content itself: unpacked to exactly the size and CRC-32 both records agree on.
  const files = new Map<string, Uint8Array>()
  for (const e of entries) {
    const raw = buf.subarray(e.dataStart, e.dataStart + e.csize)
    let data: Buffer
    try {
      data = e.method === 0 ? raw : inflateRawSync(raw, { maxOutputLength: Math.max(1, e.usize) })
    } catch (err) {
      problems.push({
        file: e.name,
        message: /larger than|maxOutputLength|buffer/i.test((err as Error).message)
          ? `unpacks to more than the ${e.usize} bytes its headers give`
          : `cannot be unpacked (${(err as Error).message})`,
      })
      continue
    }
    if (data.length !== e.usize)
      problems.push({ file: e.name, message: `unpacks to ${data.length} bytes, its headers say ${e.usize}` })
    else if (crc32(data) >>> 0 !== e.crc)
      problems.push({
        file: e.name,
        message: `its content has CRC-32 ${hex(crc32(data))}, its headers say ${hex(e.crc)}`,
      })
    else files.set(e.name, data)
  }
  return problems.length ? { files: new Map(), problems } : { files, problems }
}

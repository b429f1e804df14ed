// Reads a file a person named (on the CLI's command line, or in the desktop app's open dialog) without ever
// blocking a thread on it: opened non-blocking, then the opened descriptor is checked, so a FIFO with no
// writer, a device, a socket or a directory is refused at once, and a file swapped in between cannot slip by.
import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { AppError } from '../errors'

export interface UserFile {
  path: string
  fileName: string
  bytes: Buffer
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'too many symbolic links',
  // open() of a UNIX socket, or of a device with no driver behind it.
  ENXIO: 'it is a socket or a device, not a regular file',
  EISDIR: 'it is a folder, not a file',
}

export class UserFileError extends AppError {
  constructor(message: string) {
    super('validation', message, [{ path: 'file', message }])
    this.name = 'UserFileError'
  }
}

function kindOf(st: {
  isDirectory(): boolean
  isFIFO(): boolean
  isSocket(): boolean
  isCharacterDevice(): boolean
  isBlockDevice(): boolean
}) {
  if (st.isDirectory()) return 'a folder'
  if (st.isFIFO()) return 'a FIFO (named pipe)'
  if (st.isSocket()) return 'a socket'
  if (st.isCharacterDevice()) return 'a character device'
  if (st.isBlockDevice()) return 'a block device'
  return 'not a regular file'
}

export async function readUserFile(path: string, opts: { maxBytes: number }): Promise<UserFile> {
  const full = resolve(path)
  let fh: Awaited<ReturnType<typeof open>>
  try {
    fh = await open(full, OPEN_FLAGS)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? ''
    throw new UserFileError(`Cannot read ${path}: ${REASONS[code] ?? (code || 'error')}`)
  }
  try {
    const st = await fh.stat()
    if (!st.isFile()) throw new UserFileError(`Cannot read ${path}: it is ${kindOf(st)}, not a regular file`)
    if (st.size > opts.maxBytes)
      throw new UserFileError(`Cannot read ${path}: it is larger than ${opts.maxBytes} bytes`)
    // Read to the end rather than trusting st.size: a file still growing is cut off at the limit, not overrun.
    const chunks: Buffer[] = []
    let total = 0
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1024 * 1024, opts.maxBytes + 1 - total))
      const { bytesRead } = await fh.read(buf, 0, buf.length, null)
      if (bytesRead === 0) break
      chunks.push(buf.subarray(0, bytesRead))
      total += bytesRead
      if (total > opts.maxBytes)
        throw new UserFileError(`Cannot read ${path}: it is larger than ${opts.maxBytes} bytes`)
    }
    return { path: full, fileName: basename(full), bytes: Buffer.concat(chunks, total) }
  } finally {
    await fh.close().catch(() => undefined)
  }
}

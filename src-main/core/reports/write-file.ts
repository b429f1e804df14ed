// Writing an export: to a temporary file beside the target, flushed to disk, then renamed over it. A full
// disk or any other write error leaves no partial file, and says what went wrong in words.
import { randomBytes } from 'node:crypto'
import { open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { AppError } from '../errors'

const REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOENT: 'the folder does not exist',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'that path is a folder',
  EIO: 'an input/output error',
}

export async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.part`)
  let fh: Awaited<ReturnType<typeof open>> | undefined
  try {
    // Findings list the client's weaknesses: readable by the auditor only, whatever the umask.
    fh = await open(tmp, 'wx', 0o600)
    await fh.writeFile(bytes)
    await fh.sync()
    await fh.close()
    fh = undefined
    await rename(tmp, path)
  } catch (err) {
    await fh?.close().catch(() => undefined)
    await rm(tmp, { force: true }).catch(() => undefined)
    const code = (err as NodeJS.ErrnoException).code ?? ''
    throw new AppError(
      'unavailable',
      `Could not write ${path}: ${REASONS[code] ?? (err as Error).message}${code && REASONS[code] ? ` (${code})` : ''}. Nothing was written.`,
      [{ path: 'path', message: REASONS[code] ?? 'write failed' }],
    )
  }
}

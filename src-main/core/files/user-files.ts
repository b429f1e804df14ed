// What the faces that may touch the disk (the CLI, the desktop shell) do with staged files: stage a file the
// user named so a channel can consume it by id, and write a staged export where the user said.
import { writeAtomically } from '../reports/write-file'
import { AppError } from '../errors'
import { MAX_UPLOAD_BYTES, type FileStaging } from './staging'
import { readUserFile } from './read-user-file'

export interface Staged {
  uploadId: string
  fileName: string
  bytes: number
}

export async function stageUserFile(
  uploads: FileStaging,
  path: string,
  opts: { mediaType?: string; maxBytes?: number } = {},
): Promise<Staged> {
  const f = await readUserFile(path, { maxBytes: opts.maxBytes ?? MAX_UPLOAD_BYTES })
  const uploadId = uploads.put({
    fileName: f.fileName,
    mediaType: opts.mediaType ?? 'application/octet-stream',
    bytes: f.bytes,
    origin: f.path,
  })
  return { uploadId, fileName: f.fileName, bytes: f.bytes.length }
}

/** Writes a staged download to `path` (atomically: a failure leaves nothing behind). */
export async function saveStaged(
  downloads: FileStaging,
  downloadId: string,
  path: string,
): Promise<{ path: string; fileName: string; bytes: number }> {
  const f = downloads.take(downloadId)
  if (!f) throw new AppError('not_found', 'That export is no longer waiting to be saved: export it again')
  await writeAtomically(path, f.bytes)
  return { path, fileName: f.fileName, bytes: f.bytes.length }
}

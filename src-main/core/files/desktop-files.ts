// The desktop app's file work, behind a dialog port so it runs under plain Node: save a staged export or a text
// the renderer holds where the person chooses in the save dialog, and read a file they pick in the open dialog.
// The renderer names no path: it gets back only a file name, or an upload id for the channel that imports it.
import type { z } from 'zod'
import type { ApiError, Envelope } from '../../../src-preload/contract'
import {
  PICK_KINDS,
  PickRequest,
  SaveDownloadRequest,
  SaveTextRequest,
  type Picked,
  type Saved,
} from '../../../src-preload/files'
import { AppError, validationError } from '../errors'
import { writeAtomically } from '../reports/write-file'
import { safeFileName, type FileStaging } from './staging'
import { stageUserFile } from './user-files'

export interface FileDialogs {
  /** The path the person chose to save to, or undefined when they cancelled. */
  save(opts: { title: string; defaultName: string }): Promise<string | undefined>
  /** The file the person chose to open, or undefined when they cancelled. */
  open(opts: {
    title: string
    filters: readonly { name: string; extensions: readonly string[] }[]
  }): Promise<string | undefined>
}

export interface DesktopFiles {
  saveDownload(payload: unknown): Promise<Envelope<Saved>>
  saveText(payload: unknown): Promise<Envelope<Saved>>
  pickFile(payload: unknown): Promise<Envelope<Picked | null>>
}

export function desktopFiles(
  staging: { downloads: FileStaging; uploads: FileStaging },
  dialogs: FileDialogs,
): DesktopFiles {
  return {
    saveDownload: (payload) =>
      guarded(SaveDownloadRequest, payload, async ({ download }) => {
        const meta = staging.downloads.peek(download)
        if (!meta)
          throw new AppError('not_found', 'That export is no longer waiting to be saved: export it again')
        const path = await dialogs.save({
          title: 'Save the export',
          defaultName: safeFileName(meta.fileName),
        })
        if (!path) return { saved: false, fileName: meta.fileName }
        // Taken only now: closing the dialog leaves the export there to save on a second try.
        const file = staging.downloads.take(download)
        if (!file)
          throw new AppError('not_found', 'That export is no longer waiting to be saved: export it again')
        await writeAtomically(path, file.bytes)
        return { saved: true, fileName: baseName(path) }
      }),
    saveText: (payload) =>
      guarded(SaveTextRequest, payload, async ({ fileName, text }) => {
        const path = await dialogs.save({ title: 'Save the file', defaultName: safeFileName(fileName) })
        if (!path) return { saved: false, fileName }
        await writeAtomically(path, Buffer.from(text, 'utf8'))
        return { saved: true, fileName: baseName(path) }
      }),
    pickFile: (payload) =>
      guarded(PickRequest, payload, async ({ kind }) => {
        const path = await dialogs.open(PICK_KINDS[kind])
        if (!path) return null
        return stageUserFile(staging.uploads, path)
      }),
  }
}

const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path

async function guarded<S extends z.ZodType, T>(
  schema: S,
  payload: unknown,
  run: (req: z.output<S>) => Promise<T>,
): Promise<Envelope<T>> {
  const parsed = schema.safeParse(payload ?? {})
  if (!parsed.success) return { ok: false, error: validationError(parsed.error).toApi() }
  try {
    return { ok: true, data: await run(parsed.data) }
  } catch (err) {
    const error: ApiError =
      err instanceof AppError
        ? err.toApi()
        : { code: 'internal', message: 'The file could not be saved or read', issues: [] }
    return { ok: false, error }
  }
}

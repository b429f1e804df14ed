// The desktop app's narrow file API beside the contract: save a staged export, save text the renderer holds,
// pick a file to import. Main shows the native dialog and does the disk work; the renderer names no path.
import { z } from 'zod'
import type { Envelope } from './contract'

/** What a person may pick to import; each kind has its own dialog title and file filter. */
export const PICK_KINDS = {
  datastream: {
    title: 'Import a SCAP datastream',
    filters: [{ name: 'SCAP datastream', extensions: ['xml'] }],
  },
  bundle: { title: 'Verify an evidence bundle', filters: [{ name: 'Evidence bundle', extensions: ['zip'] }] },
} as const
export type PickKind = keyof typeof PICK_KINDS

export const FILE_IPC = {
  saveDownload: 'dw-file:save-download',
  saveText: 'dw-file:save-text',
  pick: 'dw-file:pick',
} as const

export const SaveDownloadRequest = z.object({ download: z.string().regex(/^[A-Za-z0-9_-]{32}$/) }).strict()
export const SaveTextRequest = z
  .object({
    fileName: z.string().min(1).max(255),
    text: z.string().max(64 * 1024 * 1024),
  })
  .strict()
export const PickRequest = z
  .object({ kind: z.enum(Object.keys(PICK_KINDS) as [PickKind, ...PickKind[]]) })
  .strict()

export interface Saved {
  /** false when the person closed the dialog without saving. */
  saved: boolean
  fileName: string
}
export interface Picked {
  uploadId: string
  fileName: string
  bytes: number
}

/** Installed by the preload beside the invoke/on bridge, under FILES_KEY. */
export interface FileBridge {
  saveDownload(download: string): Promise<Envelope<Saved>>
  saveText(fileName: string, text: string): Promise<Envelope<Saved>>
  pickFile(kind: PickKind): Promise<Envelope<Picked | null>>
}
export { FILES_KEY } from './bridge-keys'

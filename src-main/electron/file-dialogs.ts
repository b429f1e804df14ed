// The native save and open dialogs, as the FileDialogs port the desktop file logic takes (core/files).
import { app, dialog, type BrowserWindow } from 'electron'
import { join } from 'node:path'
import type { FileDialogs } from '../core/files/desktop-files'

export function electronDialogs(parent: () => BrowserWindow | undefined): FileDialogs {
  return {
    async save({ title, defaultName }) {
      const opts = { title, defaultPath: join(app.getPath('downloads'), defaultName) }
      const w = parent()
      const r = w ? await dialog.showSaveDialog(w, opts) : await dialog.showSaveDialog(opts)
      return r.canceled ? undefined : r.filePath
    },
    async open({ title, filters }) {
      const opts = {
        title,
        filters: filters.map((f) => ({ name: f.name, extensions: [...f.extensions] })),
        properties: ['openFile' as const],
      }
      const w = parent()
      const r = w ? await dialog.showOpenDialog(w, opts) : await dialog.showOpenDialog(opts)
      return r.canceled ? undefined : r.filePaths[0]
    },
  }
}

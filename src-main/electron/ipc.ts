// The only place the main process touches ipcMain: binds every contract channel to the core's dispatcher,
// after checking that the message comes from our own top-level frame.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { CHANNELS, IPC_EVENT, IPC_PREFIX, type ApiError, type Envelope } from '../../src-preload/contract'
import type { Core } from '../core/app'
import type { DesktopFiles } from '../core/files/desktop-files'
import { FILE_IPC } from '../../src-preload/files'
import { isTrustedUrl } from './security'

export function bindIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, core: Core): () => void {
  for (const channel of CHANNELS) {
    ipcMain.handle(IPC_PREFIX + channel, (event: IpcMainInvokeEvent, payload: unknown) => {
      if (!isTrustedSender(event)) return Promise.resolve(refused())
      return core.invoke(channel, payload)
    })
  }
  return () => CHANNELS.forEach((c) => ipcMain.removeHandler(IPC_PREFIX + c))
}

/** Binds the three named file calls (save an export, save a text, pick a file); none takes a path. */
export function bindFileIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  files: DesktopFiles,
): () => void {
  const calls: [string, (payload: unknown) => Promise<Envelope<unknown>>][] = [
    [FILE_IPC.saveDownload, files.saveDownload],
    [FILE_IPC.saveText, files.saveText],
    [FILE_IPC.pick, files.pickFile],
  ]
  for (const [name, fn] of calls)
    ipcMain.handle(name, (event: IpcMainInvokeEvent, payload: unknown) =>
      isTrustedSender(event) ? fn(payload) : Promise.resolve(refused()),
    )
  return () => calls.forEach(([name]) => ipcMain.removeHandler(name))
}

/** Pushes core events to a window; the preload filters by name for each subscriber. */
export function forwardEvents(core: Core, target: () => WebContents | undefined): () => void {
  return core.subscribe((name, payload) => {
    const wc = target()
    if (wc && !wc.isDestroyed()) wc.send(IPC_EVENT, name, payload)
  })
}

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame
  // Only our own top-level page may call; never an iframe or a page navigated elsewhere.
  return frame !== null && frame.parent === null && isTrustedUrl(frame.url)
}

function refused(): Envelope<never> {
  const error: ApiError = {
    code: 'forbidden',
    message: 'IPC from an untrusted frame was refused',
    issues: [],
  }
  return { ok: false, error }
}

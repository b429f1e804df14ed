// The preload bridge: exposes exactly invoke(channel, req) and on(event, cb) for the contract's own names,
// and three named file calls (save an export, save a text, pick a file) that main answers with its own
// dialogs. It forwards nothing else and validates nothing deeper: the main process checks sender and schema.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { BRIDGE_KEY, IPC_EVENT, IPC_PREFIX, isChannel, isEventName, type PreloadBridge } from './contract'
import { FILE_IPC, FILES_KEY, type FileBridge } from './files'

const bridge: PreloadBridge = {
  invoke(channel, req) {
    if (!isChannel(channel)) return Promise.reject(new Error(`Unknown channel ${String(channel)}`))
    return ipcRenderer.invoke(IPC_PREFIX + channel, req)
  },
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`Unknown event ${String(event)}`)
    const wrapped = (_e: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (name === event) listener(payload)
    }
    ipcRenderer.on(IPC_EVENT, wrapped)
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, wrapped)
    }
  },
}

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge)

const files: FileBridge = {
  saveDownload: (download) => ipcRenderer.invoke(FILE_IPC.saveDownload, { download }),
  saveText: (fileName, text) => ipcRenderer.invoke(FILE_IPC.saveText, { fileName, text }),
  pickFile: (kind) => ipcRenderer.invoke(FILE_IPC.pick, { kind }),
}

contextBridge.exposeInMainWorld(FILES_KEY, files)

// A stand-in for Electron's ipcMain (the edge port bindIpc takes): keeps the handlers and lets a test call
// a channel as a renderer frame would.
import type { IpcMainInvokeEvent } from 'electron'
import type { Envelope } from '../../src-preload/contract'

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown

/** What bindIpc needs of ipcMain: the handlers it registered, by channel. */
export function fakeIpcMain() {
  const handlers = new Map<string, Listener>()
  return {
    handlers,
    handle(channel: string, listener: Listener) {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
      handlers.set(channel, listener)
    },
    removeHandler(channel: string) {
      handlers.delete(channel)
    },
    /** Calls a channel as a renderer frame at `url` would; `parent` non-null means an iframe. */
    async invoke(channel: string, payload: unknown, frame: { url: string; parent: object | null } | null) {
      const listener = handlers.get(channel)
      if (!listener) throw new Error(`No handler registered for '${channel}'`)
      const event = { senderFrame: frame } as unknown as IpcMainInvokeEvent
      return (await listener(event, payload)) as Envelope<unknown>
    },
  }
}

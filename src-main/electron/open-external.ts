// The one place the app hands an address to the operating system. Only lockDown's window-open handler calls
// it, and only with an https link outside the app that the user just clicked (security.ts decides that).
import { shell } from 'electron'

export function openExternal(url: string): void {
  void shell.openExternal(url)
}

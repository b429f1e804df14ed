// The tray: its icon and tooltip follow the watch's state (all good, drift, scanning, vault locked, paused), and
// its menu opens the window, scans everything now, pauses or resumes the watch, or quits. The state itself is
// computed by the core (watch.status / watch.tick); this file only draws it.
import { Menu, nativeImage, Tray } from 'electron'
import { join } from 'node:path'
import type { Core } from '../core/app'
import type { WatchStatus } from '../../src-preload/contract'

type TrayState = WatchStatus['tray']

const TOOLTIP: Record<TrayState, string> = {
  ok: 'Driftwatch — all good',
  drift: 'Driftwatch — drift detected',
  scanning: 'Driftwatch — scanning',
  vault_locked: 'Driftwatch — waiting for the vault to be unlocked',
  paused: 'Driftwatch — watch paused',
}

export function createWatchTray(opts: {
  core: Core
  resourcesDir: string
  showWindow(link?: string): void
  quit(): void
}): () => void {
  const { core } = opts
  const tray = new Tray(nativeImage.createFromPath(join(opts.resourcesDir, 'tray.png')))
  tray.on('click', () => opts.showWindow())
  let shown: string | undefined

  const render = () => {
    const st = core.watch.status()
    const key = `${st.tray}:${st.paused}`
    if (key === shown) return
    shown = key
    const file = st.tray === 'ok' ? 'tray.png' : `tray-${st.tray}.png`
    tray.setImage(nativeImage.createFromPath(join(opts.resourcesDir, file)))
    tray.setToolTip(TOOLTIP[st.tray])
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open Driftwatch', click: () => opts.showWindow() },
        { label: 'Scan all now', click: () => void core.invoke('watch.runNow', {}) },
        st.paused
          ? { label: 'Resume watch', click: () => void core.invoke('watch.resume', {}) }
          : { label: 'Pause watch', click: () => void core.invoke('watch.pause', {}) },
        { type: 'separator' },
        { label: 'Quit Driftwatch', click: () => opts.quit() },
      ]),
    )
  }
  render()
  const off = core.subscribe((name) => {
    if (
      name === 'watch.tick' ||
      name === 'scan.finished' ||
      name === 'vault.changed' ||
      name === 'drift.detected'
    )
      render()
  })
  return () => {
    off()
    tray.destroy()
  }
}

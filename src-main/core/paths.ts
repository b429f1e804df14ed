// Where Driftwatch keeps its data by default: the same per-user folder Electron's app.getPath('userData') uses,
// so the desktop app, the CLI and serve mode share one store; and keeping that folder private to its owner.
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

export const APP_DIR_NAME = 'Driftwatch'

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.DRIFTWATCH_DATA_DIR) return env.DRIFTWATCH_DATA_DIR
  const home = homedir()
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_DIR_NAME)
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR_NAME)
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), APP_DIR_NAME)
}

/** Folders under the data folder that Driftwatch writes files into (the database itself is handled by db.ts). */
const OWN_SUBDIRS = ['exports']

/**
 * The data folder holds the audited systems' weaknesses and the sealed credentials: 0700, made so or
 * tightened from an older, looser mode at every start, with Driftwatch's own files in it 0600. Symlinks are
 * left alone (chmod would follow them out of the folder).
 */
export function ensurePrivateDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  chmodSync(dir, 0o700)
  for (const name of OWN_SUBDIRS) {
    const sub = join(dir, name)
    const st = lstatSync(sub, { throwIfNoEntry: false })
    if (!st?.isDirectory()) continue
    chmodSync(sub, 0o700)
    for (const entry of readdirSync(sub, { withFileTypes: true }))
      if (entry.isFile()) chmodSync(join(sub, entry.name), 0o600)
  }
}

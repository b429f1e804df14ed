// Where Driftwatch keeps its data by default: the same per-user folder Electron's app.getPath('userData') uses,
// so the desktop app, the CLI and serve mode share one store.
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

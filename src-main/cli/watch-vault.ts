// How a daemon's vault is unlocked without a person at a terminal: $DRIFTWATCH_VAULT_PASSPHRASE at start, or
// --passphrase-file FILE (a systemd credential, a mounted container secret). The file is read at start and,
// while the vault stays locked, again whenever it changes: a secret provisioned after start unlocks the watch
// then. The idle auto-lock is undone at the next look (a daemon has no person to be idle); a lock by hand
// (`driftwatch vault lock`) is not, until the file changes again.
import { stat } from 'node:fs/promises'
import type { Core } from '../core/app'
import type { Logger } from '../core/ports'
import { readUserFile } from '../core/files/read-user-file'

const POLL_MS = 2_000

export interface PassphraseFile {
  /** Tries the file now (at start); resolves to whether the vault is unlocked. */
  first(): Promise<boolean>
  stop(): void
}

export function watchPassphraseFile(core: Core, file: string, log: Logger): PassphraseFile {
  let seen = ''
  let timer: NodeJS.Timeout | null = null
  let busy = false
  const off = core.subscribe((name, payload) => {
    if (name === 'vault.changed' && (payload as { reason: string }).reason === 'idle') seen = ''
  })

  async function attempt(): Promise<boolean> {
    if (core.vault.state() !== 'locked') return core.vault.state() === 'unlocked'
    let version: string
    try {
      const st = await stat(file)
      version = `${st.ino}:${st.size}:${st.mtimeMs}`
    } catch {
      version = 'missing'
    }
    if (version === seen) return false
    seen = version
    if (version === 'missing') {
      log.log('warn', 'vault passphrase file not found; waiting for it', { file })
      return false
    }
    try {
      const { bytes } = await readUserFile(file, { maxBytes: 4096 })
      // One trailing newline (echo, systemd-creds) is not part of the passphrase.
      const passphrase = bytes.toString('utf8').replace(/\r?\n$/, '')
      bytes.fill(0)
      if (!passphrase) {
        log.log('warn', 'vault passphrase file is empty; waiting for it to change', { file })
        return false
      }
      const r = await core.invoke('vault.unlock', { passphrase })
      if (!r.ok) {
        log.log('error', 'vault passphrase file did not unlock the vault; waiting for it to change', {
          file,
          error: r.error.message,
        })
        return false
      }
      log.log('info', 'vault unlocked from the passphrase file', { file })
      return true
    } catch (err) {
      log.log('error', 'vault passphrase file could not be read', { file, error: (err as Error).message })
      return false
    }
  }

  const poll = () => {
    timer = setTimeout(() => {
      if (busy) return poll()
      busy = true
      void attempt().finally(() => {
        busy = false
        if (timer) poll()
      })
    }, POLL_MS)
    timer.unref()
  }

  return {
    async first() {
      const ok = await attempt()
      poll()
      return ok
    },
    stop() {
      off()
      if (timer) clearTimeout(timer)
      timer = null
    },
  }
}

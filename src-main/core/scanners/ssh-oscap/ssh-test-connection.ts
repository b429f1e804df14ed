// "Test connection" for an SSH target: every step a scan depends on (reachability, host key, login, OS,
// oscap, sudo, temp space), each failure with what to do about it.
import type { ConnectionReport, ConnectionStep } from '../scanner'
import { firstLine, SshError } from './ssh-common'
import { openSsh, type OpenSshOptions } from './ssh-connect'
import type { SshSession, SudoMode } from './ssh-session'

/** oscap needs room for its own temp files and the ARF; below this the connection test warns. */
export const MIN_TMP_FREE_BYTES = 200 * 1024 * 1024

export interface TestSshOptions extends OpenSshOptions {
  sudo: SudoMode
  sudoPassword?: Buffer
  /** The oscap to look for; tests point it at a PATH without oscap. */
  oscapCommand?: string
}

/** "Test connection": every step a scan depends on, each failure with what to do about it. */
export async function testSshConnection(opts: TestSshOptions): Promise<ConnectionReport> {
  const at = `${opts.host}:${opts.port}`
  const steps: ConnectionStep[] = []
  const add = (step: string, ok: boolean, detail: string, fix?: string) =>
    steps.push(fix && !ok ? { step, ok, detail, fix } : { step, ok, detail })
  const report = (): ConnectionReport => {
    const failed = steps.find((s) => !s.ok)
    return {
      ok: !failed,
      message: failed ? failed.detail : `${opts.user}@${at} is ready to scan`,
      steps,
    }
  }
  let session: SshSession
  try {
    session = await openSsh(opts)
  } catch (err) {
    const e = err instanceof SshError ? err : new SshError('disconnected', String(err))
    if (e.code === 'unreachable' || e.code === 'cancelled') {
      add(
        'reachability',
        false,
        e.message,
        'Check the host name, the port and that sshd runs and is reachable',
      )
      return report()
    }
    add('reachability', true, `${at} answers with SSH`)
    if (e.code === 'host_key_unknown' || e.code === 'host_key_changed') {
      add(
        'host key',
        false,
        e.message,
        e.code === 'host_key_unknown'
          ? `Trust ${e.presented?.fingerprint ?? 'the key'} after checking it with the host owner`
          : 'Remove the old pin only if the host owner confirms the new key',
      )
      return report()
    }
    add('host key', e.code !== 'disconnected' && e.code !== 'timeout', 'The host key is trusted')
    add('auth', false, e.message, 'Check the user name and the credential')
    return report()
  }
  try {
    add('reachability', true, `${at} answers with SSH`)
    add(
      'host key',
      true,
      session.hostKey.status === 'pinned'
        ? `Matches the pinned ${session.hostKey.keyType} key ${session.hostKey.fingerprint}`
        : `Trusted and pinned now: ${session.hostKey.keyType} ${session.hostKey.fingerprint}`,
    )
    add('auth', true, `Logged in as ${opts.user}`)
    const step = async (name: string, fn: () => Promise<void>) => {
      try {
        await fn()
      } catch (err) {
        add(name, false, err instanceof Error ? err.message : String(err))
      }
    }
    await step('os', async () => {
      const r = await session.exec('cat /etc/os-release', { timeoutMs: 15_000, signal: opts.signal })
      const pretty = /^PRETTY_NAME=(.*)$/m.exec(r.stdout)?.[1]?.replace(/^["']|["']$/g, '')
      add(
        'os',
        !!pretty,
        pretty ?? 'No /etc/os-release on the host',
        'Driftwatch scans Linux hosts with os-release',
      )
    })
    await step('oscap', async () => {
      const r = await session.exec(`${opts.oscapCommand ?? 'oscap'} --version`, {
        timeoutMs: 30_000,
        signal: opts.signal,
      })
      const version = /\(oscap\)\s+(\S+)/.exec(r.stdout)?.[1]
      if (r.code === 0 && version) add('oscap', true, `OpenSCAP ${version}`)
      else
        add(
          'oscap',
          false,
          r.code === 127
            ? `oscap is not installed on ${opts.host}`
            : `oscap does not run: ${firstLine(r.stderr)}`,
          'install openscap-scanner on the target ' +
            '(apt install openscap-scanner / dnf install openscap-scanner)',
        )
    })
    await step('sudo', async () => {
      if (opts.sudo === 'none') {
        const r = await session.exec('id -u', { timeoutMs: 15_000, signal: opts.signal })
        const root = r.stdout.trim() === '0'
        add(
          'sudo',
          root,
          root ? 'Not used: the login is root' : `Not used, and ${opts.user} is not root`,
          'oscap must run as root for most checks: set the sudo mode to NOPASSWD or password',
        )
        return
      }
      try {
        const r = await session.sudo('id -u', opts.sudo, opts.sudoPassword, {
          timeoutMs: 30_000,
          signal: opts.signal,
        })
        const ok = r.code === 0 && r.stdout.trim() === '0'
        add(
          'sudo',
          ok,
          ok ? `sudo (${opts.sudo}) gives root` : `sudo did not give root: ${firstLine(r.stderr)}`,
          'Check the sudoers entry for this user',
        )
      } catch (err) {
        const e = err as SshError
        add(
          'sudo',
          false,
          e.message,
          e.code === 'sudo_requiretty' ? `Add "Defaults:${opts.user} !requiretty"` : undefined,
        )
      }
    })
    await step('temp space', async () => {
      const r = await session.exec('df -Pk /tmp', { timeoutMs: 15_000, signal: opts.signal })
      const kb = Number(r.stdout.trim().split('\n')[1]?.split(/\s+/)[3])
      if (r.code !== 0 || !Number.isFinite(kb)) {
        add('temp space', false, `Could not read the free space in /tmp: ${firstLine(r.stderr)}`)
        return
      }
      const mb = Math.floor(kb / 1024)
      const enough = kb * 1024 >= MIN_TMP_FREE_BYTES
      add(
        'temp space',
        enough,
        enough ? `${mb} MB free in /tmp` : `Only ${mb} MB free in /tmp`,
        `Free at least ${MIN_TMP_FREE_BYTES / 1024 / 1024} MB in /tmp on the target`,
      )
    })
  } finally {
    await session.close()
  }
  return report()
}

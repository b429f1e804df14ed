// A small real filesystem for disk-full tests: a tmpfs, or else a loop-mounted ext4 image; if neither can be
// mounted the caller gets an error naming every attempt, so a disk-full test fails instead of skipping.
import { execFile } from 'node:child_process'
import { rmSync } from 'node:fs'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface SmallDisk {
  /** Which mechanism holds the mount: 'tmpfs' or 'ext4-loop'. */
  kind: 'tmpfs' | 'ext4-loop'
  unmount(): Promise<void>
}

const firstLine = (err: unknown) => {
  const e = err as { stderr?: string; message?: string }
  return (e.stderr || e.message || String(err)).trim().split('\n')[0]
}

/**
 * Mounts a filesystem of `sizeMiB` MiB on `dir` (an existing empty directory), writable by this process.
 * Not root: mount goes through `sudo -n` (CI runners usually allow it without a password).
 */
export async function mountSmallDisk(
  dir: string,
  sizeMiB: number,
  kinds: SmallDisk['kind'][] = ['tmpfs', 'ext4-loop'],
): Promise<SmallDisk> {
  const root = process.getuid?.() === 0
  const priv = (cmd: string, args: string[]) => (root ? run(cmd, args) : run('sudo', ['-n', cmd, ...args]))
  const owner = root ? [] : [`uid=${process.getuid?.()}`, `gid=${process.getgid?.()}`]
  const failures: string[] = []

  if (kinds.includes('tmpfs')) {
    try {
      await priv('mount', [
        '-t',
        'tmpfs',
        '-o',
        [`size=${sizeMiB}m`, 'mode=0700', ...owner].join(','),
        'tmpfs',
        dir,
      ])
      return { kind: 'tmpfs', unmount: () => umount(priv, dir) }
    } catch (err) {
      failures.push(`tmpfs: ${firstLine(err)}`)
    }
  }

  // A container may forbid tmpfs but allow loop devices; the image lives beside the mount point.
  const image = `${dir}.img`
  if (kinds.includes('ext4-loop')) {
    try {
      await run('truncate', ['-s', `${sizeMiB}M`, image])
      // -m 0: no blocks reserved for root, so "full" means full for this process too.
      await run('mkfs.ext4', ['-q', '-F', '-m', '0', image], { env: { ...process.env, PATH: sbinPath() } })
      await priv('mount', ['-o', 'loop', image, dir])
      if (!root) await priv('chown', [`${process.getuid?.()}:${process.getgid?.()}`, dir])
      await run('chmod', ['0700', dir])
      return {
        kind: 'ext4-loop',
        unmount: async () => {
          await umount(priv, dir)
          rmSync(image, { force: true })
        },
      }
    } catch (err) {
      failures.push(`ext4 loop image: ${firstLine(err)}`)
      rmSync(image, { force: true })
    }
  }

  throw new Error(
    `cannot mount a small filesystem on ${dir} for the disk-full test (run it as root, or with ` +
      `password-less sudo for mount): ${failures.join('; ')}`,
  )
}

function umount(priv: (cmd: string, args: string[]) => Promise<unknown>, dir: string) {
  return priv('umount', ['-l', dir]).then(() => undefined)
}

function sbinPath() {
  return [process.env.PATH, '/usr/sbin', '/sbin'].filter(Boolean).join(':')
}

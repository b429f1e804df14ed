// Runs once per `vitest run`, before any worker: where the run's temporary folders go, and one folder for the
// database templates every worker copies (test/services/lib.ts); both removed when the run ends.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const TMPFS_MAGIC = 0x01021994
// The suite's temporary files peak near 0.4 GB (PostgreSQL and MariaDB servers, data folders, browser profiles).
const ROOM = 2 * 1024 ** 3

/**
 * A folder on /dev/shm (RAM-backed tmpfs) for the run's temporary files, when TMPDIR is not set and /dev/shm is
 * a tmpfs with room; otherwise undefined and they stay in os.tmpdir(). The files are the same real files (SQLite
 * databases, server data folders); only the filesystem under them differs. On this machine's ext4 /tmp, each of
 * some 80 copies of a database server's template cost about 0.5 s of system CPU (0.04 s on tmpfs), and the whole
 * `npm test` spent 196 s of system time there against 134 s here. A container's small /dev/shm (64 MB by
 * default) is passed over.
 */
function ramScratch(): string | undefined {
  if (process.env.TMPDIR) return undefined
  try {
    if (statfsSync('/dev/shm').type !== TMPFS_MAGIC || !runsPrograms('/dev/shm')) return undefined
    removeStale()
    const fs = statfsSync('/dev/shm')
    if (fs.bavail * fs.bsize < ROOM) return undefined
    const dir = mkdtempSync('/dev/shm/dw-tests-')
    // Like /tmp, so a child running as another user (postgres, mysql, the SSH tests' login) can write there.
    chmodSync(dir, 0o1777)
    return dir
  } catch {
    return undefined
  }
}

/**
 * Whether programs may run from `mountPoint` (no noexec among its options in /proc/mounts, the last mount there
 * winning): some tests run scripts they write into their temp folders (a stand-in shell, a hook), and a hardened
 * /dev/shm is often mounted noexec.
 */
function runsPrograms(mountPoint: string, mounts = readFileSync('/proc/mounts', 'utf8')): boolean {
  const entry = mounts
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f[1] === mountPoint)
    .at(-1)
  return entry !== undefined && !(entry[3] ?? '').split(',').includes('noexec')
}

/** RAM is not given back until its files go: a run stopped before its teardown left its folder; a day on, none is live. */
function removeStale(): void {
  for (const name of readdirSync('/dev/shm').filter((n) => n.startsWith('dw-tests-'))) {
    const dir = join('/dev/shm', name)
    if (Date.now() - statSync(dir).mtimeMs > 24 * 3600_000) rmSync(dir, { recursive: true, force: true })
  }
}

export default function setup(): () => void {
  const scratch = ramScratch()
  // Every worker and every child they start inherits it, and os.tmpdir() reads it.
  if (scratch) process.env.TMPDIR = scratch
  const dir = mkdtempSync(join(tmpdir(), 'dw-templates-'))
  // Traversable by the postgres and mysql users, whose bootstraps write inside it.
  chmodSync(dir, 0o755)
  process.env.DW_TEST_TEMPLATES = dir
  return () => {
    rmSync(dir, { recursive: true, force: true })
    // What children killed on purpose (crash tests) could not clean up goes with it.
    if (scratch) rmSync(scratch, { recursive: true, force: true })
  }
}

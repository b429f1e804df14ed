// Temporary directories for tests: each test file asks for a tracker, and every directory it made is removed
// after each test (or after the file, for directories shared through beforeAll).
import { afterAll, afterEach } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TmpDirs {
  /** A new empty directory under the OS temp folder. */
  make(prefix?: string): string
}

export function useTmpDirs(scope: 'each' | 'all' = 'each'): TmpDirs {
  const dirs: string[] = []
  const hook = scope === 'each' ? afterEach : afterAll
  hook(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })
  return {
    make(prefix = 'driftwatch-test-') {
      const dir = mkdtempSync(join(tmpdir(), prefix))
      dirs.push(dir)
      return dir
    },
  }
}

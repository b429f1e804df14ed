// Keeps every source room small enough to read in one sitting (issue 16): a .ts/.tsx file over 500 lines in
// src-main, src-renderer or src-preload fails here by name, unless it is data listed in the allowlist below.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../../helpers/cli'

const MAX_LINES = 500
const ROOMS = ['src-main', 'src-renderer', 'src-preload']

/** Data, not logic: a long list reads no harder than a short one. Each entry says why it may be long. */
const ALLOWED: { pattern: RegExp; why: string }[] = [
  { pattern: /^src-main\/core\/rules\/packs\/[^/]+\.ts$/, why: 'rule pack data' },
]

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(entry.name) ? [path] : []
  })
}

/** Lines as an editor numbers them: a final newline does not open another line. */
function lineCount(path: string): number {
  const text = readFileSync(path, 'utf8')
  if (text === '') return 0
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
}

const files = ROOMS.flatMap((room) => sourceFiles(join(ROOT, room))).map((path) => ({
  name: relative(ROOT, path).split(sep).join('/'),
  lines: lineCount(path),
}))

describe('source file size', () => {
  it(`finds no .ts/.tsx file over ${MAX_LINES} lines outside the data allowlist`, () => {
    expect(files.length).toBeGreaterThan(50)
    const tooLong = files
      .filter((f) => f.lines > MAX_LINES && !ALLOWED.some((a) => a.pattern.test(f.name)))
      .map((f) => `${f.name} (${f.lines} lines)`)
    expect(tooLong).toEqual([])
  })

  it('allows only entries that still name a file', () => {
    const stale = ALLOWED.filter((a) => !files.some((f) => a.pattern.test(f.name))).map((a) => a.why)
    expect(stale).toEqual([])
  })
})

// The evidence JSON Schema shipped in resources/ is the report model's contract written out: it must match
// what the zod model says today. Only `npm run golden:update` rewrites it, after a deliberate model change
// (which also needs a new schema version); the test compares and never writes.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { golden, ROOT, UPDATE_HINT } from '../../golden/golden-files'

const { path, generate } = golden('resources/evidence-report-1.2.0.schema.json')

describe('the evidence JSON Schema in resources/', () => {
  it('is the report model written out as JSON Schema (draft-07)', () => {
    expect(readFileSync(join(ROOT, path), 'utf8'), `${path} ${UPDATE_HINT}`).toBe(generate())
  })
})

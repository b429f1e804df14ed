// The evidence JSON Schema shipped in resources/ is the report model's contract written out: it must match
// what the zod model says today (DRIFTWATCH_WRITE_SCHEMA=1 rewrites it after a deliberate model change,
// which also needs a new schema version).
import { describe, expect, it } from 'vitest'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { evidenceJsonSchema } from '../../../src-main/core/reports/json'

const FILE = fileURLToPath(new URL('../../../resources/evidence-report-1.0.0.schema.json', import.meta.url))

describe('the evidence JSON Schema in resources/', () => {
  it('is the report model written out as JSON Schema (draft-07)', () => {
    const fresh = JSON.stringify(evidenceJsonSchema(), null, 2) + '\n'
    if (process.env.DRIFTWATCH_WRITE_SCHEMA === '1') writeFileSync(FILE, fresh)
    expect(readFileSync(FILE, 'utf8')).toBe(fresh)
  })
})

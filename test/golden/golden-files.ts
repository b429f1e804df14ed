// The files in the repository that code writes out (published JSON Schemas): one list, read by the tests that
// check each file is current and by scripts/update-golden.mjs, the only thing that rewrites them.
import { fileURLToPath } from 'node:url'
import { evidenceJsonSchema } from '../../src-main/core/reports/json'
import { rulePackJsonSchema } from '../../src-main/core/rules/format'
import { configSchema } from '../../src-main/core/config/schema'
import { Kinds } from '../../src-main/core/scanners/registry'

export interface GoldenFile {
  /** Path relative to the repository root. */
  path: string
  /** The file's content as the code writes it today. */
  generate(): string
}

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n'

export const GOLDEN_FILES: GoldenFile[] = [
  // A deliberate change to the evidence model also needs a new schema version (and file name).
  { path: 'resources/evidence-report-1.2.0.schema.json', generate: () => json(evidenceJsonSchema()) },
  { path: 'resources/rule-pack.schema.json', generate: () => json(rulePackJsonSchema()) },
  { path: 'resources/driftwatch-config.schema.json', generate: () => json(configSchema(new Kinds())) },
]

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export const UPDATE_HINT =
  'out of date: after a deliberate change run `npm run golden:update` and commit the result'

export function golden(path: string): GoldenFile {
  const found = GOLDEN_FILES.find((g) => g.path === path)
  if (!found) throw new Error(`${path} is not a golden file`)
  return found
}

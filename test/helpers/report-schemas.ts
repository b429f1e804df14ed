// The three schemas an export must satisfy: NIST's OSCAL Assessment Results (1.0.6, draft-07, copied into
// test/fixtures/oscal), the HDF exec schema as inspecjs ships it (its generated parser, which Heimdall
// uses to load a file), and our own evidence schema from resources/.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import { convertFile, type ContextualizedEvaluation } from 'inspecjs'
import { Convert } from 'inspecjs/lib/generated_parsers/v_1_0/exec-json'
import { contextualizeEvaluation } from 'inspecjs'

const load = (rel: string) =>
  JSON.parse(readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8')) as object

function validator(schema: object) {
  const ajv = new Ajv({ allErrors: true, strict: false })
  addFormats(ajv)
  const validate = ajv.compile(schema)
  return (doc: unknown): string[] =>
    validate(doc)
      ? []
      : (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath} ${e.message ?? ''}`)
}

export const oscalErrors = validator(load('../fixtures/oscal/oscal_assessment-results_schema.json'))
export const evidenceErrors = validator(load('../../resources/evidence-report-1.2.0.schema.json'))

/** Parses like Heimdall: the inspecjs exec-json parser (throws naming the bad key), then its contextualiser. */
export function heimdallOpen(text: string): ContextualizedEvaluation {
  Convert.toExecJSON(text)
  const converted = convertFile(text, true)
  if (!converted['1_0_ExecJson'])
    throw new Error(
      `inspecjs does not read this as HDF exec JSON: ${JSON.stringify(converted.errors ?? {}).slice(0, 500)}`,
    )
  return contextualizeEvaluation(converted['1_0_ExecJson'])
}

// Driftwatch's own evidence format: the whole report model, versioned, with its JSON Schema shipped in
// resources/ (evidence-report-1.2.0.schema.json). Same scope, same bytes: the model is sorted and its ids stable.
import { z } from 'zod'
import { ReportModel } from '../../../src-preload/contract'
import type { ExportFormat } from './format'
import { jsonBytes } from './format'

export const EVIDENCE_SCHEMA_ID = 'https://driftwatch.invalid/schemas/evidence-report-1.2.0.schema.json'
export const EVIDENCE_SCHEMA_FILE = 'evidence-report-1.2.0.schema.json'

export const jsonFormat: ExportFormat = {
  id: 'json',
  label: 'Evidence JSON',
  extension: '.json',
  mediaType: 'application/json',
  render: async (model) => ({
    bytes: jsonBytes({ $schema: EVIDENCE_SCHEMA_ID, ...model }),
    engine: 'driftwatch',
  }),
}

/** The schema as the model defines it; resources/ holds this, written out (a unit test keeps them equal). */
export function evidenceJsonSchema(): Record<string, unknown> {
  const body = z.toJSONSchema(ReportModel.extend({ $schema: z.literal(EVIDENCE_SCHEMA_ID) }).strict(), {
    target: 'draft-7',
    io: 'output',
  }) as Record<string, unknown>
  return {
    ...body,
    $id: EVIDENCE_SCHEMA_ID,
    title: 'Driftwatch evidence report',
    description:
      "A Driftwatch evidence report (format 1.2.0): scope, engagement, per-target scores and trend, every rule result of each target's latest scan with its evidence in words and as data, drift events, and the evidence artefacts with their SHA-256.",
  }
}

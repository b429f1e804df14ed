// MITRE SAF CLI / Heimdall attestation files: a JSON or YAML list of {control_id, explanation, frequency,
// status, updated, updated_by}, as `saf attest create` writes and `saf attest apply` reads them.
import { lazyRequire } from '../util/lazy-require'
import type * as Yaml from 'yaml'
import { z } from 'zod'
import { frequencyText } from '../../../src-preload/contract'

// Loaded when a file is first read or written, not when Driftwatch starts.
const yaml = lazyRequire<typeof Yaml>('yaml')

export const SafAttestation = z.object({
  control_id: z.string({ error: 'control_id is required' }).trim().min(1, 'control_id is required').max(200),
  explanation: z
    .string({ error: 'explanation is required' })
    .trim()
    .min(1, 'explanation is required')
    .max(5000),
  frequency: frequencyText,
  status: z.enum(['passed', 'failed'], { error: 'status is passed or failed' }),
  // YAML reads an unquoted 2026-01-31 as a date: either form is a date here.
  updated: z
    .union([z.string(), z.date()], { error: 'updated is required (a date such as 2026-01-31)' })
    .transform((v) => (v instanceof Date ? v.toISOString() : v.trim()))
    .refine((v) => v !== '' && !Number.isNaN(Date.parse(v)), 'updated must be a date such as 2026-01-31'),
  updated_by: z.string({ error: 'updated_by is required' }).trim().min(1, 'updated_by is required').max(200),
})
export type SafAttestation = z.output<typeof SafAttestation>

export class SafFileError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message)
  }
}

/** Reads a whole file, or throws naming the first entry and field at fault. */
export function parseSafAttestations(text: string): SafAttestation[] {
  let data: unknown
  try {
    data = yaml().parse(text, { maxAliasCount: 100 })
  } catch (err) {
    throw new SafFileError(
      `The attestation file is not valid JSON or YAML: ${(err as Error).message.split('\n')[0]}`,
      'text',
    )
  }
  // saf attest create writes a bare list; some tools wrap it as { attestations: [...] }.
  const list =
    data && typeof data === 'object' && !Array.isArray(data) && 'attestations' in data
      ? (data as { attestations: unknown }).attestations
      : data
  if (!Array.isArray(list))
    throw new SafFileError(
      'An attestation file is a list of entries with control_id, explanation, frequency, status, updated, updated_by',
      'text',
    )
  if (list.length === 0) throw new SafFileError('The attestation file has no entries', 'text')
  if (list.length > 10_000)
    throw new SafFileError('The attestation file has more than 10,000 entries', 'text')
  return list.map((raw, i) => {
    const r = SafAttestation.safeParse(raw)
    if (!r.success) {
      const issue = r.error.issues[0]!
      const id =
        raw && typeof raw === 'object' && typeof (raw as { control_id?: unknown }).control_id === 'string'
          ? ` (${(raw as { control_id: string }).control_id.slice(0, 100)})`
          : ''
      throw new SafFileError(`Entry ${i + 1}${id}: ${issue.message}`, `${i}.${issue.path.join('.')}`)
    }
    return r.data
  })
}

export function writeSafAttestations(list: readonly SafAttestation[], format: 'json' | 'yaml'): string {
  const plain = list.map((a) => ({
    control_id: a.control_id,
    explanation: a.explanation,
    frequency: a.frequency,
    status: a.status,
    updated: a.updated,
    updated_by: a.updated_by,
  }))
  return format === 'yaml' ? yaml().stringify(plain) : JSON.stringify(plain, null, 2) + '\n'
}

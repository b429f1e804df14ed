// An exception's supporting file inside the exceptions export: written out whole (base64) beside its SHA-256,
// and on import checked against that hash before anything is stored, so the file that arrives is the one approved.
import { createHash } from 'node:crypto'
import { z } from 'zod'
import type { JudgementRepo } from '../store/judgement'
import { invalid } from './context'

/** How the exported file names and carries an evidence file. */
export interface EvidenceEntry {
  sha256: string
  name: string
  mediaType: string
  base64: string
}

const Entry = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'evidence.sha256 is not a SHA-256 (64 hex digits)'),
  name: z.string().max(200, 'evidence.name is longer than 200 characters').default(''),
  mediaType: z.string().min(1).max(200).default('application/octet-stream'),
  base64: z.string({ error: 'evidence.base64 (the file itself) is missing' }),
})

export function evidenceEntry(repo: JudgementRepo, ref: { sha256: string; name: string }): EvidenceEntry {
  const f = repo.evidenceFile(ref.sha256)
  if (!f)
    throw invalid(
      'evidence',
      `The evidence file ${ref.sha256} of an exception is no longer in the store: it cannot be exported`,
    )
  return { sha256: ref.sha256, name: ref.name, mediaType: f.mediaType, base64: f.bytes.toString('base64') }
}

/** The entry's file, its bytes checked against its SHA-256; `at` names the entry in errors ("Exception 2"). */
export function readEvidenceEntry(
  raw: unknown,
  legacySha: unknown,
  at: { path: string; label: string },
): { sha256: string; name: string; mediaType: string; bytes: Buffer } | null {
  if (raw === undefined || raw === null) {
    if (legacySha !== undefined)
      throw invalid(
        `${at.path}.evidenceSha256`,
        `${at.label}: names an evidence file by its SHA-256 but does not carry it; export the exceptions again ` +
          'with this version of Driftwatch so the file travels with them',
      )
    return null
  }
  const e = Entry.safeParse(raw)
  if (!e.success)
    throw invalid(`${at.path}.evidence`, `${at.label}: ${e.error.issues[0]?.message ?? 'bad evidence'}`)
  const text = e.data.base64.replace(/\s+/g, '')
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text))
    throw invalid(`${at.path}.evidence.base64`, `${at.label}: the evidence file is not valid base64`)
  const bytes = Buffer.from(text, 'base64')
  const actual = createHash('sha256').update(bytes).digest('hex')
  if (actual !== e.data.sha256)
    throw invalid(
      `${at.path}.evidence.sha256`,
      `${at.label}: the evidence file ${e.data.name ? `"${e.data.name.slice(0, 100)}" ` : ''}does not match its ` +
        `SHA-256 (the file says ${e.data.sha256}, its content gives ${actual}): it was changed or damaged, ` +
        'so nothing was imported',
    )
  return { sha256: actual, name: e.data.name, mediaType: e.data.mediaType, bytes }
}

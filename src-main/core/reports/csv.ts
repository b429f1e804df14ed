// Findings as CSV (RFC 4180) for spreadsheets: one row per failed or errored rule, most severe first.
// Cells that a spreadsheet would run as a formula are prefixed with an apostrophe (CSV injection).
import type { ExportFormat } from './format'
import { findingsBySeverity } from './model'
import { findingLines } from './finding-text'
import { referenceLabel } from '../../../src-preload/labels'
import { JUDGEMENT_COLUMNS, judgementCells } from './csv-judgement'

export const CSV_COLUMNS = [
  'target',
  'host',
  'severity',
  'status',
  'rule_id',
  'title',
  'actual',
  'expected',
  'message',
  'identifiers',
  'scan_id',
  'scan_finished',
  'description',
  'remediation',
  'rationale',
  'references',
  'evidence',
  ...JUDGEMENT_COLUMNS,
  'profile',
  'tailoring',
  'tailoring_sha256',
  'report_id',
] as const

export function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export const csvFormat: ExportFormat = {
  id: 'csv',
  label: 'Findings CSV',
  extension: '.csv',
  mediaType: 'text/csv',
  async render(model) {
    const target = new Map(model.targets.map((t) => [t.id, t]))
    const finished = new Map(model.scans.map((s) => [s.id, s.finishedAt]))
    const policy = new Map(model.method.flatMap((m) => m.scanIds.map((id) => [id, m] as const)))
    const lines = [CSV_COLUMNS.join(',')]
    for (const f of findingsBySeverity(model)) {
      const t = target.get(f.targetId)
      lines.push(
        [
          t?.name ?? f.targetId,
          t?.host ?? '',
          f.severity,
          f.status,
          f.ruleId,
          f.title,
          f.actual,
          f.expected,
          f.message,
          f.idents.map(referenceLabel).join('; '),
          f.scanId,
          finished.get(f.scanId) ?? '',
          f.description,
          f.remediation,
          f.rationale,
          f.references.map(referenceLabel).join('; '),
          findingLines(f).join('\n'),
          ...judgementCells(f),
          policy.get(f.scanId)?.profileId ?? '',
          policy.get(f.scanId)?.tailoring?.name ?? '',
          policy.get(f.scanId)?.tailoring?.sha256 ?? '',
          model.reportId,
        ]
          .map(csvCell)
          .join(','),
      )
    }
    return { bytes: Buffer.from(lines.join('\r\n') + '\r\n', 'utf8'), engine: 'driftwatch' }
  },
}

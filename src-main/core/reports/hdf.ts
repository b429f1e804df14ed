// MITRE's Heimdall Data Format (HDF exec JSON, as inspecjs defines it): one control per rule, with one
// result per target, so Heimdall shows a rule failing on two hosts as one failed control with two results.
import { createHash } from 'node:crypto'
import type { ReportModel } from '../../../src-preload/contract'
import type { ExportFormat } from './format'
import { jsonBytes } from './format'
import { findingLines, testedText } from './finding-text'
import { referenceLabel } from '../../../src-preload/labels'
import { hdfJudgement } from './hdf-judgement'
import { methodText } from './method'

// Heimdall reads severity from impact (convertImpactToSeverity); impact 0 means "not applicable".
const IMPACT: Record<string, number> = { high: 0.7, medium: 0.5, low: 0.3, info: 0.1, unknown: 0.5 }

const hdfStatus = (s: string): 'passed' | 'failed' | 'error' | 'skipped' =>
  s === 'pass' || s === 'fixed' ? 'passed' : s === 'fail' ? 'failed' : s === 'error' ? 'error' : 'skipped'

export function toHdf(model: ReportModel): unknown {
  const target = new Map(model.targets.map((t) => [t.id, t]))
  const scan = new Map(model.scans.map((s) => [s.id, s]))
  const controls = new Map<string, ReportModel['results']>()
  for (const r of model.results) controls.set(r.ruleId, [...(controls.get(r.ruleId) ?? []), r])

  const hdfControls = [...controls.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([ruleId, rows]) => {
      const first = rows[0]!
      const applicable = rows.some((r) => r.status !== 'notapplicable')
      const nist = first.references.filter((x) => x.system === 'NIST-800-53').map((x) => x.id)
      const cci = first.references
        .filter((x) => x.system === 'DISA-CCI' || x.system === 'CCI')
        .map((x) => x.id)
      const judged = hdfJudgement(rows, (id) => target.get(id)?.name ?? id, model.asOf)
      return {
        id: ruleId,
        title: first.title,
        // Heimdall shows desc as the control's text and descriptions by label (default, fix, rationale).
        desc: first.description || first.title,
        descriptions: [
          ...(first.description ? [{ label: 'default', data: first.description }] : []),
          ...(first.remediation ? [{ label: 'fix', data: first.remediation }] : []),
          ...(first.rationale ? [{ label: 'rationale', data: first.rationale }] : []),
        ],
        impact: applicable ? (IMPACT[first.severity] ?? 0.5) : 0,
        refs: first.references.map((r) => ({ ref: referenceLabel(r) })),
        tags: {
          severity: first.severity,
          nist,
          ...(cci.length ? { cci } : {}),
          idents: first.idents.map(referenceLabel),
          references: first.references.map(referenceLabel),
        },
        code: null,
        source_location: { ref: first.scanId, line: null },
        ...judged.fields,
        results: [
          ...rows.map((r) => {
            const t = target.get(r.targetId)
            const s = scan.get(r.scanId)
            const status = hdfStatus(r.status)
            const detail = findingLines(r).join('\n')
            return {
              status,
              code_desc: `${t?.name ?? r.targetId}: ${testedText(r)}`,
              ...(status === 'failed' || status === 'error' ? { message: detail || `rule ${r.status}` } : {}),
              ...(status === 'skipped'
                ? { skip_message: `XCCDF result ${r.status}${detail ? `: ${detail}` : ''}` }
                : {}),
              resource: t?.name ?? r.targetId,
              resource_id: r.targetId,
              start_time: s?.startedAt ?? model.asOf,
            }
          }),
          ...judged.segments,
        ],
      }
    })

  return {
    platform: {
      name: 'Driftwatch',
      release: model.generator.version,
      target_id: model.targets.map((t) => t.name).join(', '),
    },
    version: model.generator.version,
    statistics: {},
    profiles: [
      {
        name: 'driftwatch-evidence',
        title: model.title,
        version: model.formatVersion,
        sha256: createHash('sha256').update(`hdf|${model.reportId}`).digest('hex'),
        summary: [
          `Driftwatch evidence report ${model.reportId} as of ${model.asOf} for ${model.targets.map((t) => t.name).join(', ')}`,
          ...model.method.map(methodText),
        ].join('\n'),
        maintainer: model.engagement.auditor || null,
        copyright: model.engagement.organisation || null,
        supports: [],
        // The policy each scan ran, as InSpec inputs read: name and value.
        attributes: model.method.map((m, i) => ({
          name: `driftwatch_method_${i + 1}`,
          options: { value: m, description: methodText(m) },
        })),
        groups: [],
        status: 'loaded',
        controls: hdfControls,
      },
    ],
  }
}

export const hdfFormat: ExportFormat = {
  id: 'hdf',
  label: 'Heimdall (HDF)',
  extension: '.hdf.json',
  mediaType: 'application/json',
  render: async (model) => ({ bytes: jsonBytes(toHdf(model)), engine: 'driftwatch' }),
}

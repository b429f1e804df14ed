// OSCAL Assessment Results (JSON, OSCAL 1.0.6, valid against NIST's schema): one result per target (its
// latest scan), an observation per rule evaluated, a finding per rule that passed or failed, targets as
// inventory items, evidence artefacts as back-matter resources with their SHA-256. Every UUID is derived
// from what it names, so the same scope exports the same document.
import type { ReportModel } from '../../../src-preload/contract'
import type { ExportFormat } from './format'
import { jsonBytes } from './format'
import { stableUuid } from './model'
import { findingLines } from './finding-text'
import { methodOfScan, methodText } from './method'
import { referenceLabel } from '../../../src-preload/labels'
import { findingRisk, oscalJudgement } from './oscal-judgement'
import { controlsOf } from '../controls/references'
import { nistCatalog, nistLabel } from '../controls/catalog'
import { judgedCounts } from '../controls/judged'
import { targetControlStatus } from '../controls/status'
import type { ControlStatus } from '../../../src-preload/contract'

export const OSCAL_VERSION = '1.0.6'

/** OSCAL strings used as prop values may not be empty, start or end with space, or hold line breaks. */
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim()
const prop = (name: string, value: string) => {
  const v = oneLine(value)
  return v ? [{ name, ns: 'https://driftwatch.invalid/ns/oscal', value: v }] : []
}
const nonEmpty = <T>(list: T[]) => (list.length ? list : undefined)
/** OSCAL tokens: a letter or underscore, then letters, digits, dots, hyphens, underscores. */
const token = (s: string) => {
  const t = s.replace(/[^\p{L}\p{N}._-]/gu, '_')
  return /^[\p{L}_]/u.test(t) ? t : `_${t}`
}

/** What a reader of the finding needs beside its result: how to fix it, why it matters, where it comes from. */
function findingRemarks(r: ReportModel['results'][number]): string | undefined {
  const refs = r.references.map(referenceLabel)
  const text = [
    r.remediation && `Remediation:\n${r.remediation}`,
    r.rationale && `Rationale: ${r.rationale}`,
    refs.length && `References: ${refs.join('; ')}`,
    r.evidenceExcerpt && `Evidence:\n${r.evidenceExcerpt}`,
  ]
    .filter(Boolean)
    .join('\n\n')
  return text || undefined
}

/** The policy a result was assessed against: benchmark, profile, tailoring and its SHA-256, how it was started. */
function policyProps(model: ReportModel, scan: ReportModel['scans'][number]) {
  const m = methodOfScan(model, scan.id)
  return [
    ...prop('benchmark', m?.benchmark ?? ''),
    ...prop('profile', scan.profileId),
    ...prop('tailoring', m?.tailoring?.name ?? ''),
    ...prop('tailoring-sha256', m?.tailoring?.sha256 ?? ''),
    ...prop('trigger', scan.trigger),
  ]
}

type Row = ReportModel['results'][number]

/**
 * The NIST SP 800-53 controls a target's rules map to, each with the status the Controls page gives it (the same
 * judged counts: a failure an exception in force covers reads excepted, an attested manual rule attested);
 * controls none of whose rules said anything decisive are not assessed and left out.
 */
function assessedControls(rows: Row[]) {
  const byControl = new Map<string, Row[]>()
  for (const r of rows)
    for (const c of controlsOf(r.references))
      if (c.framework === 'nist-800-53' && /^[a-z]{2}-\d+(\.\d+)?$/.test(c.controlId))
        byControl.set(c.controlId, [...(byControl.get(c.controlId) ?? []), r])
  const catalog = nistCatalog()
  return [...byControl.entries()]
    .map(([id, rs]) => {
      const counts = judgedCounts(rs)
      const c = catalog.byId.get(id)
      return {
        id,
        label: c?.label ?? nistLabel(id),
        title: c?.title ?? '',
        rows: rs,
        ...counts,
        status: targetControlStatus(counts),
      }
    })
    .filter((c) => c.status !== 'not-assessed')
    .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }))
}

/**
 * A control's status as OSCAL's objective status: satisfied or not, the reason saying how. An excepted control is
 * not satisfied with an approved deviation (reason "excepted", its risks linked); an attested one is satisfied
 * on a person's word (reason "attested").
 */
const OSCAL_STATE: Record<
  Exclude<ControlStatus, 'not-assessed' | 'partly'>,
  { state: string; reason: string }
> = {
  satisfied: { state: 'satisfied', reason: 'pass' },
  attested: { state: 'satisfied', reason: 'attested' },
  excepted: { state: 'not-satisfied', reason: 'excepted' },
  'not-satisfied': { state: 'not-satisfied', reason: 'fail' },
}

function controlDescription(c: ReturnType<typeof assessedControls>[number], target: string): string {
  const parts = [
    `${c.pass} of its rules passed, ${c.fail} failed`,
    c.excepted && `${c.excepted} failure${c.excepted === 1 ? '' : 's'} accepted by an exception in force`,
    c.attested && `${c.attested} manual check${c.attested === 1 ? '' : 's'} attested as passed`,
    c.attestedFailed && `${c.attestedFailed} attested as failed`,
  ].filter(Boolean)
  return `${c.label} on ${target}: ${c.status}; ${parts.join('; ')} (${c.rows.map((r) => r.ruleId).join(', ')}).`
}

export function toOscal(model: ReportModel): unknown {
  const u = (what: string) => stableUuid(`oscal|${model.reportId}|${what}`)
  const scanOf = new Map(model.scans.map((s) => [s.id, s]))
  const resourceOf = new Map(model.evidence.map((e) => [e.sha256, u(`evidence|${e.sha256}`)]))
  const planUuid = u('plan')
  const parties = [
    ...(model.engagement.auditor
      ? [{ uuid: u('party|auditor'), type: 'person', name: model.engagement.auditor }]
      : []),
    ...(model.engagement.organisation
      ? [{ uuid: u('party|organisation'), type: 'organization', name: model.engagement.organisation }]
      : []),
  ]

  const results = model.targets.map((t) => {
    const scan = scanOf.get(t.latestScanId)!
    const itemUuid = u(`target|${t.id}`)
    const evidenceUuid = scan.evidenceSha256 ? resourceOf.get(scan.evidenceSha256) : undefined
    const rows = model.results.filter((r) => r.targetId === t.id)
    const observations = rows.map((r) => ({
      uuid: u(`observation|${r.id}`),
      title: oneLine(r.title) || r.ruleId,
      description: [`Rule ${r.ruleId} evaluated ${r.status} on ${t.name}.`, ...findingLines(r)].join('\n'),
      props: [
        ...prop('rule-id', r.ruleId),
        ...prop('result', r.status),
        ...prop('severity', r.severity),
        ...r.idents.flatMap((i) => prop('ident', referenceLabel(i))),
      ],
      methods: ['TEST'],
      types: r.status === 'fail' || r.status === 'error' ? ['finding'] : undefined,
      subjects: [{ 'subject-uuid': itemUuid, type: 'inventory-item', title: t.name }],
      'relevant-evidence': evidenceUuid
        ? [
            {
              href: `#${evidenceUuid}`,
              // What the check examined, in words; the artefact holds the scanner's full record.
              description: [
                ...r.evidence.map((c) => c.text),
                `Full record: the raw scanner output (SHA-256 ${scan.evidenceSha256}).`,
              ].join('\n'),
            },
          ]
        : undefined,
      collected: scan.finishedAt,
    }))
    const findings = rows
      .filter(
        (r) => r.status === 'pass' || r.status === 'fail' || r.status === 'error' || r.status === 'fixed',
      )
      .map((r) => ({
        uuid: u(`finding|${r.id}`),
        title: oneLine(r.title) || r.ruleId,
        description: r.description || `${r.ruleId}: ${r.status}`,
        props: [
          ...prop('severity', r.severity),
          ...prop('result', r.status),
          ...r.references.flatMap((x) => prop('reference', referenceLabel(x))),
        ],
        target: {
          type: 'objective-id',
          'target-id': token(r.ruleId),
          status: {
            state: r.status === 'pass' || r.status === 'fixed' ? 'satisfied' : 'not-satisfied',
            reason:
              r.status === 'pass' || r.status === 'fixed' ? 'pass' : r.status === 'fail' ? 'fail' : 'other',
          },
        },
        'related-observations': [{ 'observation-uuid': u(`observation|${r.id}`) }],
        ...findingRisk(r, u),
        remarks: findingRemarks(r),
      }))
    const judged = oscalJudgement(rows, { name: t.name, itemUuid }, model.judgement, u)
    const controls = assessedControls(rows)
    // One finding per assessed control, aimed at its statement: what a GRC tool reads as control status.
    const controlFindings = controls.map((c) => {
      const risks = c.rows.filter((r) => r.judgement?.kind === 'excepted')
      const attested = c.rows.filter((r) => r.judgement?.kind === 'attested')
      return {
        uuid: u(`control-finding|${t.id}|${c.id}`),
        title: oneLine(`${c.label} ${c.title}`),
        description: controlDescription(c, t.name),
        props: [
          ...prop('control', c.label),
          ...prop('framework', 'NIST SP 800-53 Rev. 5'),
          ...prop('control-status', c.status),
        ],
        target: {
          type: 'statement-id',
          'target-id': token(`${c.id}_smt`),
          status: OSCAL_STATE[c.status as keyof typeof OSCAL_STATE],
        },
        'related-observations': [
          ...c.rows.map((r) => ({ 'observation-uuid': u(`observation|${r.id}`) })),
          ...attested.map((r) => ({
            'observation-uuid': u(
              `attestation|${r.id}|${(r.judgement as { attestationId: string }).attestationId}`,
            ),
          })),
        ],
        'related-risks': nonEmpty(risks.map((r) => ({ 'risk-uuid': u(`risk|${r.id}`) }))),
      }
    })
    return {
      uuid: u(`result|${t.id}|${scan.id}`),
      title: `${t.name}: ${scan.profileId || 'scan'}`,
      description:
        `Automated assessment of ${t.name} (${t.kind}, ${t.host}) by Driftwatch ${model.generator.version}; ` +
        `score ${t.score ?? 'n/a'}% (pass ÷ (pass + fail)).`,
      start: scan.startedAt,
      end: scan.finishedAt,
      props: [
        ...prop('score', t.score === null ? 'n/a' : String(t.score)),
        ...prop('scan-id', scan.id),
        ...policyProps(model, scan),
      ],
      'local-definitions': {
        'inventory-items': [
          {
            uuid: itemUuid,
            description: `${t.name} (${t.kind}) ${t.host}`,
            props: [...prop('target-id', t.id), ...prop('kind', t.kind), ...prop('host', t.host)],
          },
        ],
      },
      'reviewed-controls': {
        'control-selections': controls.length
          ? [
              {
                description: `NIST SP 800-53 Rev. 5 controls the rules of profile ${scan.profileId || 'default'} map to`,
                'include-controls': controls.map((c) => ({ 'control-id': c.id })),
              },
            ]
          : [
              {
                description: methodOfScan(model, scan.id)
                  ? methodText(methodOfScan(model, scan.id)!)
                  : `Rules of profile ${scan.profileId || 'default'}`,
                'include-all': {},
              },
            ],
      },
      observations: nonEmpty([...observations, ...judged.observations]),
      risks: nonEmpty(judged.risks),
      findings: nonEmpty([...controlFindings, ...findings, ...judged.findings]),
    }
  })

  const resources = [
    {
      uuid: planUuid,
      title: 'Assessment plan',
      description: model.method.map(methodText).join('\n'),
    },
    ...model.evidence.map((e) => ({
      uuid: resourceOf.get(e.sha256)!,
      title: `Evidence ${e.sha256.slice(0, 12)}`,
      description: `${e.mediaType.includes('tailoring') ? 'The XCCDF tailoring file oscap ran' : 'Raw scanner output'}, ${e.bytes} bytes (${e.mediaType}), for scans ${e.scanIds.join(', ')}`,
      rlinks: [
        {
          href: e.path,
          'media-type': e.mediaType,
          hashes: [{ algorithm: 'SHA-256', value: e.sha256 }],
        },
      ],
    })),
  ]

  return {
    'assessment-results': {
      uuid: u('document'),
      metadata: {
        title: model.title,
        'last-modified': model.asOf,
        version: model.formatVersion,
        'oscal-version': OSCAL_VERSION,
        props: nonEmpty([
          ...prop('engagement', model.engagement.name),
          ...prop('generator', `Driftwatch ${model.generator.version}`),
        ]),
        roles: parties.length ? [{ id: 'assessor', title: 'Assessor' }] : undefined,
        parties: nonEmpty(parties),
        'responsible-parties': parties.length
          ? [{ 'role-id': 'assessor', 'party-uuids': parties.map((p) => p.uuid) }]
          : undefined,
        remarks: model.engagement.notes || undefined,
      },
      'import-ap': { href: `#${planUuid}` },
      results,
      'back-matter': { resources },
    },
  }
}

export const oscalFormat: ExportFormat = {
  id: 'oscal',
  label: 'OSCAL Assessment Results',
  extension: '.oscal.json',
  mediaType: 'application/oscal.ar+json',
  render: async (model) => ({ bytes: jsonBytes(toOscal(model)), engine: 'driftwatch' }),
}

// The report's Findings: one block per failed rule, as an auditor reads them. The rule's description,
// remediation, rationale and references print once; under them one compact row per target it failed on
// (status, exception, what was found and expected). A rule that read differently on two targets (another
// benchmark, another tailored value in its fix) gets a block per wording. Thousands of findings stay a few
// hundred pages, and the page stays cheap to print: no rounded corners, no per-row break rules.
import type { ReportModel } from '../../src-preload/contract'
import { referenceLabels } from '../../src-preload/labels'
import { clip } from '../lib/format'

type Result = ReportModel['results'][number]

export const SEVERITY_ORDER = ['high', 'medium', 'low', 'unknown', 'info']
export const SEVERITY_LABEL: Record<string, string> = {
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  unknown: 'Unknown severity',
  info: 'Informational',
}
const FINDING = new Set(['fail', 'error'])
const EXCERPT = 700
/** Longer fixes are shortened on paper; the machine formats and the bundle carry them whole. */
const FIX_CHARS = 1200

const rank = (s: string) => (SEVERITY_ORDER.includes(s) ? SEVERITY_ORDER.indexOf(s) : SEVERITY_ORDER.length)

export function findingsBySeverity(model: ReportModel): Result[] {
  const name = new Map(model.targets.map((t) => [t.id, t.name]))
  return model.results
    .filter((r) => FINDING.has(r.status))
    .sort(
      (a, b) =>
        rank(a.severity) - rank(b.severity) ||
        (name.get(a.targetId) ?? '').localeCompare(name.get(b.targetId) ?? '') ||
        a.ruleId.localeCompare(b.ruleId),
    )
}

export interface RuleFindings {
  key: string
  /** The rule as it reads (the first target's result carries the words every row shares). */
  rule: Result
  /** One per target, in target order. */
  rows: Result[]
}

/** Findings (already in severity, target, rule order) gathered per rule and wording, by severity then rule id. */
export function findingsByRule(findings: Result[]): RuleFindings[] {
  const groups = new Map<string, RuleFindings>()
  for (const f of findings) {
    const key = JSON.stringify([
      f.severity,
      f.ruleId,
      f.title,
      f.description,
      f.remediation,
      f.rationale,
      f.references,
      f.idents,
    ])
    const g = groups.get(key)
    if (g) g.rows.push(f)
    else groups.set(key, { key, rule: f, rows: [f] })
  }
  return [...groups.values()].sort(
    (a, b) =>
      rank(a.rule.severity) - rank(b.rule.severity) ||
      a.rule.ruleId.localeCompare(b.rule.ruleId) ||
      a.key.localeCompare(b.key),
  )
}

function Evidence({ f, artefact }: { f: Result; artefact: string }) {
  const found = [f.actual && `Found: ${f.actual}`, f.expected && `Expected: ${f.expected}`]
    .filter(Boolean)
    .join(' · ')
  const more = [f.message, f.evidenceExcerpt].filter(Boolean).map((x) => clip(x, EXCERPT))
  if (!found && more.length === 0)
    return (
      <>
        The check reported {f.status} without further output; its full record is in the evidence artefact{' '}
        <span className="mono">{artefact}…</span> (appendix).
      </>
    )
  return (
    <>
      {found && <div className="mono">{clip(found, EXCERPT)}</div>}
      {more.length > 0 && <div className="mono rf-more">{more.join('\n')}</div>}
    </>
  )
}

function RuleBlock({
  g,
  targetName,
  artefactOf,
}: {
  g: RuleFindings
  targetName: Map<string, string>
  artefactOf: (scanId: string) => string
}) {
  const r = g.rule
  const fixLines = r.remediation.split('\n').length
  const refs = referenceLabels(r.idents, r.references)
  const errors = g.rows.filter((x) => x.status === 'error').length
  const fails = g.rows.length - errors
  return (
    <div className="rf" data-rule={r.ruleId}>
      <div className="rf-head">
        <span className={`report-sev sev-${r.severity}`}>{r.severity}</span> <strong>{r.title}</strong>
      </div>
      <div className="rf-meta">
        <span className="mono">{r.ruleId}</span> ·{' '}
        {[
          fails > 0 && `failed on ${fails} target${fails === 1 ? '' : 's'}`,
          errors > 0 && `errored on ${errors} target${errors === 1 ? '' : 's'}`,
        ]
          .filter(Boolean)
          .join(', ')}
      </div>
      {r.description && <p className="report-description">{clip(r.description, 900)}</p>}
      <table className="rf-rows">
        <tbody>
          {g.rows.map((f) => (
            <tr key={f.id}>
              <td className="rf-target">{targetName.get(f.targetId) ?? f.targetId}</td>
              <td className="rf-status">{f.status}</td>
              <td className="rf-evidence">
                {/* A line of its own across the wide cell: it never wraps into the evidence beside it. */}
                {f.judgement?.kind === 'excepted' && (
                  <strong className="report-excepted">
                    Accepted deviation: excepted until {f.judgement.expiresAt.slice(0, 10)} (
                    {f.judgement.approvedBy})
                  </strong>
                )}
                <Evidence f={f} artefact={artefactOf(f.scanId)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {r.remediation && (
        <div className="report-remediation">
          <span className="label">Remediation</span>
          <pre>
            {r.remediation.length > FIX_CHARS ? r.remediation.slice(0, FIX_CHARS).trimEnd() : r.remediation}
          </pre>
          {r.remediation.length > FIX_CHARS && (
            <p className="rf-note">
              Shortened here ({fixLines} lines, {r.remediation.length - FIX_CHARS} more characters): the whole
              fix is in the JSON, CSV and HDF exports (report.json in the evidence bundle).
            </p>
          )}
        </div>
      )}
      {r.rationale && (
        <div className="report-rationale">
          <span className="label">Rationale</span>
          <p>{clip(r.rationale, 900)}</p>
        </div>
      )}
      {refs.length > 0 && (
        <div className="report-references">
          <span className="label">References</span>
          <p>{refs.join(' · ')}</p>
        </div>
      )}
    </div>
  )
}

export function FindingsSection({
  model,
  targetName,
  maxFindings,
}: {
  model: ReportModel
  targetName: Map<string, string>
  maxFindings?: number
}) {
  const findings = findingsBySeverity(model)
  const shown = maxFindings === undefined ? findings : findings.slice(0, maxFindings)
  const groups = findingsByRule(shown)
  const evidenceOf = new Map(model.scans.map((s) => [s.id, s.evidenceSha256?.slice(0, 16) ?? '—']))
  const artefactOf = (scanId: string) => evidenceOf.get(scanId) ?? '—'
  const severities = [...new Set(groups.map((g) => g.rule.severity))]
  const targets = new Set(findings.map((f) => f.targetId)).size
  return (
    <section className="report-section">
      <h2>3. Findings</h2>
      {findings.length === 0 ? (
        <p>No rule failed or errored in the latest scans.</p>
      ) : (
        <p>
          {findings.length} finding{findings.length === 1 ? '' : 's'} on {targets} target
          {targets === 1 ? '' : 's'}, by rule: each rule&rsquo;s description, remediation, rationale and
          references once, then each target it failed on with what was found.
        </p>
      )}
      {severities.map((sev) => {
        const list = groups.filter((g) => g.rule.severity === sev)
        const total = model.results.filter((r) => FINDING.has(r.status) && r.severity === sev).length
        const rules = new Set(list.map((g) => g.rule.ruleId)).size
        return (
          <div key={sev} className="report-sev-group">
            <h3>
              {SEVERITY_LABEL[sev] ?? sev} ({total} finding{total === 1 ? '' : 's'}, {rules} rule
              {rules === 1 ? '' : 's'})
            </h3>
            {list.map((g) => (
              <RuleBlock key={g.key} g={g} targetName={targetName} artefactOf={artefactOf} />
            ))}
          </div>
        )
      })}
      {shown.length < findings.length && (
        <p className="report-more">
          … and {findings.length - shown.length} more findings, all of them in the exported report.
        </p>
      )}
    </section>
  )
}

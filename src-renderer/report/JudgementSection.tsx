// The report's "Exceptions and attestations" section: each accepted deviation (who approved it, why, until
// when, its evidence hash) and each manual attestation, and every target's score as scanned and after them.
import type { ReportModel } from '../../src-preload/contract'

const day = (iso: string) => iso.slice(0, 10)

export function JudgementSection({
  model,
  targetName,
}: {
  model: ReportModel
  targetName: Map<string, string>
}) {
  const j = model.judgement
  if (!j) return null
  const scope = (e: NonNullable<ReportModel['judgement']>['exceptions'][number]) =>
    e.scope === 'all'
      ? 'every target'
      : e.scope === 'group'
        ? `group ${e.group ?? ''}`
        : (targetName.get(e.targetId ?? '') ?? e.targetId ?? '')
  return (
    <section className="report-section report-judgement">
      <h2>Exceptions and attestations</h2>
      <p>
        Read on {day(j.evaluatedAt)}. An excepted finding keeps the status the scan found; it is listed above
        and marked excepted. Scores are shown as scanned and after exceptions and attestations.
      </p>
      <table className="report-table">
        <thead>
          <tr>
            <th>Target</th>
            <th>Score as scanned</th>
            <th>Score after exceptions and attestations</th>
            <th>Excepted</th>
            <th>Attested</th>
          </tr>
        </thead>
        <tbody>
          {j.targets.map((t) => (
            <tr key={t.targetId}>
              <td>{targetName.get(t.targetId) ?? t.targetId}</td>
              <td>{t.summary.scoreRaw === null ? 'n/a' : `${t.summary.scoreRaw}%`}</td>
              <td>{t.summary.scoreAfter === null ? 'n/a' : `${t.summary.scoreAfter}%`}</td>
              <td>{t.summary.excepted}</td>
              <td>{t.summary.attested}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {j.exceptions.length > 0 && (
        <>
          <h3>Exceptions ({j.exceptions.length})</h3>
          <table className="report-table">
            <thead>
              <tr>
                <th>Rule</th>
                <th>Scope</th>
                <th>Approved by</th>
                <th>Why</th>
                <th>Until</th>
                <th>Evidence</th>
              </tr>
            </thead>
            <tbody>
              {j.exceptions.map((e) => (
                <tr key={e.id}>
                  <td className="mono">{e.rulePattern}</td>
                  <td>{scope(e)}</td>
                  <td>{e.approvedBy}</td>
                  <td>{e.justification}</td>
                  <td>
                    {day(e.expiresAt)}
                    {e.state === 'expired'
                      ? ' (expired)'
                      : e.state === 'expiring'
                        ? ' (expires within a week)'
                        : ''}
                  </td>
                  <td className="mono">{e.evidence ? `SHA-256 ${e.evidence.sha256}` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {j.attestations.length > 0 && (
        <>
          <h3>Attestations ({j.attestations.length})</h3>
          <table className="report-table">
            <thead>
              <tr>
                <th>Rule</th>
                <th>Target</th>
                <th>Status</th>
                <th>By, on</th>
                <th>Explanation</th>
                <th>Renewed</th>
                <th>Evidence</th>
              </tr>
            </thead>
            <tbody>
              {j.attestations.map((a) => (
                <tr key={a.id}>
                  <td className="mono">{a.ruleId}</td>
                  <td>{a.targetId ? (targetName.get(a.targetId) ?? a.targetId) : 'every target'}</td>
                  <td>{a.lapsed ? `lapsed (was ${a.status})` : a.status}</td>
                  <td>
                    {a.attestedBy}, {day(a.attestedAt)}
                  </td>
                  <td>{a.explanation}</td>
                  <td>
                    {a.frequency}, next by {day(a.expiresAt)}
                  </td>
                  <td className="mono">{a.evidence ? `SHA-256 ${a.evidence.sha256}` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  )
}

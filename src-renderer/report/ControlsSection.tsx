// The report's "Results by control": each NIST SP 800-53 control the results map to, its status over the
// report's targets and on each of them, with counts per family, as an auditor reports ("AU-2 satisfied on 2 of 3").
import type { ControlStatus, ReportModel } from '../../src-preload/contract'

const STATUS: Record<ControlStatus, string> = {
  satisfied: 'satisfied',
  'not-satisfied': 'not satisfied',
  partly: 'partly',
  excepted: 'excepted',
  attested: 'attested',
  'not-assessed': 'not assessed',
}

const familyCounts = (c: Record<ControlStatus, number>) =>
  (Object.keys(STATUS) as ControlStatus[])
    .filter((s) => c[s] > 0)
    .map((s) => `${STATUS[s]} ${c[s]}`)
    .join(' · ')

export function ControlsSection(props: { model: ReportModel; targetName: Map<string, string> }) {
  const c = props.model.controls
  if (!c) return null
  return (
    <section className="report-section" data-section="controls">
      <h2>Results by control</h2>
      <p>
        The {c.framework} controls this report&apos;s rule results map to (through the rules&apos;
        references). A control is not satisfied on a target when any of its rules failed without an exception
        in force, or a manual check was attested as failed; excepted when its only failures are excepted;
        attested when an attestation alone answers it.
      </p>
      {c.families.map((f) => (
        <div key={f.id}>
          <h3>
            {f.id.toUpperCase()} {f.title} — {familyCounts(f.counts)}
          </h3>
          <table className="report-table">
            <thead>
              <tr>
                <th>Control</th>
                <th>Status</th>
                <th>By target</th>
              </tr>
            </thead>
            <tbody>
              {c.controls
                .filter((x) => x.family === f.id)
                .map((x) => (
                  <tr key={x.id} data-control={x.id}>
                    <td>
                      <strong>{x.label}</strong> {x.title}
                    </td>
                    <td>{STATUS[x.status]}</td>
                    <td>
                      {x.targets
                        .map((t) => `${props.targetName.get(t.targetId) ?? t.targetId}: ${STATUS[t.status]}`)
                        .join('; ')}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  )
}

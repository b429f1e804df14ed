// The result of "Test connection": each step a scan depends on, passed or failed, and what to do about a failure.
import type { Res } from '../../src-preload/contract'

export function ConnectionReport({ report }: { report: Res<'targets.testConnection'> }) {
  return (
    <section
      className={`connection-report ${report.status === 'ok' ? 'ok' : 'bad'}`}
      aria-label="Connection test"
      role="status"
    >
      <p>
        <strong>{report.status === 'ok' ? 'Ready to scan' : 'Not ready'}</strong> — {report.message}
      </p>
      {report.steps.length > 0 && (
        <ul className="steps">
          {report.steps.map((s) => (
            <li key={s.step} className={s.ok ? 'ok' : 'bad'}>
              <span aria-hidden="true">{s.ok ? '✓' : '✗'}</span> <strong>{s.step}</strong> {s.detail}
              {!s.ok && s.fix && <div className="fix">{s.fix}</div>}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

// The result of "Test connection": each step a scan depends on, passed or failed, and what to do about a failure.
import type { Res } from '../../src-preload/contract'
import { useStore } from '../stores'

export function ConnectionReport({ report }: { report: Res<'targets.testConnection'> }) {
  const ready = report.status === 'ok'
  return (
    <section
      className={`connection-report ${ready ? 'ok' : 'bad'}`}
      aria-label="Connection test"
      role="status"
    >
      <p>
        <strong>{ready ? 'Ready to scan' : 'Not ready'}</strong> — {report.message}
      </p>
      {report.steps.length > 0 && (
        <ul className="steps">
          {report.steps.map((s) => (
            <li key={s.step} className={s.ok ? 'ok' : 'bad'}>
              {/* A failed step that does not stop the scan (e.g. too many privileges) is a warning. */}
              <span aria-hidden="true">{s.ok ? '✓' : ready ? '⚠' : '✗'}</span> <strong>{s.step}</strong>{' '}
              {s.detail}
              {!s.ok &&
                s.fix &&
                (s.fix.includes('\n') ? <CopyableFix text={s.fix} /> : <div className="fix">{s.fix}</div>)}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

/** A fix that is code (the SQL for a least-privilege role): shown as it is, with a button to copy it. */
function CopyableFix({ text }: { text: string }) {
  const toast = useStore((s) => s.toast)
  const copy = () =>
    navigator.clipboard.writeText(text).then(
      () => toast('info', 'Copied the SQL'),
      (err: Error) => toast('error', `Could not copy: ${err.message}; select the text instead`),
    )
  return (
    <div className="fix">
      <pre className="evidence fix-code" aria-label="Fix to copy">
        {text}
      </pre>
      <button type="button" className="button" onClick={() => void copy()}>
        Copy SQL
      </button>
    </div>
  )
}

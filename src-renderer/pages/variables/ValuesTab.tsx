// The "Values" tab: one card per XCCDF Value with its editor, what the profile sets, its bounds or pattern,
// the problem with a value typed here, and the rules that use it.
import type { ValueView } from '../../../src-preload/contract'
import { effectiveValue, short, type Changes } from './changes'
import { ValueEditor } from './ValueEditor'

export function ValuesTab(props: {
  values: ValueView[]
  changes: Changes
  problems: Record<string, string>
  serverIssues: Record<string, string>
  onSelector(v: ValueView, selector: string): void
  onLiteral(v: ValueView, value: string): void
}) {
  const { changes } = props
  return (
    <ul className="values">
      {props.values.map((v) => {
        const changed = changes.setValues[v.id] !== undefined || changes.refineValues[v.id] !== undefined
        const problem = props.problems[v.id] ?? props.serverIssues[`values.${v.id}`]
        const inputId = `v-${short(v.id)}`
        return (
          <li key={v.id} className={`value-card${changed ? ' changed' : ''}`} data-value={short(v.id)}>
            <div className="value-head">
              <label htmlFor={inputId}>{v.title}</label>
              <span className="badge">{v.type}</span>
            </div>
            <p className="muted small mono">{short(v.id)}</p>
            <ValueEditor
              v={v}
              id={inputId}
              current={effectiveValue(changes, v)}
              custom={changes.setValues[v.id] !== undefined}
              selector={changes.refineValues[v.id] ?? v.profileSelector}
              onSelector={(s) => props.onSelector(v, s)}
              onLiteral={(x) => props.onLiteral(v, x)}
              invalid={Boolean(problem)}
            />
            {problem && (
              <p className="field-error" role="alert">
                {problem}
              </p>
            )}
            <p className="small muted">
              Profile sets <strong>{v.profileValue || '(empty)'}</strong>
              {v.profileSelector && ` (${v.profileSelector})`}
              {v.lowerBound !== undefined || v.upperBound !== undefined
                ? ` · bounds ${v.lowerBound ?? '−∞'}…${v.upperBound ?? '∞'}`
                : ''}
              {v.match ? ` · pattern ${v.match}` : ''}
              {changed && (
                <button
                  type="button"
                  className="link small"
                  onClick={() => props.onLiteral(v, v.profileValue)}
                >
                  Reset
                </button>
              )}
            </p>
            <details>
              <summary className="small">
                Used by {v.usedBy.length} {v.usedBy.length === 1 ? 'rule' : 'rules'}
              </summary>
              <ul className="small">
                {v.usedBy.map((r) => (
                  <li key={r.id}>{r.title}</li>
                ))}
              </ul>
            </details>
          </li>
        )
      })}
    </ul>
  )
}

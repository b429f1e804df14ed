// The editor of one XCCDF Value, by its type: a select of its named selectors (with a custom literal), a
// true/false select, or a text field for numbers and strings.
import { useState } from 'react'
import type { ValueView } from '../../../src-preload/contract'

export function ValueEditor(props: {
  v: ValueView
  id: string
  current: string
  /** The selector in force ('' = the Value's default, which has no selector name). */
  selector: string
  /** A literal value is set (set-value) instead of a selector. */
  custom: boolean
  invalid: boolean
  onSelector(s: string): void
  onLiteral(x: string): void
}) {
  const { v } = props
  // Choosing "Custom value…" opens the field even while the literal still equals the profile's (a 0, say):
  // that choice records no change yet, so it cannot be read back from the changes.
  const [customOpen, setCustomOpen] = useState(false)
  if (v.selectors.length > 0 && v.type !== 'boolean') {
    const custom = props.custom || customOpen
    const pick = (value: string) => {
      setCustomOpen(value === '__custom')
      if (value === '__custom') props.onLiteral(props.current)
      // The default has no selector name: choosing it means the literal default value.
      else if (value === '__default') props.onLiteral(v.default)
      else props.onSelector(value)
    }
    return (
      <div className="value-editor">
        <select
          id={props.id}
          value={custom ? '__custom' : props.selector || '__default'}
          onChange={(e) => pick(e.target.value)}
        >
          <option value="__default">(default) — {v.default || '(empty)'}</option>
          {v.selectors.map((s) => (
            <option key={s.selector} value={s.selector}>
              {s.selector} — {s.value || '(empty)'}
            </option>
          ))}
          <option value="__custom">Custom value…</option>
        </select>
        {custom && (
          <input
            aria-label={`${v.title} (custom)`}
            type={v.type === 'number' ? 'text' : 'text'}
            inputMode={v.type === 'number' ? 'numeric' : undefined}
            value={props.current}
            aria-invalid={props.invalid}
            onChange={(e) => props.onLiteral(e.target.value)}
          />
        )}
      </div>
    )
  }
  if (v.type === 'boolean')
    return (
      <select id={props.id} value={props.current} onChange={(e) => props.onLiteral(e.target.value)}>
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    )
  return (
    <input
      id={props.id}
      value={props.current}
      inputMode={v.type === 'number' ? 'numeric' : undefined}
      aria-invalid={props.invalid}
      onChange={(e) => props.onLiteral(e.target.value)}
    />
  )
}

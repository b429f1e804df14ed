// A labelled form field with its error message wired for screen readers (aria-invalid, aria-describedby).
import { useId, type ReactNode } from 'react'

export function Field(props: {
  label: string
  error?: string
  hint?: string
  children: (ids: { id: string; describedBy?: string; invalid: boolean }) => ReactNode
}) {
  const id = useId()
  const errId = `${id}-err`
  const hintId = `${id}-hint`
  const describedBy =
    [props.error ? errId : '', props.hint ? hintId : ''].filter(Boolean).join(' ') || undefined
  return (
    <div className={`field${props.error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.children({ id, describedBy, invalid: Boolean(props.error) })}
      {props.hint && !props.error && (
        <p id={hintId} className="hint">
          {props.hint}
        </p>
      )}
      {props.error && (
        <p id={errId} className="field-error" role="alert">
          {props.error}
        </p>
      )}
    </div>
  )
}

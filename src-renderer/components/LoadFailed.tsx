// The one "could not load" notice: what could not be read, the reason, and a Try again button.
// `inline` is the small form that sits inside a field or a folded row; the default is a page banner.
export function LoadFailed(props: {
  /** What failed, in the place's own words, e.g. "Could not read the vault". */
  what: string
  error: string | undefined
  onRetry: () => void
  inline?: boolean
  className?: string
}) {
  const inline = props.inline === true
  // Inline, it may sit inside a <label>, where only phrasing content is allowed.
  const Tag = inline ? 'span' : 'p'
  const className = [inline ? 'field-error' : 'banner error', props.className].filter(Boolean).join(' ')
  return (
    <Tag className={className} role="alert">
      {props.what}: {props.error || 'no reason was given'}{' '}
      <button type="button" className={inline ? 'link small' : 'link'} onClick={props.onRetry}>
        Try again
      </button>
    </Tag>
  )
}

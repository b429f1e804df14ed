// A row action: an icon with an accessible name (the visible icon alone says nothing to a screen reader).
import { Icon, type IconName } from './Icon'

export function IconButton(props: {
  icon: IconName
  label: string
  title: string
  danger?: boolean
  disabled?: boolean
  onClick(): void
}) {
  return (
    <button
      type="button"
      className={`icon-button${props.danger ? ' danger' : ''}`}
      onClick={props.onClick}
      disabled={props.disabled}
      aria-label={props.label}
      title={props.title}
    >
      <Icon name={props.icon} />
    </button>
  )
}

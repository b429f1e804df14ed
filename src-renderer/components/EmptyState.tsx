// An honest empty state: what this place is for, why it is empty, and the one next step.
export function EmptyState(props: { title: string; body: string; action?: { label: string; href: string } }) {
  return (
    <section className="empty" aria-live="polite">
      <h2>{props.title}</h2>
      <p>{props.body}</p>
      {props.action && (
        <a className="button primary" href={props.action.href}>
          {props.action.label}
        </a>
      )}
    </section>
  )
}

// On the Watch page: exceptions that end within a week (renew them or fix the rule) and those that have ended,
// whose failures count again.
import { useEffect } from 'react'
import { useStore } from '../../stores'

export function ExpiringExceptions() {
  const exceptions = useStore((s) => s.exceptions)
  const load = useStore((s) => s.loadExceptions)
  useEffect(() => void load(), [load])
  const soon = (exceptions.data ?? []).filter((e) => e.state === 'expiring' || e.state === 'expired')
  if (exceptions.state === 'error')
    return (
      <p className="banner error" role="alert">
        Could not read the exceptions: {exceptions.error}
      </p>
    )
  if (soon.length === 0) return null
  return (
    <section className="banner warning" aria-label="Exceptions ending">
      <strong>Exceptions ending</strong>
      <ul>
        {soon.map((e) => (
          <li key={e.id}>
            <span className="mono">{e.rulePattern}</span> (approved by {e.approvedBy}){' '}
            {e.state === 'expired'
              ? `ended on ${e.expiresAt.slice(0, 10)}: its failures count again`
              : `ends on ${e.expiresAt.slice(0, 10)}: renew it or fix the rule`}
            {e.noLongerNeeded && ' — no longer needed, the rule passes again'}
          </li>
        ))}
      </ul>
    </section>
  )
}

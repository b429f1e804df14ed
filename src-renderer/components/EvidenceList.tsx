// A rule's evidence in the rule detail: each file, setting or package the check examined, what was found
// there and what was expected, marked where it did not hold.
import type { EvidenceCheck } from '../../src-preload/contract'

export function EvidenceList({ checks }: { checks: readonly EvidenceCheck[] }) {
  if (checks.length === 0) return null
  return (
    <ul className="evidence-checks" aria-label="What was examined">
      {checks.map((c, i) => (
        <li key={i} className={c.holds === false ? 'evidence-check at-fault' : 'evidence-check'}>
          <span className="mono evidence-subject">{c.subject}</span>
          {c.setting && <span className="muted"> ({c.setting})</span>}
          <div>
            Found {c.found.length ? <code>{c.found.join('; ')}</code> : <em>{c.missing || 'nothing'}</em>}
            {c.foundCount > c.found.length && (
              <span className="muted"> and {c.foundCount - c.found.length} more</span>
            )}
            {c.expected && (
              <>
                ; expected <code>{c.expected}</code>
              </>
            )}
          </div>
        </li>
      ))}
    </ul>
  )
}

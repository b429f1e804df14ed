// A rule's sanitised description, rationale and references, read when opened (plain text only).
import { useStore } from '../../stores'
import { contentSelectors } from '../../stores/content-slice'
import { LoadFailed } from '../../components/LoadFailed'

export function RuleDetail({ sha256, id, title }: { sha256: string; id: string; title: string }) {
  const loaded = useStore(contentSelectors.ruleText(sha256, id))
  const load = useStore((s) => s.loadRuleText)
  const detail = loaded?.data
  return (
    <details
      className="rule-detail"
      onToggle={(e) => {
        if ((e.target as HTMLDetailsElement).open) void load(sha256, id)
      }}
    >
      <summary>{title}</summary>
      {loaded?.state === 'error' ? (
        <LoadFailed
          inline
          what="Could not read this rule"
          error={loaded.error}
          onRetry={() => void load(sha256, id)}
        />
      ) : detail ? (
        <div className="rule-text">
          <p>{detail.description}</p>
          {detail.rationale && (
            <p>
              <strong>Rationale. </strong>
              {detail.rationale}
            </p>
          )}
          <p className="small">
            {detail.references.map((r) => (
              <span className="chip" key={`${r.system}${r.id}`} title={r.href}>
                {r.system} {r.id}
              </span>
            ))}
          </p>
        </div>
      ) : (
        <p className="muted small">Loading…</p>
      )}
    </details>
  )
}

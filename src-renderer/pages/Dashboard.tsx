// The dashboard: every target at a glance. Scores appear once targets have been scanned.
import { useStore } from '../stores'
import { targetSelectors } from '../stores/targets-slice'
import { EmptyState } from '../components/EmptyState'
import { KindBadge } from '../components/KindBadge'
import { ScoreBadge } from '../components/ScoreBadge'
import { when } from '../../src-preload/dates'

export function Dashboard() {
  const targets = useStore(targetSelectors.targets)
  const total = useStore(targetSelectors.total)
  const loaded = useStore(targetSelectors.loaded)
  const kinds = useStore(targetSelectors.kinds)
  const latest = useStore((s) => s.latest)
  if (!loaded) return <p className="muted">Loading…</p>
  if (total === 0)
    return (
      <EmptyState
        title="Welcome to Driftwatch"
        body="Register the hosts, databases and GitHub organisations you audit. Each one becomes a target you can scan and watch for drift."
        action={{ label: 'Add your first target', href: '#/targets/new' }}
      />
    )
  const counts = kinds
    .map((k) => [k.label, targets.filter((t) => t.kind === k.kind).length] as const)
    .filter(([, n]) => n > 0)
  return (
    <>
      <header className="page-head">
        <h1>Dashboard</h1>
      </header>
      <section className="stats" aria-label="Targets by kind">
        <div className="stat">
          <span className="stat-value">{total}</span>
          <span className="stat-label">{total === 1 ? 'target' : 'targets'}</span>
        </div>
        {counts.map(([label, n]) => (
          <div className="stat" key={label}>
            <span className="stat-value">{n}</span>
            <span className="stat-label">{label}</span>
          </div>
        ))}
      </section>
      <section aria-labelledby="latest">
        <h2 id="latest">Latest scores</h2>
        <ul className="cards">
          {targets.map((t) => (
            <li className="card" key={t.id}>
              <div className="card-head">
                <KindBadge kind={t.kind} />
                <a href={`#/targets/${encodeURIComponent(t.id)}`}>{t.name}</a>
              </div>
              <p className="muted small">{t.address}</p>
              {latest[t.id] ? (
                <p className="score-line">
                  <ScoreBadge score={latest[t.id]!.score} /> {latest[t.id]!.counts.fail ?? 0} failing ·{' '}
                  {when(latest[t.id]!.startedAt)}
                </p>
              ) : (
                <p className="score-none">Not scanned yet</p>
              )}
            </li>
          ))}
        </ul>
      </section>
    </>
  )
}

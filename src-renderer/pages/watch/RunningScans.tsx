// The Watch page's "Scanning now": each running scan with what it is doing and how far it got.
import { useStore } from '../../stores'
import { liveText, scanSelectors } from '../../stores/scans-slice'

export function RunningScans({ names }: { names: Map<string, string> }) {
  const running = Object.entries(useStore(scanSelectors.allLive))
  if (running.length === 0) return null
  return (
    <section aria-labelledby="running-h">
      <h2 id="running-h">Scanning now</h2>
      <ul className="running">
        {running.map(([targetId, l]) => (
          <li key={targetId}>
            <a href={`#/targets/${encodeURIComponent(targetId)}`}>{names.get(targetId) ?? targetId}</a>{' '}
            <span className="muted small">{liveText(l)}</span>
            <progress max={l.total || 1} value={l.total ? l.done : undefined} aria-label="Progress">
              {l.done}/{l.total}
            </progress>
            <span className="small">{l.total ? `${l.done}/${l.total}` : ''}</span>
          </li>
        ))}
      </ul>
    </section>
  )
}

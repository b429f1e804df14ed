// A target's scan history: when, how it ended, the score, and the policy each scan ran (profile or rule pack,
// tailoring with the SHA-256 of its file) and what started it.
import type { ScanView } from '../../src-preload/contract'
import { ScoreBadge } from './ScoreBadge'
import { when } from '../../src-preload/dates'

const TRIGGERS: Record<ScanView['trigger'], string> = {
  manual: 'Scan now',
  schedule: 'Schedule',
  group: 'Group scan',
  cli: 'Command line',
}
const profileName = (id: string) => id.replace(/^xccdf_[a-z.]+_profile_/, '')

/**
 * shownId: the scan shown above (marked current); each finished scan opens as a past scan, and every other one
 * links to a comparison with the shown one.
 */
export function ScanHistory(props: { targetId: string; history: ScanView[]; shownId?: string }) {
  const { targetId, history, shownId: latestId } = props
  if (history.length === 0) return null
  return (
    <section>
      <h2>Scan history</h2>
      <table className="table" aria-label="Scan history">
        <thead>
          <tr>
            <th>Started</th>
            <th>State</th>
            <th>Score</th>
            <th>Profile</th>
            <th>Tailoring</th>
            <th>Trigger</th>
            <th />
            <th />
          </tr>
        </thead>
        <tbody>
          {history.map((s) => (
            <tr key={s.id} aria-current={s.id === latestId ? 'true' : undefined}>
              <td>
                {s.state === 'done' ? (
                  <a href={`#/targets/${encodeURIComponent(targetId)}/scans/${encodeURIComponent(s.id)}`}>
                    {when(s.startedAt)}
                  </a>
                ) : (
                  when(s.startedAt)
                )}
              </td>
              <td>{s.state}</td>
              <td>
                <ScoreBadge score={s.score} />
              </td>
              <td className="mono small" title={s.profileId}>
                {profileName(s.profileId)}
              </td>
              <td className="small" title={s.tailoringSha256 ? `SHA-256 ${s.tailoringSha256}` : undefined}>
                {s.tailoringName ? (
                  <>
                    {s.tailoringName} <span className="muted mono">{s.tailoringSha256?.slice(0, 12)}</span>
                  </>
                ) : (
                  <span className="muted">{s.tailoringId ? 'tailored' : 'none'}</span>
                )}
              </td>
              <td className="small">{TRIGGERS[s.trigger]}</td>
              <td className="muted small">{s.error || `${s.counts.fail ?? 0} failing`}</td>
              <td>
                {s.state === 'done' && latestId && s.id !== latestId && (
                  <a href={`#/compare?a=${s.id}&b=${latestId}`}>Compare with latest</a>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

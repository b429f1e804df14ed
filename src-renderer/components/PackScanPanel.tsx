// Scanning a target with nothing to choose (a built-in rule pack, as GitHub's, or a kind without policy): only
// "Scan now" with live progress and cancel; and the scanner's notes on the latest scan (GitHub: API requests,
// rate-limit points spent, what is left and when it resets).
import { api } from '../api/client'
import { useStore } from '../stores'
import { scanSelectors } from '../stores/scans-slice'
import { LiveScanProgress } from './LiveScanProgress'
import { when } from '../../src-preload/dates'

export function PackScanPanel({
  targetId,
  pack,
  unit,
}: {
  targetId: string
  /** The built-in pack the kind scans with, if any. */
  pack: string | null
  /** What live progress counts. */
  unit: string
}) {
  const live = useStore(scanSelectors.live(targetId))
  const toast = useStore((s) => s.toast)
  const start = async () => {
    try {
      await api.invoke('scan.start', { targetId })
    } catch (err) {
      toast('error', (err as Error).message)
    }
  }
  return (
    <section className="scan-panel" aria-label="Scan">
      {pack && <span className="muted small">Built-in checks ({pack})</span>}
      {live ? (
        <LiveScanProgress live={live} unit={unit} />
      ) : (
        <button type="button" className="button primary" onClick={() => void start()}>
          Scan now
        </button>
      )}
    </section>
  )
}

const n = (s: string | undefined) => (s ? Number(s).toLocaleString() : '–')

/** What the scanner noted about a GitHub scan; nothing for scans without those notes. */
export function GithubScanInfo({ info }: { info: Record<string, string> }) {
  if (info.rateLimitPoints === undefined) return null
  const reset = info.rateLimitReset ? when(info.rateLimitReset) : ''
  return (
    <p className="muted small" aria-label="GitHub API use">
      GitHub API: {n(info.requests)} requests ({n(info.notModified)} answered “not modified”),{' '}
      {n(info.rateLimitPoints)} rate-limit points · {n(info.rateLimitRemaining)} of {n(info.rateLimitLimit)}{' '}
      left
      {reset && `, resets at ${reset}`} · {n(info.checked)} repositories checked, {n(info.unchanged)}{' '}
      unchanged
      {info.archived && info.archived !== '0' ? `, ${n(info.archived)} archived (not checked)` : ''}
    </p>
  )
}

// A target's status in one line, as true as the store knows it: the score of its last scan that said something
// about it (with its base, "20 pass of 22 applicable"), and above it a newer scan that failed (with its reason)
// or whose rules did not apply (content for another platform), which never replaces that score.
import { day } from '../../src-preload/dates'
import { applicability, scoreBase } from '../../src-preload/applicability'
import { useStore } from '../stores'
import { scanSelectors } from '../stores/scans-slice'
import { ScoreBadge } from './ScoreBadge'

export function TargetStatus({ targetId, compact = false }: { targetId: string; compact?: boolean }) {
  const latest = useStore((s) => s.latest[targetId])
  const attempt = useStore(scanSelectors.attempt(targetId))
  const failed = attempt && attempt.state !== 'done'
  const mismatch = attempt?.state === 'done' && applicability(attempt.counts).mismatch
  return (
    <div
      className="target-status"
      data-status={failed ? 'failed' : mismatch ? 'mismatch' : latest ? 'scored' : 'none'}
    >
      {failed && (
        <p className="scan-failed" role="status" title={attempt.error}>
          <strong>Scan {attempt.state === 'interrupted' ? 'interrupted' : 'failed'}</strong>
          {compact ? '' : ` · ${day(attempt.startedAt)}`}: {attempt.error || 'no reason recorded'}
        </p>
      )}
      {mismatch && (
        <p className="scan-mismatch" role="status">
          <strong>Last scan: no applicable rules</strong> ({applicability(attempt.counts).notApplicable} not
          applicable) — content for another platform?
        </p>
      )}
      {latest ? (
        <p className="score-line">
          <ScoreBadge score={latest.score} /> <span className="small">{scoreBase(latest.counts)}</span>
          {!compact && (
            <span className="muted small">
              {' '}
              · {latest.counts.fail ?? 0} failing · {day(latest.startedAt)}
            </span>
          )}
          {(failed || mismatch) && (
            <span className="muted small">
              {' '}
              (from the last scan with applicable rules, {day(latest.startedAt)})
            </span>
          )}
        </p>
      ) : (
        !failed && !mismatch && <p className="score-none">Not scanned yet</p>
      )}
    </div>
  )
}

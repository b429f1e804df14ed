// A target's score at a glance: the number, coloured by band, with the band in words for those who
// cannot tell the colours apart.
import { scoreBand } from '../lib/format'

export function ScoreBadge({ score, size = 'small' }: { score: number | null; size?: 'small' | 'large' }) {
  const b = scoreBand(score)
  return (
    <span
      className={`score score-${b} score-${size}`}
      title={b === 'none' ? 'No pass or fail results' : `${b} (pass ÷ (pass + fail))`}
    >
      {score === null ? '–' : `${score}%`}
    </span>
  )
}

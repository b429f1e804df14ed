// A target's score at a glance: the number, coloured by band, with the band in words for those who
// cannot tell the colours apart.
export function band(score: number | null): 'good' | 'fair' | 'poor' | 'none' {
  if (score === null) return 'none'
  return score >= 90 ? 'good' : score >= 70 ? 'fair' : 'poor'
}

export function ScoreBadge({ score, size = 'small' }: { score: number | null; size?: 'small' | 'large' }) {
  const b = band(score)
  return (
    <span
      className={`score score-${b} score-${size}`}
      title={b === 'none' ? 'No pass or fail results' : `${b} (pass ÷ (pass + fail))`}
    >
      {score === null ? '–' : `${score}%`}
    </span>
  )
}

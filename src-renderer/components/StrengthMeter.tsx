// A passphrase strength bar with its verdict in words (colour is never the only signal).
import { estimateStrength } from '../lib/strength'

export function StrengthMeter({ value, id }: { value: string; id: string }) {
  const s = estimateStrength(value)
  return (
    <div className="strength" id={id} aria-live="polite">
      <div className="strength-bar" data-score={s.score}>
        {[1, 2, 3, 4].map((i) => (
          <span key={i} className={i <= s.score ? 'on' : ''} />
        ))}
      </div>
      <span className="strength-label">
        <strong>{s.label}</strong> — {s.hint}
      </span>
    </div>
  )
}

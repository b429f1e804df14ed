// Passing notices in a live region, so screen readers announce them too.
import { useStore } from '../stores'
import { appSelectors } from '../stores/app-slice'

export function Toasts() {
  const toasts = useStore(appSelectors.toasts)
  const dismiss = useStore((s) => s.dismissToast)
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.kind}`}>
          <span>{t.text}</span>
          <button type="button" className="link" onClick={() => dismiss(t.id)} aria-label="Dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  )
}

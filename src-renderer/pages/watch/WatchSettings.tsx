// The Watch page's settings form: how many scans run at once, how much more often priority targets run, and
// the score drops that count as major or minor drift.
import { useState, type FormEvent } from 'react'
import type { WatchStatus } from '../../../src-preload/contract'
import { useStore } from '../../stores'
import { errorText, fieldIssues } from '../../stores/loadable'

export function WatchSettings({ settings }: { settings: WatchStatus['settings'] }) {
  const toast = useStore((s) => s.toast)
  const save = useStore((s) => s.saveWatchSettings)
  const [v, setV] = useState({
    concurrency: String(settings.concurrency),
    major: String(settings.thresholds.major),
    minor: String(settings.thresholds.minor),
    priorityFactor: String(settings.priorityFactor),
  })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)
  async function submit(e: FormEvent) {
    e.preventDefault()
    setErrors({})
    setBusy(true)
    try {
      await save({
        ...settings,
        concurrency: Number(v.concurrency),
        priorityFactor: Number(v.priorityFactor),
        thresholds: { major: Number(v.major), minor: Number(v.minor) },
      })
      toast('info', 'Watch settings saved')
    } catch (err) {
      setErrors(fieldIssues(err))
      toast('error', `Settings not saved: ${errorText(err)}`)
    } finally {
      setBusy(false)
    }
  }
  const field = (k: keyof typeof v, label: string, path: string) => (
    <label className="field">
      <span className="label">{label}</span>
      <input type="number" step="any" value={v[k]} onChange={(e) => setV({ ...v, [k]: e.target.value })} />
      {errors[path] && <span className="field-error">{errors[path]}</span>}
    </label>
  )
  return (
    <section aria-labelledby="watch-settings-h">
      <h2 id="watch-settings-h">Settings</h2>
      <form
        className="form panel-lite watch-form"
        onSubmit={(e) => void submit(e)}
        aria-label="Watch settings"
      >
        <div className="grid">
          {field('concurrency', 'Scans at once', 'concurrency')}
          {field('priorityFactor', 'Priority targets run … times as often', 'priorityFactor')}
          {field('major', 'Major score drop (points)', 'thresholds.major')}
          {field('minor', 'Minor score drop / improvement (points)', 'thresholds.minor')}
        </div>
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Saving…' : 'Save settings'}
          </button>
        </div>
      </form>
    </section>
  )
}

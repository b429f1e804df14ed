// The Watch page's "New schedule" form: a target or a group, how often (every N minutes or daily at set
// times), priority, and the policy: each target's assigned one, or content, profile and tailoring chosen here.
import { useState, type FormEvent } from 'react'
import { useStore } from '../../stores'
import { targetSelectors } from '../../stores/targets-slice'
import { errorText, fieldIssues } from '../../stores/loadable'
import { PolicyPicker, usePolicyChoice } from '../../components/AssignedPolicy'

export function ScheduleForm() {
  const targets = useStore(targetSelectors.targets)
  const labels = useStore(targetSelectors.labels)
  const kinds = useStore(targetSelectors.kinds)
  const save = useStore((s) => s.saveSchedule)
  const toast = useStore((s) => s.toast)
  const policy = usePolicyChoice()
  const [scope, setScope] = useState('')
  const [kind, setKind] = useState<'interval' | 'daily'>('interval')
  const [minutes, setMinutes] = useState('60')
  const [times, setTimes] = useState('02:00')
  const [priority, setPriority] = useState(false)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)

  const target = targets.find((t) => `t:${t.id}` === scope)
  // The kind's policy says whether it scans with content; a group may hold such targets, so it always asks.
  const needsContent =
    scope.startsWith('g:') || Boolean(kinds.find((k) => k.kind === target?.kind)?.policy.content)

  async function submit(e: FormEvent) {
    e.preventDefault()
    setErrors({})
    setBusy(true)
    try {
      await save({
        targetId: scope.startsWith('t:') ? scope.slice(2) : null,
        group: scope.startsWith('g:') ? scope.slice(2) : null,
        kind,
        intervalMinutes: Number(minutes),
        dailyTimes: kind === 'daily' ? times.split(/[\s,]+/).filter(Boolean) : [],
        priority,
        ...(needsContent && policy.request()),
      })
      toast('info', 'Schedule saved')
    } catch (err) {
      setErrors(fieldIssues(err))
      toast('error', `Schedule not saved: ${errorText(err)}`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="form panel-lite watch-form" onSubmit={(e) => void submit(e)} aria-label="New schedule">
      <h3>New schedule</h3>
      <div className="grid">
        <label className="field">
          <span className="label">Target or group</span>
          <select value={scope} onChange={(e) => setScope(e.target.value)} required>
            <option value="">Choose…</option>
            <optgroup label="Targets">
              {targets.map((t) => (
                <option key={t.id} value={`t:${t.id}`}>
                  {t.name}
                </option>
              ))}
            </optgroup>
            {labels.groups.length > 0 && (
              <optgroup label="Groups">
                {labels.groups.map((g) => (
                  <option key={g} value={`g:${g}`}>
                    {g}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
          {errors.targetId && <span className="field-error">{errors.targetId}</span>}
        </label>
        <label className="field">
          <span className="label">When</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as 'interval' | 'daily')}>
            <option value="interval">Every N minutes</option>
            <option value="daily">Daily at set times</option>
          </select>
        </label>
        {kind === 'interval' ? (
          <label className="field">
            <span className="label">Minutes between scans</span>
            <input type="number" min={1} value={minutes} onChange={(e) => setMinutes(e.target.value)} />
            {errors.intervalMinutes && <span className="field-error">{errors.intervalMinutes}</span>}
          </label>
        ) : (
          <label className="field">
            <span className="label">Times (HH:MM, comma-separated, local time)</span>
            <input value={times} onChange={(e) => setTimes(e.target.value)} />
            {errors.dailyTimes && <span className="field-error">{errors.dailyTimes}</span>}
          </label>
        )}
        <label className="check">
          <input type="checkbox" checked={priority} onChange={(e) => setPriority(e.target.checked)} />{' '}
          Priority (scanned more often, and first)
        </label>
        {needsContent && <PolicyPicker policy={policy} fields errors={errors} />}
      </div>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Saving…' : 'Add schedule'}
        </button>
      </div>
    </form>
  )
}

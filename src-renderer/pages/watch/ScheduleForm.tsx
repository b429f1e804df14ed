// The Watch page's "New schedule" form: a target or a group, how often (every N minutes, or daily, weekly or
// monthly at set times in a time zone), priority, and the policy: each target's assigned one, or content, profile and tailoring chosen here.
import { useState, type FormEvent } from 'react'
import type { ScheduleView } from '../../../src-preload/contract'
import { useStore } from '../../stores'
import { targetSelectors } from '../../stores/targets-slice'
import { errorText, fieldIssues } from '../../stores/loadable'
import { PolicyPicker, usePolicyChoice } from '../../components/AssignedPolicy'
import { CalendarFields, useCalendarChoice } from './CalendarFields'

export function ScheduleForm() {
  const targets = useStore(targetSelectors.targets)
  const labels = useStore(targetSelectors.labels)
  const kinds = useStore(targetSelectors.kinds)
  const save = useStore((s) => s.saveSchedule)
  const toast = useStore((s) => s.toast)
  const policy = usePolicyChoice()
  const [scope, setScope] = useState('')
  const [kind, setKind] = useState<ScheduleView['kind']>('interval')
  const [minutes, setMinutes] = useState('60')
  const calendar = useCalendarChoice()
  const [priority, setPriority] = useState(false)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)

  const target = targets.find((t) => `t:${t.id}` === scope)
  // The kind's policy says whether it scans with content; a group may hold such targets, so it always asks.
  const needsContent =
    scope.startsWith('g:') || Boolean(kinds.find((k) => k.kind === target?.kind)?.policy.content)

  async function submit(e: FormEvent) {
    e.preventDefault()
    const local = kind === 'interval' ? {} : calendar.problems(kind)
    setErrors(local)
    if (Object.keys(local).length > 0) return
    setBusy(true)
    try {
      await save({
        targetId: scope.startsWith('t:') ? scope.slice(2) : null,
        group: scope.startsWith('g:') ? scope.slice(2) : null,
        kind,
        intervalMinutes: Number(minutes),
        ...(kind !== 'interval' && calendar.request(kind)),
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
          <select value={kind} onChange={(e) => setKind(e.target.value as ScheduleView['kind'])}>
            <option value="interval">Every N minutes</option>
            <option value="daily">Daily at set times</option>
            <option value="weekly">Weekly on set days</option>
            <option value="monthly">Monthly on set days</option>
          </select>
          {errors.kind && <span className="field-error">{errors.kind}</span>}
        </label>
        {kind === 'interval' ? (
          <label className="field">
            <span className="label">Minutes between scans</span>
            <input type="number" min={1} value={minutes} onChange={(e) => setMinutes(e.target.value)} />
            {errors.intervalMinutes && <span className="field-error">{errors.intervalMinutes}</span>}
          </label>
        ) : (
          <CalendarFields
            kind={kind}
            choice={calendar}
            errors={errors}
            timesKey="dailyTimes"
            daysKey="days"
          />
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

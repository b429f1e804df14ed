// The Watch page's report export form (add or edit): a name, PDF and/or signed bundle, weekly or monthly on a
// day at a time in a time zone, and the scope (targets and groups; none: every target). The destination folder
// is shown, not chosen: only the person running Driftwatch sets it (`schedules edit ID --folder DIR`), since the
// watch writes there with no one at a dialog (SECURITY.md section 14).
import { useState, type FormEvent } from 'react'
import type { ReportScheduleView } from '../../../src-preload/contract'
import { useStore } from '../../stores'
import { targetSelectors } from '../../stores/targets-slice'
import { errorText, fieldIssues } from '../../stores/loadable'
import { CalendarFields, useCalendarChoice } from './CalendarFields'

const FORMAT_LABELS = { pdf: 'PDF report', bundle: 'Signed evidence bundle' } as const

export function ReportExportForm(props: { editing?: ReportScheduleView; onDone(): void }) {
  const e0 = props.editing
  const targets = useStore(targetSelectors.targets)
  const labels = useStore(targetSelectors.labels)
  const save = useStore((s) => s.saveReportExport)
  const toast = useStore((s) => s.toast)
  const [name, setName] = useState(e0?.name ?? '')
  const [cadence, setCadence] = useState<'weekly' | 'monthly'>(e0?.cadence ?? 'weekly')
  const [formats, setFormats] = useState<('pdf' | 'bundle')[]>(e0?.formats ?? ['pdf', 'bundle'])
  const [targetIds, setTargetIds] = useState<string[]>(e0?.targetIds ?? [])
  const [groups, setGroups] = useState<string[]>(e0?.groups ?? [])
  const [paused, setPaused] = useState(e0?.paused ?? false)
  const calendar = useCalendarChoice({
    times: [e0?.time ?? '06:00'],
    days: [e0?.day ?? 1],
    kind: e0?.cadence ?? 'weekly',
    timeZone: e0?.timeZone ?? '',
  })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)
  const toggle = <T,>(list: T[], v: T, on: boolean) => (on ? [...list, v] : list.filter((x) => x !== v))

  async function submit(e: FormEvent) {
    e.preventDefault()
    const local = calendar.problems(cadence)
    setErrors(local)
    if (Object.keys(local).length > 0) return
    const c = calendar.request(cadence)
    setBusy(true)
    try {
      const saved = await save({
        ...(e0 && { id: e0.id }),
        name,
        cadence,
        day: c.days[0] ?? Number.NaN,
        time: c.dailyTimes[0] ?? '',
        timeZone: c.timeZone,
        formats,
        targetIds,
        groups,
        paused,
      })
      toast('info', `Report export ${saved.name} ${e0 ? 'changed' : 'added'}`)
      props.onDone()
    } catch (err) {
      setErrors(fieldIssues(err))
      toast('error', `Report export not saved: ${errorText(err)}`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form
      className="form panel-lite watch-form"
      onSubmit={(e) => void submit(e)}
      aria-label={e0 ? `Edit report export ${e0.name}` : 'New report export'}
      noValidate
    >
      <h3>{e0 ? `Edit ${e0.name}` : 'New report export'}</h3>
      <div className="grid">
        <label className="field">
          <span className="label">Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} aria-invalid={Boolean(errors.name)} />
          {errors.name && <span className="field-error">{errors.name}</span>}
        </label>
        <fieldset className="field">
          <legend className="label">Formats</legend>
          {(['pdf', 'bundle'] as const).map((f) => (
            <label key={f} className="check">
              <input
                type="checkbox"
                checked={formats.includes(f)}
                onChange={(e) => setFormats(toggle(formats, f, e.target.checked))}
              />{' '}
              {FORMAT_LABELS[f]}
            </label>
          ))}
          {errors.formats && <span className="field-error">{errors.formats}</span>}
        </fieldset>
        <label className="field">
          <span className="label">How often</span>
          <select value={cadence} onChange={(e) => setCadence(e.target.value as 'weekly' | 'monthly')}>
            <option value="weekly">Weekly</option>
            <option value="monthly">Monthly</option>
          </select>
        </label>
        <CalendarFields
          kind={cadence}
          choice={calendar}
          errors={errors}
          timesKey="time"
          daysKey="day"
          single
        />
        <fieldset className="field">
          <legend className="label">Scope (none chosen: every target)</legend>
          {targets.map((t) => (
            <label key={t.id} className="check">
              <input
                type="checkbox"
                checked={targetIds.includes(t.id)}
                onChange={(e) => setTargetIds(toggle(targetIds, t.id, e.target.checked))}
              />{' '}
              {t.name}
            </label>
          ))}
          {labels.groups.map((g) => (
            <label key={`g:${g}`} className="check">
              <input
                type="checkbox"
                checked={groups.includes(g)}
                onChange={(e) => setGroups(toggle(groups, g, e.target.checked))}
              />{' '}
              group {g}
            </label>
          ))}
          {(errors.targetIds || errors.groups) && (
            <span className="field-error">{errors.targetIds ?? errors.groups}</span>
          )}
        </fieldset>
        <div className="field">
          <span className="label">Destination folder</span>
          <code className="small">{e0?.folder ?? "The data folder's exports/"}</code>
          <span className="muted small">
            Set by whoever runs Driftwatch, not from this page:{' '}
            <code>driftwatch schedules edit ID --folder DIR</code> (the watch writes there with no one to
            confirm).
          </span>
        </div>
        <label className="check">
          <input type="checkbox" checked={paused} onChange={(e) => setPaused(e.target.checked)} /> Paused
        </label>
      </div>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Saving…' : e0 ? 'Save changes' : 'Add report export'}
        </button>
        <button type="button" className="button" onClick={props.onDone}>
          Cancel
        </button>
      </div>
    </form>
  )
}

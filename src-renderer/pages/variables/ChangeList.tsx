// The "Changes" tab: every change of the tailoring against its profile, one line each, in words.
import { short, type Changes } from './changes'
import type { ProfileData } from '../../stores/content-slice'

export function ChangeList({ data, changes }: { data: ProfileData; changes: Changes }) {
  const title = (id: string) =>
    data.values.find((v) => v.id === id)?.title ?? data.rules.find((r) => r.id === id)?.title ?? short(id)
  const rows = [
    ...Object.entries(changes.refineValues).map(([id, s]) => [
      title(id),
      `${data.values.find((v) => v.id === id)?.profileSelector || '(default)'} → ${s}`,
    ]),
    ...Object.entries(changes.setValues).map(([id, s]) => [
      title(id),
      `${data.values.find((v) => v.id === id)?.profileValue ?? ''} → ${s}`,
    ]),
    ...Object.entries(changes.selects).map(([id, on]) => [title(id), on ? 'selected' : 'unselected']),
    ...Object.entries(changes.refineRules).map(([id, sev]) => [title(id), `severity → ${sev}`]),
  ]
  if (rows.length === 0) return <p className="muted">No changes yet: this is the profile as published.</p>
  return (
    <table className="table" aria-label="Changes from the profile">
      <tbody>
        {rows.map(([t, d]) => (
          <tr key={`${t}${d}`}>
            <th scope="row">{t}</th>
            <td className="mono">{d}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

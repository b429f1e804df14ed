// Which targets and groups a tailoring applies to: a menu of checkboxes under "Assign to". Only targets whose
// kind takes a tailoring are offered (the kind's policy says); a target has one policy, so assigning it here
// takes it from any other tailoring.
import { useStore } from '../../stores'

export interface Assigned {
  targets: string[]
  groups: string[]
}

export function AssignMenu({ assigned, onChange }: { assigned: Assigned; onChange(a: Assigned): void }) {
  const kinds = useStore((st) => st.kinds)
  const allTargets = useStore((st) => st.targets).filter(
    (t) => kinds.find((k) => k.kind === t.kind)?.policy.tailoring,
  )
  const allGroups = useStore((st) => st.labels.groups)
  const count = assigned.targets.length + assigned.groups.length
  const flip = (list: string[], x: string, on: boolean) => (on ? [...list, x] : list.filter((y) => y !== x))
  return (
    <details className="assign">
      <summary className="button">Assign to{count ? ` (${count})` : '…'}</summary>
      <div className="assign-menu" role="group" aria-label="Assign to targets and groups">
        {allGroups.length === 0 && allTargets.length === 0 && <p className="muted small">No targets yet.</p>}
        {allGroups.map((g) => (
          <label key={`g-${g}`} className="check">
            <input
              type="checkbox"
              checked={assigned.groups.includes(g)}
              onChange={(e) => onChange({ ...assigned, groups: flip(assigned.groups, g, e.target.checked) })}
            />
            Group {g}
          </label>
        ))}
        {allTargets.map((t) => (
          <label key={t.id} className="check">
            <input
              type="checkbox"
              checked={assigned.targets.includes(t.id)}
              onChange={(e) =>
                onChange({ ...assigned, targets: flip(assigned.targets, t.id, e.target.checked) })
              }
            />
            {t.name}
          </label>
        ))}
      </div>
    </details>
  )
}

// Mean time to detect and to resolve per target: one table for the Drift page and the report.
import type { Kpis } from '../../src-preload/kpis'
import { formatDuration } from '../../src-preload/durations'

export function KpiTable({
  targets,
  names,
  className,
  label,
}: {
  targets: Kpis['targets']
  names: Map<string, string>
  className: string
  label?: string
}) {
  return (
    <table className={className} aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Target</th>
          <th scope="col">Mean time to detect</th>
          <th scope="col">Mean time to resolve</th>
          <th scope="col">Regressions</th>
          <th scope="col">Open</th>
        </tr>
      </thead>
      <tbody>
        {targets.map((t) => (
          <tr key={t.targetId}>
            <td>{names.get(t.targetId) ?? t.targetId}</td>
            <td>{formatDuration(t.mttdSeconds)}</td>
            <td>{formatDuration(t.mttrSeconds)}</td>
            <td>{t.detections}</td>
            <td>{t.open}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

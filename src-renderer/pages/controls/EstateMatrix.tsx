// The estate at a glance: one row per target, one column per family, each cell coloured by the status of the
// family's controls on that target; a CSV of the same.
import type { Res } from '../../../src-preload/contract'
import { STATUS_LABELS } from '../../components/ControlsChart'

export function EstateMatrix(props: {
  data: Res<'controls.status'>
  onCsv(): void
  onPick(family: string): void
}) {
  const { data } = props
  const cells = new Map(data.matrix.map((m) => [`${m.targetId}\u0000${m.family}`, m]))
  return (
    <section aria-labelledby="matrix-h">
      <div className="toolbar">
        <h2 id="matrix-h">Estate: targets × families</h2>
        <button type="button" className="button" onClick={props.onCsv}>
          Matrix CSV
        </button>
      </div>
      <div className="matrix-scroll">
        <table className="table matrix" aria-label="Targets by family">
          <thead>
            <tr>
              <th>Target</th>
              {data.families.map((f) => (
                <th key={f.id} title={f.title}>
                  <button type="button" className="link" onClick={() => props.onPick(f.id)}>
                    {f.id.toUpperCase()}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.targets.map((t) => (
              <tr key={t.id}>
                <th scope="row">{t.name}</th>
                {data.families.map((f) => {
                  const c = cells.get(`${t.id}\u0000${f.id}`)
                  const s = c?.status ?? 'not-assessed'
                  const n = c
                    ? c.counts.satisfied + c.counts['not-satisfied'] + c.counts.excepted + c.counts.attested
                    : 0
                  return (
                    <td
                      key={f.id}
                      className={`cell control-${s}`}
                      data-cell={`${t.name}:${f.id}`}
                      data-status={s}
                      title={`${t.name} · ${f.title}: ${STATUS_LABELS[s]}`}
                    >
                      {n ? `${c!.counts.satisfied}/${n}` : ''}
                    </td>
                  )
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}

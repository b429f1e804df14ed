// A coloured badge naming a target's kind, so a long list can be read at a glance.
import { useStore } from '../stores'
import { targetSelectors } from '../stores/targets-slice'

export function KindBadge({ kind }: { kind: string }) {
  const view = useStore(targetSelectors.kind(kind))
  return (
    <span className={`badge kind-${kind}`} title={view?.label ?? kind}>
      {view?.shortLabel ?? kind}
    </span>
  )
}

// A coloured badge naming a target's kind, so a long list can be read at a glance.
import { KIND_LABELS, type TargetKind } from '../../src-preload/contract'

const SHORT: Record<TargetKind, string> = {
  local: 'Local',
  ssh: 'SSH',
  postgres: 'PostgreSQL',
  mysql: 'MySQL',
  github: 'GitHub',
}

export function KindBadge({ kind }: { kind: TargetKind }) {
  return (
    <span className={`badge kind-${kind}`} title={KIND_LABELS[kind]}>
      {SHORT[kind]}
    </span>
  )
}

// What every channel says about one scan's drift: a title, plain text, and the structured facts (the webhook's
// JSON body). Built from the stored events at send time, so a retry after a restart says exactly the same.
import type { DriftEventRow } from '../../store/drift'

export interface AlertMessage {
  deliveryId: number
  test: boolean
  target: { id: string; name: string; kind: string } | null
  scanId: string | null
  at: string
  title: string
  text: string
  events: DriftEventRow[]
  /** A message about Driftwatch itself (the self-monitor: memory, a stalled loop), not about a target. */
  health?: true
}

const WORDS: Record<string, string> = {
  regression: 'now fails (passed before)',
  'new-failing': 'fails (new failing rule)',
  fixed: 'passes again',
  value: 'value changed',
  score: 'score drift',
  'exception-expired': 'fails again: its exception expired',
}

export function buildMessage(m: Omit<AlertMessage, 'title' | 'text'>): AlertMessage {
  if (m.test)
    return {
      ...m,
      title: 'Driftwatch test alert',
      text: 'This is a test message from Driftwatch: this alert channel works.',
    }
  const name = m.target?.name ?? 'A target'
  const rules = m.events.filter((e) => e.ruleId)
  const title =
    rules.length > 0
      ? `${name}: ${rules.length} rule${rules.length === 1 ? '' : 's'} drifted out of compliance`
      : `${name}: compliance score dropped`
  const lines = m.events.map((e) =>
    e.type === 'score'
      ? `• Score ${e.fromScore ?? '–'}% → ${e.toScore ?? '–'}% (${e.severity})`
      : `• [${e.severity}] ${e.title || e.ruleId} — ${WORDS[e.type] ?? e.type}` +
        (e.toActual || e.fromActual ? ` (${e.fromActual || '∅'} → ${e.toActual || '∅'})` : ''),
  )
  const when = m.scanId ? `Scan ${m.scanId} at ${m.at}` : `At ${m.at}`
  return { ...m, title, text: `${title}\n${lines.join('\n')}\n${when}` }
}

/** The webhook's JSON body (also what the GitHub issue and e-mail quote). */
export function messageJson(m: AlertMessage) {
  return {
    type: m.test ? 'driftwatch.test' : m.health ? 'driftwatch.health' : 'driftwatch.drift',
    deliveryId: m.deliveryId,
    at: m.at,
    target: m.target,
    scanId: m.scanId,
    title: m.title,
    events: m.events.map((e) => ({
      id: e.id,
      type: e.type,
      severity: e.severity,
      ruleId: e.ruleId,
      title: e.title,
      from: e.type === 'score' ? e.fromScore : e.fromStatus,
      to: e.type === 'score' ? e.toScore : e.toStatus,
      fromActual: e.fromActual,
      toActual: e.toActual,
      at: e.at,
    })),
  }
}

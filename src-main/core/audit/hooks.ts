// What goes into the audit log without every room knowing about it: successful calls of the channels that
// change what an auditor relies on, and the core's own events (scans finishing, vault unlocks).
import type { Handlers } from '../dispatch'
import type { CoreEventListener } from '../ports'
import type { Channel, EventPayload } from '../../../src-preload/contract'
import type { AuditLog } from './log'

type Pick = (
  req: Record<string, unknown>,
  res: Record<string, unknown>,
) => { subject: string; details?: object }

// Only ids and names: never a secret, never a whole request.
const AUDITED: Partial<Record<Channel, { action: string; pick: Pick }>> = {
  'scan.start': {
    action: 'scan.started',
    pick: (q, r) => ({
      subject: String(q.targetId),
      details: { scanId: r.scanId, profileId: q.profileId ?? '', tailoringId: q.tailoringId ?? null },
    }),
  },
  'targets.create': {
    action: 'target.created',
    pick: (_q, r) => ({ subject: String(r.id), details: { name: r.name } }),
  },
  'targets.update': {
    action: 'target.updated',
    pick: (_q, r) => ({ subject: String(r.id), details: { name: r.name } }),
  },
  'targets.duplicate': {
    action: 'target.created',
    pick: (q, r) => ({ subject: String(r.id), details: { name: r.name, duplicateOf: q.id } }),
  },
  'targets.remove': { action: 'target.removed', pick: (q) => ({ subject: String(q.id) }) },
  'tailorings.save': {
    action: 'tailoring.saved',
    pick: (_q, r) => ({
      subject: String(r.id),
      details: { name: r.name, targets: r.targets, groups: r.groups, changes: r.diff },
    }),
  },
  'tailorings.import': {
    action: 'tailoring.imported',
    pick: (_q, r) => ({ subject: String(r.id), details: { name: r.name } }),
  },
  'tailorings.remove': { action: 'tailoring.removed', pick: (q) => ({ subject: String(q.id) }) },
  'vault.changePassphrase': { action: 'vault.passphrase-changed', pick: () => ({ subject: 'vault' }) },
  'credentials.create': {
    action: 'credential.created',
    pick: (_q, r) => ({ subject: String(r.id), details: { name: r.name, kind: r.kind } }),
  },
  'credentials.update': {
    action: 'credential.updated',
    pick: (q, r) => ({
      subject: String(r.id),
      // A new secret is only said to be rotated, never shown.
      details: { name: r.name, kind: r.kind, rotated: q.secret !== undefined },
    }),
  },
  'credentials.remove': { action: 'credential.removed', pick: (q) => ({ subject: String(q.id) }) },
  'credentials.rebind': {
    action: 'credential.rebound',
    pick: (q, r) => ({
      subject: String(q.targetId),
      details: { address: r.address, credentials: r.credentials },
    }),
  },
  'rules.import': {
    action: 'rule-pack.imported',
    pick: (q, r) => ({
      subject: String(r.id),
      details: { title: r.title, version: r.version, kind: r.kind, replace: q.replace === true },
    }),
  },
  'rules.remove': { action: 'rule-pack.removed', pick: (q) => ({ subject: String(q.id) }) },
  'policy.assign': {
    action: 'policy.assigned',
    pick: (q) => ({
      subject: String(q.targetId),
      details: { tailoringId: q.tailoringId ?? undefined, packId: q.packId ?? undefined },
    }),
  },
}

/** Wraps the audited handlers; a failed call is not logged (nothing changed). */
export function auditedHandlers(handlers: Handlers, audit: AuditLog): Handlers {
  const out = { ...handlers } as Record<string, (req: unknown) => unknown>
  for (const [channel, spec] of Object.entries(AUDITED)) {
    const inner = out[channel]
    if (!inner || !spec) continue
    out[channel] = async (req: unknown) => {
      const res = await inner(req)
      const { subject, details } = spec.pick(
        (req ?? {}) as Record<string, unknown>,
        (res ?? {}) as Record<string, unknown>,
      )
      audit.append({ action: spec.action, subject, details: details as Record<string, unknown> })
      return res
    }
  }
  return out as Handlers
}

/** Scans end asynchronously, and the vault unlocks from several places: both are told by events. */
export function auditListener(audit: AuditLog): CoreEventListener {
  return (name, payload) => {
    if (name === 'scan.finished') {
      const p = payload as EventPayload<'scan.finished'>
      audit.append({
        action: 'scan.finished',
        subject: p.targetId,
        details: { scanId: p.scanId, state: p.state, score: p.score },
      })
    } else if (name === 'scan.leftover') {
      const p = payload as EventPayload<'scan.leftover'>
      audit.append({
        action: 'scan.leftover',
        subject: p.targetId,
        details: { scanId: p.scanId, message: p.message },
      })
    } else if (name === 'vault.changed') {
      const p = payload as EventPayload<'vault.changed'>
      if (p.reason === 'unlock' || p.reason === 'init')
        audit.append({ action: p.reason === 'init' ? 'vault.created' : 'vault.unlocked', subject: 'vault' })
    }
  }
}

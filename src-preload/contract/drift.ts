// Drift on the wire: what changed between two scans of a target, each change's evidence, and a score timeline.
import { z } from 'zod'
import { channel } from './common'

export const DRIFT_TYPES = [
  'regression',
  'fixed',
  'new-failing',
  'value',
  'score',
  'exception-expired',
] as const

export const DriftEventView = z.object({
  id: z.number(),
  targetId: z.string(),
  scanId: z.string(),
  prevScanId: z.string().nullable(),
  ruleId: z.string(),
  type: z.enum(DRIFT_TYPES),
  severity: z.string(),
  title: z.string(),
  fromStatus: z.string(),
  toStatus: z.string(),
  fromActual: z.string(),
  toActual: z.string(),
  fromScore: z.number().nullable(),
  toScore: z.number().nullable(),
  at: z.string(),
})
export type DriftEventView = z.output<typeof DriftEventView>

const EvidenceSide = z
  .object({
    scanId: z.string(),
    at: z.string().nullable(),
    status: z.string(),
    actual: z.string(),
    expected: z.string(),
    message: z.string(),
    evidence: z.string().nullable(),
  })
  .nullable()

const KpiFigures = z.object({
  detections: z.number(),
  /** Mean time to detect, seconds (null: no regression with a previous scan yet). */
  mttdSeconds: z.number().nullable(),
  resolved: z.number(),
  open: z.number(),
  /** Mean time to resolve, seconds (null: no regression fixed yet). */
  mttrSeconds: z.number().nullable(),
})
export const DriftKpis = z.object({
  overall: KpiFigures,
  targets: z.array(KpiFigures.extend({ targetId: z.string() })),
})
export type DriftKpis = z.output<typeof DriftKpis>

export const driftChannels = {
  'drift.events': channel(
    z.object({
      targetId: z.string().min(1).optional(),
      types: z.array(z.enum(DRIFT_TYPES)).default([]),
      severities: z.array(z.string().max(20)).default([]),
      from: z.iso
        .datetime({ offset: true, error: 'From must be a date and time such as 2030-01-31T00:00:00Z' })
        .optional(),
      to: z.iso
        .datetime({ offset: true, error: 'To must be a date and time such as 2030-01-31T23:59:59Z' })
        .optional(),
      limit: z.number().int().min(1).max(5000).default(500),
    }),
    z.object({ events: z.array(DriftEventView), total: z.number() }),
  ),
  'drift.event': channel(
    z.object({ id: z.number().int().positive('Events are numbered from 1') }),
    z.object({ event: DriftEventView, before: EvidenceSide, after: EvidenceSide }),
  ),
  /** Mean time to detect and to resolve, per target and overall (README "Monitoring KPIs"). */
  'drift.kpis': channel(
    z.object({
      targetId: z.string().min(1).optional(),
      from: z.iso
        .datetime({ offset: true, error: 'From must be a date and time such as 2030-01-31T00:00:00Z' })
        .optional(),
      to: z.iso
        .datetime({ offset: true, error: 'To must be a date and time such as 2030-01-31T23:59:59Z' })
        .optional(),
    }),
    DriftKpis,
  ),
  'drift.timeline': channel(
    z.object({ targetId: z.string().min(1, 'Choose a target') }),
    z.object({
      points: z.array(
        z.object({
          scanId: z.string(),
          at: z.string(),
          score: z.number().nullable(),
          events: z.record(z.string(), z.number()),
          /** "Policy changed: …" when this scan ran another policy than the one before (never drift itself). */
          policyChange: z.string().optional(),
        }),
      ),
    }),
  ),
} as const

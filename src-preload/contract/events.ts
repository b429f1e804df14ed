// Events pushed from the core to every face, with the schema of each payload.
import { z } from 'zod'
import { RULE_STATUSES } from './scans'

/** A running scan's progress, as the core's ScanProgress (scanners/scanner.ts) says it: either a step with its
 * words, or one rule checked with the count so far. The phase tells which, so no field is "maybe there". */
export const SCAN_STEPS = ['connect', 'prepare', 'upload', 'fetch', 'ingest', 'cleanup'] as const
const scanIds = { scanId: z.string(), targetId: z.string() }
export const ScanProgressEvent = z.discriminatedUnion('phase', [
  z.object({ ...scanIds, phase: z.enum(SCAN_STEPS), message: z.string() }),
  z.object({
    ...scanIds,
    phase: z.literal('rule'),
    ruleId: z.string(),
    status: z.enum([...RULE_STATUSES, 'running']),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
  }),
])
export type ScanProgressEvent = z.output<typeof ScanProgressEvent>

/** Events pushed from the core to every face (IPC `webContents.send`, or Server-Sent Events). */
export const events = {
  'scan.progress': ScanProgressEvent,
  'scan.finished': z.object({
    scanId: z.string(),
    targetId: z.string(),
    state: z.enum(['done', 'failed', 'cancelled']),
    score: z.number().nullable(),
    error: z.string(),
  }),
  /**
   * What an ended scan could not remove from the host it scanned (its temporary folder, with the benchmark copy
   * and what oscap wrote): the message names the host, the folder and why, so a person can remove it by hand.
   */
  'scan.leftover': z.object({ scanId: z.string(), targetId: z.string(), message: z.string() }),
  'vault.changed': z.object({
    state: z.enum(['uninitialised', 'locked', 'unlocked']),
    reason: z.enum([
      'init',
      'unlock',
      'manual',
      'idle',
      'suspend',
      'lock-screen',
      'elsewhere',
      'passphrase',
      'settings',
    ]),
  }),
  'credentials.changed': z.object({ ids: z.array(z.string()) }),
  'targets.changed': z.object({
    ids: z.array(z.string()),
    reason: z.enum(['created', 'updated', 'removed']),
  }),
  'drift.detected': z.object({
    scanId: z.string(),
    targetId: z.string(),
    eventIds: z.array(z.number()),
    types: z.record(z.string(), z.number()),
  }),
  'watch.tick': z.object({
    active: z.boolean(),
    paused: z.boolean(),
    running: z.number(),
    tray: z.enum(['ok', 'drift', 'scanning', 'vault_locked', 'paused']),
  }),
} as const
export type Events = typeof events
export type EventName = keyof Events
export type EventPayload<E extends EventName> = z.output<Events[E]>
export const EVENT_NAMES = Object.keys(events) as EventName[]

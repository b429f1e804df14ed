// Alerts on the wire: the channels drift is sent to, their deliveries, and the alerts a person acknowledges.
import { z } from 'zod'
import { channel, Empty, Id } from './common'

export const ALERT_CHANNEL_KINDS = ['webhook', 'slack', 'github-issue', 'email'] as const

export const AlertChannelView = z.object({
  id: z.string(),
  kind: z.enum(ALERT_CHANNEL_KINDS),
  name: z.string(),
  enabled: z.boolean(),
  config: z.record(z.string(), z.unknown()),
  /** The vault credential holding the channel's secret (never the secret). */
  credentialId: z.string().nullable(),
  throttleMinutes: z.number(),
})
export type AlertChannelView = z.output<typeof AlertChannelView>

export const DeliveryView = z.object({
  id: z.number(),
  channelId: z.string(),
  targetId: z.string().nullable(),
  scanId: z.string().nullable(),
  eventIds: z.array(z.number()),
  test: z.boolean(),
  state: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number(),
  nextAttemptAt: z.string(),
  lastError: z.string(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
})

export const AlertView = z.object({
  id: z.number(),
  targetId: z.string(),
  ruleId: z.string(),
  eventId: z.number(),
  state: z.enum(['open', 'acknowledged', 'resolved']),
  openedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
})

export const alertChannels = {
  'alerts.channels.list': channel(Empty, z.object({ channels: z.array(AlertChannelView) })),
  'alerts.channels.save': channel(
    z.object({
      id: z.string().optional(),
      kind: z.enum(ALERT_CHANNEL_KINDS, { error: 'Kind must be webhook, slack, github-issue or email' }),
      name: z.string().trim().min(1, 'Name is required').max(100, 'Name is longer than 100 characters'),
      enabled: z.boolean().default(true),
      config: z.record(z.string(), z.unknown()).default({}),
      /** A secret typed here is sealed in the vault (as an alert-secret credential) and never stored here. */
      secret: z.string().max(4096).optional(),
      /** Secret header values (webhook), by header name: each sealed in the vault, the settings keep a reference. */
      headerSecrets: z.record(z.string(), z.string().min(1).max(4096)).optional(),
      credentialId: z.string().min(1).nullable().optional(),
      throttleMinutes: z.number().int().min(0).max(10080).default(0),
    }),
    AlertChannelView,
  ),
  'alerts.channels.remove': channel(Id, z.object({ removed: z.literal(true) })),
  'alerts.channels.test': channel(Id, DeliveryView),
  'alerts.deliveries': channel(
    z.object({ channelId: z.string().optional() }),
    z.object({ deliveries: z.array(DeliveryView) }),
  ),
  'alerts.list': channel(
    z.object({ state: z.enum(['open', 'acknowledged', 'resolved']).optional() }),
    z.object({ alerts: z.array(AlertView) }),
  ),
  'alerts.acknowledge': channel(z.object({ id: z.number().int().positive() }), AlertView),
} as const

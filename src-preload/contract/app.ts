// The app itself on the wire: what is running (app.info) and the tamper-evident audit log (audit.list).
import { z } from 'zod'
import { channel, Empty } from './common'

export const appChannels = {
  'app.info': channel(
    Empty,
    z.object({
      name: z.literal('Driftwatch'),
      version: z.string(),
      face: z.enum(['desktop', 'serve', 'cli']),
      dataDir: z.string(),
      platform: z.string(),
      schemaVersion: z.number().int(),
    }),
  ),
  'audit.list': channel(
    z.object({ limit: z.number().int().min(1).max(10_000).default(200) }),
    z.object({
      entries: z.array(
        z.object({
          seq: z.number(),
          at: z.string(),
          actor: z.string(),
          /** Who made it: the vault member, the computer's user and host, the watch worker (older: the face). */
          by: z.string(),
          action: z.string(),
          subject: z.string(),
          hash: z.string(),
        }),
      ),
      intact: z.boolean(),
      problems: z.array(z.string()),
    }),
  ),
} as const

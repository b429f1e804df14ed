// SSH host keys on the wire: pinned on first use after a person checks the fingerprint; a change refuses scans.
import { z } from 'zod'
import { channel, Empty, Id } from './common'
import { portField } from './targets'

export const KnownHostView = z.object({
  host: z.string(),
  port: z.number(),
  keyType: z.string(),
  fingerprint: z.string(),
  /** The pinned public key line ("ssh-ed25519 AAAA…"): public, so export-config can write the pin back. */
  publicKey: z.string(),
  trustedAt: z.string(),
})
export type KnownHostView = z.output<typeof KnownHostView>

export const hostChannels = {
  'targets.hostKey': channel(
    Id,
    z.object({
      state: z.enum(['trusted', 'unknown', 'changed']),
      host: z.string(),
      port: z.number(),
      keyType: z.string(),
      fingerprint: z.string(),
      pinnedFingerprint: z.string().nullable(),
      pinnedKeyType: z.string().nullable(),
    }),
  ),
  'knownHosts.list': channel(Empty, z.object({ hosts: z.array(KnownHostView) })),
  'knownHosts.import': channel(
    z
      .object({
        text: z
          .string()
          .max(8 * 1024 * 1024, 'A known_hosts file of at most 8 MB')
          .min(1, 'The file is empty'),
      })
      .strict(),
    z.object({
      added: z.number(),
      unchanged: z.number(),
      conflicts: z.array(z.string()),
      /** Hashed names (|1|…) matching no SSH target in Driftwatch: add the target, import again. */
      hashed: z.number(),
      skipped: z.number(),
      pinned: z.array(
        z.object({
          host: z.string(),
          port: z.number(),
          keyType: z.string(),
          fingerprint: z.string(),
          hashed: z.boolean(),
        }),
      ),
      /** Why each entry was left out, by line (the first 200). */
      reasons: z.array(z.object({ line: z.number(), reason: z.string() })),
    }),
  ),
  'knownHosts.forget': channel(
    z.object({ host: z.string().trim().min(1, 'Host is required'), port: portField }),
    z.object({ removed: z.boolean() }),
  ),
} as const

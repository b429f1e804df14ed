// A target's policy on the wire: the tailoring (or, for kinds scanned with rule packs, the pack and its
// variables) assigned to it, which Scan now, schedules, group scans and `driftwatch scan` run unless told otherwise.
import { z } from 'zod'
import { channel } from './common'

export const AssignedPolicy = z.object({
  /** For kinds that take a tailoring: the one assigned to the target itself, else to one of its groups. */
  tailoring: z
    .object({
      id: z.string(),
      name: z.string(),
      contentSha256: z.string(),
      /** The profile the tailoring extends: what a scan with it names as its profile. */
      profileId: z.string(),
      /** 'target', or the group it came through. */
      via: z.string(),
    })
    .nullable(),
  /** For kinds that run a chosen rule pack: the pack assigned to the target (its variables travel with it). */
  pack: z.object({ id: z.string(), title: z.string() }).nullable(),
})
export type AssignedPolicy = z.output<typeof AssignedPolicy>

export const policyChannels = {
  'policy.get': channel(z.object({ targetId: z.string().min(1, 'Choose a target') }), AssignedPolicy),
  /** Assigns (or with null, unassigns) a tailoring or a rule pack as the target's policy. */
  'policy.assign': channel(
    z
      .object({
        targetId: z.string().min(1, 'Choose a target'),
        tailoringId: z.string().min(1).nullable().optional(),
        packId: z.string().min(1).nullable().optional(),
      })
      .strict()
      .refine((r) => (r.tailoringId === undefined) !== (r.packId === undefined), {
        message: 'Assign a tailoring or a rule pack (one of them)',
        path: ['tailoringId'],
      }),
    AssignedPolicy,
  ),
} as const

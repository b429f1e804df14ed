// SCAP content and tailorings on the wire: imported datastreams, their profiles, values and rules, and the
// tailorings that adjust a profile.
import { z } from 'zod'
import { channel, Empty, Id, sha, stagedId, StrictId } from './common'

export const SEVERITIES = ['unknown', 'info', 'low', 'medium', 'high'] as const
const Sev = z.enum(SEVERITIES)

export const ContentSummary = z.object({
  sha256: z.string(),
  fileName: z.string(),
  sourcePath: z.string(),
  bytes: z.number(),
  scapVersion: z.string(),
  importedAt: z.string(),
  benchmarks: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      version: z.string(),
      profiles: z.number(),
      rules: z.number(),
      values: z.number(),
    }),
  ),
})
export type ContentSummary = z.output<typeof ContentSummary>

export const ValueView = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  type: z.enum(['number', 'string', 'boolean']),
  operator: z.string(),
  interactive: z.boolean(),
  default: z.string(),
  selectors: z.array(z.object({ selector: z.string(), value: z.string() })),
  lowerBound: z.number().optional(),
  upperBound: z.number().optional(),
  match: z.string().optional(),
  usedBy: z.array(z.object({ id: z.string(), title: z.string() })),
  /** What the base profile sets: a selector (refine-value) and the value it means. */
  profileSelector: z.string(),
  profileValue: z.string(),
})
export type ValueView = z.output<typeof ValueView>

export const RuleView = z.object({
  id: z.string(),
  title: z.string(),
  severity: Sev,
  selectedInProfile: z.boolean(),
  values: z.array(z.string()),
  /** The XCCDF Group holding the rule ('' at the benchmark's top). */
  groupId: z.string().default(''),
  /** Its CCE, NIST, CIS… references as "SYSTEM id", for the benchmark browser's search. */
  refs: z.array(z.string()).default([]),
})
export type RuleView = z.output<typeof RuleView>

export const TailoringChanges = z.object({
  refineValues: z.record(z.string(), z.string()).default({}),
  setValues: z.record(z.string(), z.string().max(4096)).default({}),
  selects: z.record(z.string(), z.boolean()).default({}),
  refineRules: z.record(z.string(), Sev).default({}),
})

export const TailoringView = z.object({
  id: z.string(),
  name: z.string(),
  contentSha256: z.string(),
  benchmarkId: z.string(),
  baseProfileId: z.string(),
  profileId: z.string(),
  changes: TailoringChanges,
  targets: z.array(z.string()),
  groups: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Each change against the base profile, in words a person can review. */
  diff: z.array(
    z.object({
      kind: z.enum(['value', 'select', 'severity']),
      id: z.string(),
      title: z.string(),
      from: z.string(),
      to: z.string(),
    }),
  ),
})
export type TailoringView = z.output<typeof TailoringView>

export const contentChannels = {
  'content.discover': channel(
    Empty,
    z.object({
      dir: z.string(),
      files: z.array(
        z.object({
          /** What content.import takes to import this file: the client names it by this id, never by path. */
          id: z.string(),
          name: z.string(),
          bytes: z.number(),
          importedSha256: z.string().nullable(),
        }),
      ),
    }),
  ),
  'content.import': channel(
    z
      .object({
        /** A file uploaded (serve mode) or picked in the open dialog (desktop app). */
        uploadId: stagedId('Choose a datastream file').optional(),
        /** One of the files content.discover listed, by its id. */
        discovered: z.string().min(1).max(255).optional(),
      })
      .strict()
      .refine((r) => (r.uploadId === undefined) !== (r.discovered === undefined), {
        message: 'Choose a datastream file',
        path: ['uploadId'],
      }),
    ContentSummary,
  ),
  'content.list': channel(Empty, z.object({ content: z.array(ContentSummary) })),
  'content.profiles': channel(
    z.object({ sha256: sha, benchmarkId: z.string().optional() }),
    z.object({
      profiles: z.array(
        z.object({ id: z.string(), title: z.string(), description: z.string(), selectedRules: z.number() }),
      ),
    }),
  ),
  'content.profile': channel(
    z.object({ sha256: sha, benchmarkId: z.string().optional(), profileId: z.string().min(1) }),
    z.object({
      benchmark: z.object({ id: z.string(), title: z.string(), version: z.string() }),
      profile: z.object({ id: z.string(), title: z.string(), description: z.string() }),
      profiles: z.array(z.object({ id: z.string(), title: z.string() })),
      values: z.array(ValueView),
      /** Values only rules outside the profile use (usedBy lists them): shown once a tailoring adds one. */
      otherValues: z.array(ValueView),
      rules: z.array(RuleView),
      /** The benchmark's Groups in document order, each naming its parent: the browser's tree. */
      groups: z
        .array(z.object({ id: z.string(), title: z.string(), parentId: z.string().nullable() }))
        .default([]),
    }),
  ),
  'content.rule': channel(
    z.object({ sha256: sha, ruleId: z.string().min(1) }),
    z.object({
      id: z.string(),
      title: z.string(),
      severity: Sev,
      description: z.string(),
      rationale: z.string(),
      references: z.array(z.object({ system: z.string(), id: z.string(), href: z.string().optional() })),
      fixes: z.array(z.object({ system: z.enum(['bash', 'ansible']), text: z.string() })),
    }),
  ),
  'tailorings.list': channel(Empty, z.object({ tailorings: z.array(TailoringView) })),
  'tailorings.save': channel(
    z.object({
      id: z.string().optional(),
      name: z.string().trim().min(1, 'Name is required').max(100, 'Name is longer than 100 characters'),
      sha256: sha,
      benchmarkId: z.string().optional(),
      baseProfileId: z.string().min(1),
      changes: TailoringChanges,
      targets: z.array(z.string()).default([]),
      groups: z.array(z.string()).default([]),
    }),
    TailoringView,
  ),
  'tailorings.remove': channel(Id, z.object({ removed: z.literal(true) })),
  'tailorings.export': channel(StrictId, z.object({ fileName: z.string(), xml: z.string() })),
  'tailorings.import': channel(
    z
      .object({
        xml: z
          .string()
          .min(1)
          .max(16 * 1024 * 1024),
        name: z.string().trim().min(1).max(100),
        sha256: sha,
      })
      .strict(),
    TailoringView,
  ),
} as const

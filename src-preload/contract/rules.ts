// Rule packs on the wire: built-in CIS-style packs and custom YAML/JSON packs for SQL and GitHub targets.
import { z } from 'zod'
import { channel, Empty, Id } from './common'

export const RulePackSummary = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  kind: z.string(),
  version: z.string(),
  benchmark: z.string(),
  builtIn: z.boolean(),
  extends: z.string().nullable(),
  /** Rules a scan with this pack runs (its own and the extended pack's). */
  rules: z.number().int(),
  variables: z.array(
    z.object({
      name: z.string(),
      title: z.string(),
      type: z.enum(['number', 'string']),
      default: z.union([z.number(), z.string()]),
      value: z.union([z.number(), z.string()]),
    }),
  ),
  importedAt: z.string().nullable(),
})
export type RulePackSummary = z.output<typeof RulePackSummary>

export const ruleChannels = {
  'rules.list': channel(
    z.object({ kind: z.string().max(60).optional() }).default({}),
    z.object({ packs: z.array(RulePackSummary) }),
  ),
  'rules.rule': channel(
    z.object({ packId: z.string().min(1), ruleId: z.string().min(1) }),
    z.object({
      id: z.string(),
      title: z.string(),
      severity: z.string(),
      description: z.string(),
      rationale: z.string(),
      remediation: z.string(),
      references: z.array(z.object({ system: z.string(), id: z.string() })),
      query: z.string(),
      applies: z.string(),
    }),
  ),
  'rules.import': channel(
    z
      .object({
        text: z
          .string()
          .min(1, 'The file is empty')
          .max(8 * 1024 * 1024, 'Rule packs are at most 8 MB'),
        /** Replace a custom pack with the same id instead of refusing the import. */
        replace: z.boolean().default(false),
      })
      .strict(),
    RulePackSummary,
  ),
  'rules.export': channel(
    z
      .object({ id: z.string().min(1, 'id is required'), format: z.enum(['yaml', 'json']).default('yaml') })
      .strict(),
    z.object({ fileName: z.string(), text: z.string() }),
  ),
  'rules.remove': channel(Id, z.object({ removed: z.literal(true) })),
  'rules.schema': channel(Empty, z.object({ schema: z.record(z.string(), z.unknown()) })),
} as const

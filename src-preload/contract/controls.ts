// Controls on the wire: the frameworks Driftwatch reads (NIST 800-53 with its baselines, CIS sections, PCI DSS
// requirements), every control's status across chosen targets, per family and per target, and one control's
// drill-down to the rule results (with their evidence) behind it.
import { z } from 'zod'
import { channel } from './common'

export const FRAMEWORK_IDS = ['nist-800-53', 'cis', 'pci-dss'] as const
export const CONTROL_STATUSES = [
  'satisfied',
  'not-satisfied',
  'partly',
  'excepted',
  'attested',
  'not-assessed',
] as const
export type ControlStatus = (typeof CONTROL_STATUSES)[number]

const Counts = z.record(z.enum(CONTROL_STATUSES), z.number())

export const FrameworkView = z.object({
  id: z.enum(FRAMEWORK_IDS),
  title: z.string(),
  version: z.string(),
  baselines: z.array(z.string()),
  /** Controls the framework holds: the catalog for NIST; the controls the content and packs name otherwise. */
  controls: z.number(),
})
export type FrameworkView = z.output<typeof FrameworkView>

export const ControlView = z.object({
  id: z.string(),
  label: z.string(),
  title: z.string(),
  family: z.string(),
  status: z.enum(CONTROL_STATUSES),
  /** Targets where it is met (satisfied, excepted or attested) / not satisfied; of how many with results for it. */
  satisfied: z.number(),
  notSatisfied: z.number(),
  assessedTargets: z.number(),
  /** Rules that map to it (on the chosen targets' results). */
  rules: z.number(),
  /** False for a reference the catalog does not hold: shown by its id. */
  inCatalog: z.boolean(),
})
export type ControlView = z.output<typeof ControlView>

const ControlsRequest = z
  .object({
    framework: z
      .enum(FRAMEWORK_IDS, { error: 'Framework is one of nist-800-53, cis, pci-dss' })
      .default('nist-800-53'),
    baseline: z
      .enum(['low', 'moderate', 'high'], { error: 'Baseline is one of low, moderate, high' })
      .optional(),
    targetIds: z.array(z.string().min(1)).max(10_000).optional(),
  })
  .strict()

export const controlChannels = {
  'controls.csv': channel(
    ControlsRequest.extend({
      table: z.enum(['controls', 'matrix'], { error: 'Table is controls or matrix' }).default('controls'),
    }),
    z.object({ fileName: z.string(), text: z.string() }),
  ),
  'controls.frameworks': channel(z.object({}).strict(), z.object({ frameworks: z.array(FrameworkView) })),
  'controls.status': channel(
    ControlsRequest,
    z.object({
      framework: FrameworkView,
      baseline: z.string().nullable(),
      targets: z.array(z.object({ id: z.string(), name: z.string() })),
      controls: z.array(ControlView),
      families: z.array(z.object({ id: z.string(), title: z.string(), counts: Counts })),
      totals: Counts,
      /** Targets × families: each cell's status and its controls' counts. */
      matrix: z.array(
        z.object({
          targetId: z.string(),
          family: z.string(),
          status: z.enum(CONTROL_STATUSES),
          counts: Counts,
        }),
      ),
    }),
  ),
  'controls.control': channel(
    z
      .object({
        framework: z.enum(FRAMEWORK_IDS).default('nist-800-53'),
        controlId: z.string().min(1, 'Choose a control').max(200),
        targetIds: z.array(z.string().min(1)).max(10_000).optional(),
      })
      .strict(),
    z.object({
      control: ControlView,
      statement: z.string(),
      targets: z.array(
        z.object({
          targetId: z.string(),
          name: z.string(),
          status: z.enum(CONTROL_STATUSES),
          rules: z.array(
            z.object({
              ruleId: z.string(),
              title: z.string(),
              severity: z.string(),
              status: z.string(),
              actual: z.string(),
              expected: z.string(),
              evidence: z.string(),
              scanId: z.string(),
              since: z.string(),
              /** What an exception or attestation in force makes of this result, if anything. */
              judgement: z.enum(['excepted', 'attested-passed', 'attested-failed']).nullable(),
            }),
          ),
        }),
      ),
    }),
  ),
} as const

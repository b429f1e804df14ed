// The audit's judgement on the wire: exceptions (accepted failures with an expiry), manual attestations, how a
// result reads under them, SAF/Heimdall attestation files, and two scans compared side by side.
import { z } from 'zod'
import { channel, stagedId } from './common'
import { RULE_STATUSES, ScanView } from './scans'

const text = (what: string, max: number) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} is required`)
    .max(max, `${what} is longer than ${max} characters`)
const when = (what: string) =>
  z
    .string({ error: `${what} is required (a date such as 2027-03-31)` })
    .trim()
    .min(1, `${what} is required (a date such as 2027-03-31)`)
    .refine((v) => !Number.isNaN(Date.parse(v)), `${what} must be a date such as 2027-03-31`)

export const EXCEPTION_SCOPES = ['target', 'group', 'all'] as const
export const EXCEPTION_STATES = ['live', 'expiring', 'expired', 'revoked'] as const
/** Renewal periods as SAF CLI and Heimdall write them; "Nd", "Nw", "Nm", "Ny" also work. */
export const ATTESTATION_FREQUENCIES = [
  'daily',
  'every3days',
  'weekly',
  'every2weeks',
  'fortnightly',
  'monthly',
  'quarterly',
  'semiannually',
  'annually',
] as const
export const frequencyText = z
  .string({ error: 'Frequency is required (e.g. quarterly)' })
  .trim()
  .regex(
    new RegExp(`^(?:${ATTESTATION_FREQUENCIES.join('|')}|\\d{1,4}\\s?[dwmy])$`),
    `Frequency is one of ${ATTESTATION_FREQUENCIES.join(', ')}, or a number with d/w/m/y (e.g. 90d)`,
  )

const EvidenceRef = z.object({ sha256: z.string(), name: z.string() }).nullable()

export const ExceptionView = z.object({
  id: z.string(),
  rulePattern: z.string(),
  scope: z.enum(EXCEPTION_SCOPES),
  targetId: z.string().nullable(),
  group: z.string().nullable(),
  justification: z.string(),
  approvedBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  expiresAt: z.string(),
  evidence: EvidenceRef,
  revokedAt: z.string().nullable(),
  revokedBy: z.string(),
  /** expiring = live, and ends within a week. */
  state: z.enum(EXCEPTION_STATES),
  /** Every result it covers passes again: the exception can be revoked. */
  noLongerNeeded: z.boolean(),
  /** Failing results it covers today (latest status per target). */
  covers: z.number(),
})
export type ExceptionView = z.output<typeof ExceptionView>

export const AttestationView = z.object({
  id: z.string(),
  /** null = every target. */
  targetId: z.string().nullable(),
  ruleId: z.string(),
  status: z.enum(['passed', 'failed']),
  explanation: z.string(),
  frequency: z.string(),
  attestedBy: z.string(),
  attestedAt: z.string(),
  expiresAt: z.string(),
  evidence: EvidenceRef,
  revokedAt: z.string().nullable(),
  /** Past its renewal date: the rule reads as not checked again. */
  lapsed: z.boolean(),
})
export type AttestationView = z.output<typeof AttestationView>

/** How one result reads under the judgement in force: the real status stays in ResultView.status. */
export const ResultJudgement = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('excepted'),
    exceptionId: z.string(),
    justification: z.string(),
    approvedBy: z.string(),
    expiresAt: z.string(),
    evidenceSha256: z.string().nullable(),
  }),
  z.object({
    kind: z.literal('attested'),
    attestationId: z.string(),
    status: z.enum(['passed', 'failed']),
    explanation: z.string(),
    attestedBy: z.string(),
    attestedAt: z.string(),
    frequency: z.string(),
    expiresAt: z.string(),
    evidenceSha256: z.string().nullable(),
  }),
  z.object({
    kind: z.literal('attestation-lapsed'),
    attestationId: z.string(),
    expiredAt: z.string(),
    warning: z.string(),
  }),
])
export type ResultJudgement = z.output<typeof ResultJudgement>

/** Counts and score both ways, each labelled: what the scan found, and what stands after the judgement. */
export const JudgementSummary = z.object({
  counts: z.record(z.string(), z.number()),
  /** counts with excepted failures and attested rules moved: fail 12 · excepted 3. */
  countsAfter: z.record(z.string(), z.number()),
  scoreRaw: z.number().nullable(),
  scoreAfter: z.number().nullable(),
  scoreRawLabel: z.string(),
  scoreAfterLabel: z.string(),
  excepted: z.number(),
  attested: z.number(),
  lapsed: z.number(),
})
export type JudgementSummary = z.output<typeof JudgementSummary>

/** What a report carries of the judgement: every exception and attestation in scope, and each target's score both ways. */
export const ReportJudgement = z.object({
  /** When the judgement was read: exceptions and attestations hold at a moment, the scan evidence does not change. */
  evaluatedAt: z.string(),
  exceptions: z.array(
    ExceptionView.pick({
      id: true,
      rulePattern: true,
      scope: true,
      targetId: true,
      group: true,
      justification: true,
      approvedBy: true,
      createdAt: true,
      expiresAt: true,
      evidence: true,
      state: true,
    }),
  ),
  attestations: z.array(
    AttestationView.pick({
      id: true,
      targetId: true,
      ruleId: true,
      status: true,
      explanation: true,
      frequency: true,
      attestedBy: true,
      attestedAt: true,
      expiresAt: true,
      evidence: true,
      lapsed: true,
    }),
  ),
  targets: z.array(z.object({ targetId: z.string(), summary: JudgementSummary })),
})
export type ReportJudgement = z.output<typeof ReportJudgement>

const ExceptionInput = z.object({
  id: z.string().min(1).optional(),
  rulePattern: text('The rule (or pattern)', 200),
  scope: z.enum(EXCEPTION_SCOPES, { error: 'Scope is target, group or all' }),
  targetId: z.string().min(1).optional(),
  group: z.string().trim().min(1).max(100).optional(),
  justification: text('A justification', 5000),
  approvedBy: text('Approved by', 200),
  expiresAt: when('An expiry date'),
  /** Expiries over a year ahead are refused unless the person says so. */
  allowLongExpiry: z.boolean().default(false),
  evidenceUploadId: stagedId('Choose the evidence file again').optional(),
})

const AttestationInput = z.object({
  id: z.string().min(1).optional(),
  targetId: z.string().min(1).nullable().default(null),
  ruleId: text('The rule', 200),
  status: z.enum(['passed', 'failed'], { error: 'Status is passed or failed' }),
  explanation: text('An explanation', 5000),
  frequency: frequencyText,
  attestedBy: text('Attested by', 200),
  attestedAt: when('The attestation date').optional(),
  evidenceUploadId: stagedId('Choose the evidence file again').optional(),
})

const CompareSide = z.object({
  scan: ScanView,
  targetName: z.string(),
  summary: JudgementSummary,
})

export const CompareRow = z.object({
  ruleId: z.string(),
  title: z.string(),
  severity: z.string(),
  /** '' = the rule is not in that scan. */
  a: z.object({ status: z.enum([...RULE_STATUSES, '']), actual: z.string(), expected: z.string() }),
  b: z.object({ status: z.enum([...RULE_STATUSES, '']), actual: z.string(), expected: z.string() }),
  /** status, value (same status, another found value), only-a, only-b, same. */
  difference: z.enum(['status', 'value', 'only-a', 'only-b', 'same']),
})
export type CompareRow = z.output<typeof CompareRow>

export const CompareView = z.object({
  a: CompareSide,
  b: CompareSide,
  /** Rules that differ first, then the rest; each part by rule id. */
  rows: z.array(CompareRow),
  differences: z.number(),
})
export type CompareView = z.output<typeof CompareView>

const FileOut = z.object({ fileName: z.string(), text: z.string() })
const fileText = z
  .string()
  .min(1, 'The file is empty')
  .max(4 * 1024 * 1024, 'The file is larger than 4 MB')

export const judgementChannels = {
  'exceptions.list': channel(
    z.object({ targetId: z.string().min(1).optional(), includeRevoked: z.boolean().default(false) }),
    z.object({ exceptions: z.array(ExceptionView) }),
  ),
  /** Creates one (no id) or edits one; every change is in the audit log. */
  'exceptions.save': channel(ExceptionInput.strict(), ExceptionView),
  /** Several rules at once (the results table's multi-select): all stored, or none. */
  'exceptions.saveMany': channel(
    z
      .object({
        rules: z.array(text('The rule', 200)).min(1, 'Choose at least one rule').max(1000),
        exception: ExceptionInput.omit({ id: true, rulePattern: true, evidenceUploadId: true }).strict(),
      })
      .strict(),
    z.object({ exceptions: z.array(ExceptionView) }),
  ),
  'exceptions.revoke': channel(
    z.object({ id: z.string().min(1), revokedBy: z.string().trim().max(200).default('') }).strict(),
    ExceptionView,
  ),
  'exceptions.export': channel(
    z.object({ format: z.enum(['json', 'yaml']).default('json') }).strict(),
    FileOut,
  ),
  /** Our own export read back: every entry is checked first, and nothing is stored if one is wrong. */
  'exceptions.import': channel(
    z.object({ text: fileText, allowLongExpiry: z.boolean().default(false) }).strict(),
    z.object({ exceptions: z.array(ExceptionView) }),
  ),
  'attestations.list': channel(
    z.object({ targetId: z.string().min(1).optional(), includeRevoked: z.boolean().default(false) }),
    z.object({ attestations: z.array(AttestationView) }),
  ),
  'attestations.save': channel(AttestationInput.strict(), AttestationView),
  'attestations.revoke': channel(z.object({ id: z.string().min(1) }).strict(), AttestationView),
  /**
   * A SAF CLI / Heimdall attestation file (JSON or YAML list), or a STIG Viewer checklist (CKL, CKLB) whose manual
   * checks were marked: all stored, or none with the entry at fault.
   */
  'attestations.import': channel(
    z
      .object({
        text: fileText,
        targetId: z.string().min(1).nullable().default(null),
        /** A STIG Viewer checklist (CKL or CKLB) names no person or renewal: who filled it in, how often. */
        attestedBy: text('Attested by', 200).optional(),
        frequency: frequencyText.optional(),
      })
      .strict(),
    z.object({ attestations: z.array(AttestationView) }),
  ),
  'attestations.export': channel(
    z
      .object({ format: z.enum(['json', 'yaml']).default('json'), targetId: z.string().min(1).optional() })
      .strict(),
    FileOut,
  ),
  /** How each result of a scan reads under the exceptions and attestations in force now. */
  'scan.judgement': channel(
    z.object({ scanId: z.string().min(1) }),
    z.object({
      summary: JudgementSummary,
      results: z.array(z.object({ ruleId: z.string(), judgement: ResultJudgement })),
    }),
  ),
  'scans.compare': channel(
    z.object({
      a: z.string().min(1, 'Choose the first scan'),
      b: z.string().min(1, 'Choose the second scan'),
    }),
    CompareView,
  ),
  /** The comparison as CSV (every rule, both sides), for a spreadsheet. */
  'scans.compareCsv': channel(
    z.object({
      a: z.string().min(1, 'Choose the first scan'),
      b: z.string().min(1, 'Choose the second scan'),
    }),
    FileOut,
  ),
} as const

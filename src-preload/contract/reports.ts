// Reports and evidence on the wire (issue 10): a report's scope, the model every format is built from, exports
// and bundle verification.
import { z } from 'zod'
import { channel, Download, stagedId } from './common'
import { EvidenceCheck, RULE_STATUSES } from './scans'
import { CompareView, ReportJudgement, ResultJudgement } from './judgement'
import { CONTROL_STATUSES } from './controls'

export const EXPORT_FORMATS = ['pdf', 'json', 'oscal', 'hdf', 'csv', 'bundle', 'ckl', 'cklb'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

const isoTime = z
  .string()
  .trim()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'Give a date such as 2026-01-31 or 2026-01-31T12:00:00Z')

export const Engagement = z.object({
  name: z.string().trim().max(200, 'Engagement name is longer than 200 characters').default(''),
  auditor: z.string().trim().max(200, 'Auditor is longer than 200 characters').default(''),
  organisation: z.string().trim().max(200, 'Organisation is longer than 200 characters').default(''),
  notes: z.string().trim().max(10_000, 'Notes are longer than 10,000 characters').default(''),
})

/** What a report covers: targets and groups (both empty = every target), a time window, and who it is for. */
export const ReportScope = z
  .object({
    targetIds: z.array(z.string().min(1)).max(10_000).default([]),
    groups: z.array(z.string().min(1)).max(1000).default([]),
    /** XCCDF profiles or rule packs to report on (empty = every one scanned). */
    profileIds: z.array(z.string().min(1)).max(1000).default([]),
    /** The exact scans to report on, at most one per target; a target not named reports its latest in the window. */
    scanIds: z.array(z.string().min(1).max(200)).max(10_000).default([]),
    from: isoTime.optional(),
    to: isoTime.optional(),
    includeDrift: z.boolean().default(true),
    engagement: Engagement.default({ name: '', auditor: '', organisation: '', notes: '' }),
    /** Two finished scans (any targets) to compare in an appendix: rules that differ first, both sides' values. */
    compare: z
      .object({
        a: z.string().trim().min(1, 'Choose the first scan to compare').max(200),
        b: z.string().trim().min(1, 'Choose the second scan to compare').max(200),
      })
      .refine((c) => c.a !== c.b, { message: 'Choose two different scans to compare', path: ['b'] })
      .optional(),
  })
  .refine((s) => !s.from || !s.to || Date.parse(s.from) <= Date.parse(s.to), {
    message: 'The time window ends before it starts',
    path: ['to'],
  })
export type ReportScope = z.input<typeof ReportScope>

const Counts = z.record(z.string(), z.number())

/** Everything a report shows, in a stable order: the report view renders it, every format is built from it. */
const uuidText = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
const sha256Text = z.string().regex(/^[0-9a-f]{64}$/)
/** A tailoring as a report names it: the policy actually applied, not the stock profile. */
export const ReportTailoring = z.object({
  id: z.string(),
  name: z.string(),
  /** The customised profile the tailoring defines (what oscap evaluated). */
  profileId: z.string(),
  sha256: sha256Text,
  /** Path of the tailoring file inside the evidence bundle. */
  path: z.string(),
  /** Each change against the profile it extends, in words ("Unselect rule …", "Set var_… = 15"). */
  changes: z.array(z.string()),
})
/** Results by control: the NIST SP 800-53 controls the results map to, with each target's status (issue 20). */
export const ReportControls = z.object({
  framework: z.string(),
  families: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      counts: z.record(z.enum(CONTROL_STATUSES), z.number()),
    }),
  ),
  controls: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      title: z.string(),
      family: z.string(),
      status: z.enum(CONTROL_STATUSES),
      targets: z.array(
        z.object({ targetId: z.string(), status: z.enum(CONTROL_STATUSES), rules: z.number() }),
      ),
    }),
  ),
})
export type ReportControls = z.output<typeof ReportControls>

export const ReportModel = z.object({
  formatVersion: z.literal('1.2.0'),
  reportId: uuidText,
  title: z.string(),
  /** The latest scan's end: the report's "as of", so the same scope always gives the same report. */
  asOf: z.string(),
  generator: z.object({ name: z.string(), version: z.string() }),
  engagement: z.object({
    name: z.string(),
    auditor: z.string(),
    organisation: z.string(),
    notes: z.string(),
  }),
  scope: z.object({
    targetIds: z.array(z.string()),
    groups: z.array(z.string()),
    profileIds: z.array(z.string()),
    /** The scans a person chose (one per target); empty = each target's latest in the window. */
    scanIds: z.array(z.string()),
    from: z.string().nullable(),
    to: z.string().nullable(),
    includeDrift: z.boolean(),
    /** Targets the scope names that have no finished scan in the window: a gap the report must show. */
    notScanned: z.array(z.object({ id: z.string(), name: z.string() })),
  }),
  method: z.array(
    z.object({
      tool: z.string(),
      profileId: z.string(),
      /** The profile's (or rule pack's) title, as the content names it; '' when unknown. */
      profileTitle: z.string(),
      contentSha256: z.string(),
      /** "title version" of the benchmark or rule pack. */
      benchmark: z.string(),
      /** The tailoring the scans ran with: its name, SHA-256 (of the file in the bundle) and changes to the profile. */
      tailoring: ReportTailoring.nullable(),
      /** Database scans: the rule pack's variables as the scans used them. */
      variables: z.array(z.object({ name: z.string(), value: z.string() })),
      /** How the scans in this group were started: manual, watch. */
      triggers: z.array(z.string()),
      /** The scans this method line covers. */
      scanIds: z.array(z.string()),
      /** e.g. a scan account that was a superuser, per target. */
      warnings: z.array(z.string()).default([]),
    }),
  ),
  summary: z.object({
    targets: z.number(),
    scans: z.number(),
    rulesEvaluated: z.number(),
    findings: z.number(),
    bySeverity: Counts,
    averageScore: z.number().nullable(),
  }),
  targets: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      kind: z.string(),
      host: z.string(),
      groups: z.array(z.string()),
      latestScanId: z.string(),
      score: z.number().nullable(),
      counts: Counts,
      trend: z.array(z.object({ scanId: z.string(), at: z.string(), score: z.number().nullable() })),
    }),
  ),
  scans: z.array(
    z.object({
      id: z.string(),
      targetId: z.string(),
      profileId: z.string(),
      tailoringId: z.string().nullable(),
      trigger: z.string(),
      startedAt: z.string(),
      finishedAt: z.string(),
      score: z.number().nullable(),
      counts: Counts,
      evidenceSha256: sha256Text.nullable(),
      contentSha256: z.string(),
      /** The SHA-256 of the tailoring file the scan ran with (in the bundle under tailoring/), or null. */
      tailoringSha256: sha256Text.nullable(),
    }),
  ),
  /** Every rule result of each target's latest scan in the window; findings are those that failed or errored. */
  results: z.array(
    z.object({
      id: uuidText,
      targetId: z.string(),
      scanId: z.string(),
      ruleId: z.string(),
      title: z.string(),
      severity: z.string(),
      status: z.enum(RULE_STATUSES),
      actual: z.string(),
      expected: z.string(),
      message: z.string(),
      /** The evidence in words, one sentence a line (what was examined, found and expected); '' when none. */
      evidenceExcerpt: z.string(),
      /** The same evidence as data: each thing examined, what was found there and what was expected. */
      evidence: z.array(EvidenceCheck),
      idents: z.array(z.object({ system: z.string(), id: z.string() })),
      /** Each reference's scheme (NIST-800-53, CIS, CCE, a pack's benchmark, …) and its id there. */
      references: z.array(z.object({ system: z.string(), id: z.string() })),
      /** What the rule checks, from the benchmark or rule pack. */
      description: z.string(),
      /** How to fix it: the benchmark's shell (else Ansible) fix, or the rule pack's remediation; '' if none. */
      remediation: z.string(),
      rationale: z.string(),
      /** Excepted, attested, or an attestation that lapsed: the status above stays what the scan found. */
      judgement: ResultJudgement.optional(),
    }),
  ),
  drift: z.object({
    /** False while this store has no drift history (the table does not exist yet). */
    available: z.boolean(),
    events: z.array(
      z.object({
        targetId: z.string(),
        /** regression, fixed, new-failing, value (a setting changed), score; '' when the store does not say. */
        type: z.string(),
        /** '' for a change of the whole scan's score. */
        ruleId: z.string(),
        title: z.string(),
        severity: z.string(),
        from: z.string(),
        to: z.string(),
        scanId: z.string(),
        at: z.string(),
      }),
    ),
  }),
  evidence: z.array(
    z.object({
      sha256: sha256Text,
      mediaType: z.string(),
      bytes: z.number(),
      path: z.string(),
      scanIds: z.array(z.string()),
    }),
  ),
  /** Present when exceptions or attestations bear on the report (issue 19). */
  judgement: ReportJudgement.optional(),
  /** The appendix comparing two chosen scans, when the scope asked for one (issue 19). */
  comparison: CompareView.optional(),
  /** Present when some result names a NIST SP 800-53 control: the report's results by control. */
  controls: ReportControls.optional(),
})
export type ReportModel = z.output<typeof ReportModel>

export const reportChannels = {
  'reports.preview': channel(z.object({ scope: ReportScope }), ReportModel),
  /** Renders the export and stages its bytes: the face that asked decides where they go (download, save dialog, --out). */
  'reports.export': channel(
    z
      .object({
        /** A scope builds (and freezes) a new report; a reportId renders the one a preview built, unchanged. */
        scope: ReportScope.optional(),
        reportId: uuidText.optional(),
        format: z.enum(EXPORT_FORMATS, { error: `Format must be one of ${EXPORT_FORMATS.join(', ')}` }),
      })
      .strict()
      .refine((r) => (r.scope === undefined) !== (r.reportId === undefined), {
        message: 'Name either a scope or the reportId of a preview, not both',
        path: ['reportId'],
      }),
    z.object({ ...Download, engine: z.string(), reportId: z.string() }),
  ),
  'reports.verify': channel(
    z
      .object({
        /** The bundle, uploaded (serve mode) or picked in the open dialog (desktop app). */
        uploadId: stagedId('Choose a bundle'),
        /** A public key (PEM) the bundle must have been signed with. */
        trustedKey: z
          .string()
          .max(16 * 1024)
          .optional(),
      })
      .strict(),
    z.object({
      ok: z.boolean(),
      files: z.number(),
      signedBy: z.string(),
      problems: z.array(z.object({ file: z.string(), message: z.string() })),
    }),
  ),
} as const

// THE API between the rooms: every channel with its request and response schema, and every pushed event.
// Main implements it (src-main/core/app.ts), preload and the HTTP server carry it, the renderer calls it.
import { z } from 'zod'

// Target kinds live in the core's registry (src-main/core/scanners/registry.ts), one folder per kind: the wall
// knows only what every target shares. The kind's own fields travel flat beside these (host, port, org, ...)
// and the core checks them with the kind's schema, naming each field at fault (see kinds.list for the form).

// Hostnames or IP literals; the pattern only refuses what can never be a host (spaces, slashes, schemes).
export const hostField = z
  .string({ error: 'Host is required' })
  .trim()
  .min(1, 'Host is required')
  .max(253, 'Host is longer than 253 characters')
  .regex(/^[A-Za-z0-9._:[\]-]+$/, 'Host may contain only letters, digits, dots, hyphens, colons and brackets')

export const portField = z.coerce
  .number({ error: 'Port must be a number' })
  .int('Port must be a whole number')
  .min(1, 'Port must be between 1 and 65535')
  .max(65535, 'Port must be between 1 and 65535')

const labelList = (what: string) =>
  z
    .array(
      z
        .string()
        .trim()
        .min(1, `${what} cannot be empty`)
        .max(64, `${what} is longer than 64 characters`)
        .regex(/^[^,\n]+$/, `${what} cannot contain commas or line breaks`),
    )
    .max(50, `At most 50 ${what.toLowerCase()}s`)
    .default([])

const commonFields = {
  // Which kinds exist is the registry's answer; the core names them when this one is unknown.
  kind: z.string({ error: 'Kind is required' }),
  name: z
    .string({ error: 'Name is required' })
    .trim()
    .min(1, 'Name is required')
    .max(100, 'Name is longer than 100 characters'),
  description: z.string().trim().max(2000, 'Description is longer than 2000 characters').default(''),
  tags: labelList('Tag'),
  groups: labelList('Group'),
}

/** A target as a person gives it: the common fields checked here, the kind's own fields kept for the core. */
export const TargetInput = z.looseObject(commonFields)
export type TargetInput = z.input<typeof TargetInput>
export type TargetFields = z.output<typeof TargetInput>

const stored = { id: z.string(), createdAt: z.string(), updatedAt: z.string() }
export const Target = z.looseObject({
  ...commonFields,
  ...stored,
  /** How the target reads in lists (user@host:port, an organisation, "This computer"), from its kind. */
  address: z.string(),
})
export type Target = z.output<typeof Target>

/** One field of a kind's form, as data: the renderer draws the form from these, with no code per kind. */
export const KindFormField = z.object({
  name: z.string(),
  label: z.string(),
  input: z.enum(['text', 'number', 'port', 'select', 'textarea', 'checkbox', 'credential']),
  placeholder: z.string().optional(),
  /** The form's starting value (the schema's default applies when the field is left empty). */
  default: z.string().optional(),
  help: z.string().optional(),
  required: z.boolean().optional(),
  options: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
  /** A textarea holding a list: one entry per line (commas and spaces also separate). */
  list: z.boolean().optional(),
  /** Shown (and sent) only while another field has one of these values. */
  showWhen: z.object({ field: z.string(), in: z.array(z.string()) }).optional(),
  /** The label while another field has a given value (e.g. "Password credential" when signing in by password). */
  labelWhen: z.array(z.object({ field: z.string(), value: z.string(), label: z.string() })).optional(),
  /** The command line's flag for this field (driftwatch targets add --FLAG). */
  flag: z.string().optional(),
})
export type KindFormField = z.output<typeof KindFormField>

// ---- Vault and credentials: secrets go in (typed by the person), only names and metadata come out. ----

export const CREDENTIAL_KINDS = [
  'ssh-key',
  'ssh-password',
  'sudo-password',
  'db-password',
  'db-client-cert',
  'github-token',
  'alert-secret',
] as const
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number]
export const CREDENTIAL_LABELS: Record<CredentialKind, string> = {
  'ssh-key': 'SSH private key',
  'ssh-password': 'SSH password',
  'sudo-password': 'Sudo password',
  'db-password': 'Database password',
  'db-client-cert': 'Database client certificate',
  'github-token': 'GitHub token',
  'alert-secret': 'Alert channel secret',
}
/** A kind's use of a vault credential: the target field holding its id, its role, the credential kinds it takes. */
export const KindCredential = z.object({
  field: z.string(),
  role: z.string(),
  kinds: z.array(z.enum(CREDENTIAL_KINDS)),
})
export type KindCredential = z.output<typeof KindCredential>

/** A target kind as every face sees it: labels, form, and what its scan panel offers. */
export const KindView = z.object({
  kind: z.string(),
  label: z.string(),
  shortLabel: z.string(),
  description: z.string(),
  fields: z.array(KindFormField),
  credentials: z.array(KindCredential),
  policy: z.object({
    /** Scanned with imported SCAP content and one of its profiles. */
    content: z.boolean(),
    /** Takes a tailoring of that content. */
    tailoring: z.boolean(),
    /** "choose": a rule pack is picked (custom ones may be imported); "built-in": one fixed pack; "none". */
    rulePack: z.enum(['choose', 'built-in', 'none']),
    defaultPack: z.string().nullable(),
    /** A host key is confirmed before the first scan. */
    hostKey: z.boolean(),
    /** Offers "Test connection". */
    testConnection: z.boolean(),
  }),
  /** What live progress counts (rules, repositories). */
  progressUnit: z.string(),
})
export type KindView = z.output<typeof KindView>

const secretText = (what: string, max = 64 * 1024) =>
  z
    .string({ error: `${what} is required` })
    .min(1, `${what} is required`)
    .max(max, `${what} is too long`)
const optionalSecret = (max = 1024) => z.string().max(max).default('')

export const SecretFields = {
  'ssh-key': z.object({ privateKey: secretText('Private key'), passphrase: optionalSecret() }),
  'ssh-password': z.object({ password: secretText('Password', 1024) }),
  'sudo-password': z.object({ password: secretText('Password', 1024) }),
  'db-password': z.object({ password: secretText('Password', 1024) }),
  'db-client-cert': z.object({
    cert: secretText('Certificate'),
    key: secretText('Private key'),
    passphrase: optionalSecret(),
  }),
  'github-token': z.object({ token: secretText('Token', 1024) }),
  /** A webhook's HMAC key, a Slack incoming-webhook URL or an SMTP password (see the Watch page's alert channels). */
  'alert-secret': z.object({ secret: secretText('Secret', 4096) }),
} as const

const credentialCommon = {
  name: z
    .string({ error: 'Name is required' })
    .trim()
    .min(1, 'Name is required')
    .max(100, 'Name is longer than 100 characters'),
  username: z.string().trim().max(128, 'User name is longer than 128 characters').default(''),
  notes: z.string().trim().max(2000, 'Notes are longer than 2000 characters').default(''),
}

const credentialOf = <K extends CredentialKind>(kind: K) =>
  z.object({ kind: z.literal(kind), ...credentialCommon, secret: SecretFields[kind] })

export const CredentialInput = z.discriminatedUnion(
  'kind',
  [
    credentialOf('ssh-key'),
    credentialOf('ssh-password'),
    credentialOf('sudo-password'),
    credentialOf('db-password'),
    credentialOf('db-client-cert'),
    credentialOf('github-token'),
    credentialOf('alert-secret'),
  ],
  {
    error: (iss) =>
      iss.code === 'invalid_union'
        ? `Unknown credential kind: expected one of ${CREDENTIAL_KINDS.join(', ')}`
        : undefined,
  },
)
export type CredentialInput = {
  [K in CredentialKind]: {
    kind: K
    name: string
    username?: string
    notes?: string
    secret: z.input<(typeof SecretFields)[K]>
  }
}[CredentialKind]

export const CredentialMeta = z.object({
  id: z.string(),
  kind: z.enum(CREDENTIAL_KINDS),
  name: z.string(),
  username: z.string(),
  notes: z.string(),
  /** e.g. "SHA256:..." of an SSH key's public half, so a person can tell keys apart without seeing them. */
  fingerprint: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  rotatedAt: z.string().nullable(),
  /** Targets that sign in with it. */
  usedBy: z.array(z.object({ id: z.string(), name: z.string() })),
})
export type CredentialMeta = z.output<typeof CredentialMeta>

export const VaultStatus = z.object({
  state: z.enum(['uninitialised', 'locked', 'unlocked']),
  autoLockMinutes: z.number().int(),
  remembered: z.boolean(),
  /** Empty when "remember on this device" can be offered; otherwise why not. */
  rememberUnavailable: z.string(),
  credentials: z.number().int(),
})
export type VaultStatus = z.output<typeof VaultStatus>

const passphrase = z
  .string({ error: 'Passphrase is required' })
  .min(1, 'Passphrase is required')
  .max(1024, 'Passphrase is longer than 1024 characters')

// ---- SCAP content and tailoring ----

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

const sha = z.string().regex(/^[0-9a-f]{64}$/, 'Content is named by the SHA-256 of its file')

// ---- Scans ----

export const RULE_STATUSES = [
  'pass',
  'fail',
  'error',
  'unknown',
  'notapplicable',
  'notchecked',
  'notselected',
  'informational',
  'fixed',
] as const

export const ScanView = z.object({
  id: z.string(),
  targetId: z.string(),
  trigger: z.enum(['manual', 'watch']),
  state: z.enum(['running', 'done', 'failed', 'interrupted', 'cancelled']),
  profileId: z.string(),
  tailoringId: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.string(),
  /** pass / (pass + fail), 0–100; null when nothing passed or failed. */
  score: z.number().nullable(),
  counts: z.record(z.string(), z.number()),
  evidence: z.string().nullable(),
  /** The content the scan evaluated (SHA-256), for rule details. */
  contentSha256: z.string(),
  /** What the scanner noted about the run (e.g. GitHub: requests, rate-limit remaining and reset). */
  info: z.record(z.string(), z.string()).default({}),
})
export type ScanView = z.output<typeof ScanView>

export const ResultView = z.object({
  ruleId: z.string(),
  status: z.enum(RULE_STATUSES),
  severity: z.string(),
  title: z.string(),
  actual: z.string(),
  expected: z.string(),
  message: z.string(),
  idents: z.array(z.object({ system: z.string(), id: z.string() })),
})
export type ResultView = z.output<typeof ResultView>

export const KnownHostView = z.object({
  host: z.string(),
  port: z.number(),
  keyType: z.string(),
  fingerprint: z.string(),
  trustedAt: z.string(),
})
export type KnownHostView = z.output<typeof KnownHostView>
// ---- Rule packs for SQL targets: built-in CIS-style packs and custom YAML/JSON packs ----

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

// ---- Watch, drift and alerts ----

export const DRIFT_TYPES = ['regression', 'fixed', 'new-failing', 'value', 'score'] as const
export const DRIFT_TYPE_LABELS: Record<(typeof DRIFT_TYPES)[number], string> = {
  regression: 'Regression',
  fixed: 'Fixed',
  'new-failing': 'New failing rule',
  value: 'Value changed',
  score: 'Score',
}
export const ALERT_CHANNEL_KINDS = ['webhook', 'slack', 'github-issue', 'email'] as const

const hhmm = z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'Times are written HH:MM, e.g. 02:30')

export const ScheduleInput = z
  .object({
    id: z.string().optional(),
    targetId: z.string().min(1).nullable().default(null),
    group: z.string().trim().min(1).max(64).nullable().default(null),
    kind: z.enum(['interval', 'daily'], { error: 'Kind must be interval or daily' }).default('interval'),
    intervalMinutes: z.coerce
      .number({ error: 'Interval must be a number of minutes' })
      .int('Interval must be whole minutes')
      .min(1, 'Interval must be at least 1 minute')
      .max(44640, 'Interval must be at most 31 days')
      .default(60),
    dailyTimes: z.array(hhmm).max(24, 'At most 24 times a day').default([]),
    priority: z.boolean().default(false),
    jitterSeconds: z.coerce.number().int().min(0).max(3600, 'Jitter must be at most 3600 seconds').default(0),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'Content is named by the SHA-256 of its file')
      .optional(),
    profileId: z.string().min(1).optional(),
    tailoringId: z.string().optional(),
    paused: z.boolean().default(false),
  })
  .superRefine((s, ctx) => {
    if ((s.targetId === null) === (s.group === null))
      ctx.addIssue({
        code: 'custom',
        path: ['targetId'],
        message: 'Choose a target or a group (one of them)',
      })
    if (s.kind === 'daily' && s.dailyTimes.length === 0)
      ctx.addIssue({ code: 'custom', path: ['dailyTimes'], message: 'Give at least one time of day' })
  })

export const ScheduleView = z.object({
  id: z.string(),
  targetId: z.string().nullable(),
  group: z.string().nullable(),
  kind: z.enum(['interval', 'daily']),
  intervalMinutes: z.number(),
  dailyTimes: z.array(z.string()),
  priority: z.boolean(),
  jitterSeconds: z.number(),
  sha256: z.string().optional(),
  profileId: z.string().optional(),
  tailoringId: z.string().optional(),
  paused: z.boolean(),
})
export type ScheduleView = z.output<typeof ScheduleView>

export const RunView = z.object({
  scheduleId: z.string(),
  targetId: z.string(),
  nextRunAt: z.string(),
  lastRunAt: z.string().nullable(),
  lastScanId: z.string().nullable(),
  status: z.enum(['waiting', 'running', 'backoff', 'vault_locked', 'unavailable', 'paused']),
  detail: z.string(),
  failures: z.number(),
})
export type RunView = z.output<typeof RunView>

export const WatchSettingsView = z.object({
  concurrency: z.number().int().min(1, 'At least 1 scan at a time').max(32, 'At most 32 scans at a time'),
  perKind: z.record(z.string(), z.number().int().min(1).max(32)),
  thresholds: z
    .object({
      major: z.number().min(0.1, 'Thresholds are at least 0.1 points').max(100),
      minor: z.number().min(0.1, 'Thresholds are at least 0.1 points').max(100),
    })
    .refine((t) => t.minor <= t.major, {
      message: 'The minor threshold cannot be above the major one',
      path: ['minor'],
    }),
  priorityFactor: z.number().min(1).max(24),
  backoffBaseMinutes: z.number().min(0.1).max(1440),
  backoffCapMinutes: z.number().min(1).max(10080),
})

export const WatchStatus = z.object({
  /** This process is the one scheduling (the desktop app or `driftwatch watch`). */
  active: z.boolean(),
  /** Another process holds the schedule (pid), or '' . */
  elsewhere: z.string(),
  paused: z.boolean(),
  pausedTargets: z.array(z.string()),
  schedules: z.array(ScheduleView),
  runs: z.array(RunView),
  settings: WatchSettingsView,
  tray: z.enum(['ok', 'drift', 'scanning', 'vault_locked', 'paused']),
  openAlerts: z.number(),
})
export type WatchStatus = z.output<typeof WatchStatus>

export const DriftEventView = z.object({
  id: z.number(),
  targetId: z.string(),
  scanId: z.string(),
  prevScanId: z.string().nullable(),
  ruleId: z.string(),
  type: z.enum(DRIFT_TYPES),
  severity: z.string(),
  title: z.string(),
  fromStatus: z.string(),
  toStatus: z.string(),
  fromActual: z.string(),
  toActual: z.string(),
  fromScore: z.number().nullable(),
  toScore: z.number().nullable(),
  at: z.string(),
})
export type DriftEventView = z.output<typeof DriftEventView>

const EvidenceSide = z
  .object({
    scanId: z.string(),
    at: z.string().nullable(),
    status: z.string(),
    actual: z.string(),
    expected: z.string(),
    message: z.string(),
    evidence: z.string().nullable(),
  })
  .nullable()

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

const TargetScope = z.object({ targetId: z.string().min(1).optional() })
// ---- Reports and evidence (issue 10) ----

export const EXPORT_FORMATS = ['pdf', 'json', 'oscal', 'hdf', 'csv', 'bundle'] as const
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
    from: isoTime.optional(),
    to: isoTime.optional(),
    includeDrift: z.boolean().default(true),
    engagement: Engagement.default({ name: '', auditor: '', organisation: '', notes: '' }),
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
export const ReportModel = z.object({
  formatVersion: z.literal('1.0.0'),
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
      contentSha256: z.string(),
      benchmark: z.string(),
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
      /** For findings: the rule's own record in the raw evidence (e.g. its ARF rule-result); '' otherwise. */
      evidenceExcerpt: z.string(),
      idents: z.array(z.object({ system: z.string(), id: z.string() })),
      references: z.array(z.object({ system: z.string(), id: z.string() })),
      remediation: z.string(),
      rationale: z.string(),
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
})
export type ReportModel = z.output<typeof ReportModel>

const Id = z.object({ id: z.string().min(1, 'id is required') })
const Empty = z.object({}).strict()
/** Channels that move files are strict: a request naming a field they do not know (say, a path) is refused. */
const StrictId = Id.strict()
/**
 * A file staged in the core under a random single-use id: an export waiting to be downloaded or saved, or an
 * uploaded file waiting to be imported. The wire never carries a filesystem path to read or write.
 */
const stagedId = (message: string) => z.string({ error: message }).regex(/^[A-Za-z0-9_-]{32}$/, message)
const Download = {
  /** Fetch it once: GET /api/download/ID in serve mode, or the desktop app's save dialog. */
  download: z.string(),
  fileName: z.string(),
  mediaType: z.string(),
  bytes: z.number(),
  sha256: z.string(),
}

/** Every error that crosses the wall has this shape; `issues` name the fields a form should mark. */
export const ApiError = z.object({
  code: z.enum([
    'validation',
    'not_found',
    'conflict',
    'unauthorized',
    'forbidden',
    'unavailable',
    'internal',
  ]),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).default([]),
})
export type ApiError = z.infer<typeof ApiError>

const channel = <Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) => ({
  request,
  response,
})

export const contract = {
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
  'targets.list': channel(
    z
      .object({
        query: z.string().max(200).default(''),
        kind: z.string().max(60).optional(),
        tag: z.string().optional(),
        group: z.string().optional(),
      })
      .default({ query: '' }),
    z.object({ targets: z.array(Target), total: z.number().int() }),
  ),
  'kinds.list': channel(Empty, z.object({ kinds: z.array(KindView), defaultKind: z.string() })),
  'targets.get': channel(Id, Target),
  'targets.create': channel(z.object({ target: TargetInput }), Target),
  'targets.update': channel(
    z.object({ id: z.string().min(1, 'id is required'), target: TargetInput }),
    Target,
  ),
  'targets.duplicate': channel(Id, Target),
  'targets.remove': channel(Id, z.object({ removed: z.literal(true) })),
  'targets.labels': channel(Empty, z.object({ tags: z.array(z.string()), groups: z.array(z.string()) })),
  'targets.testConnection': channel(
    Id,
    z.object({
      status: z.enum(['ok', 'failed', 'vault_locked', 'unsupported']),
      message: z.string(),
      steps: z.array(
        z.object({ step: z.string(), ok: z.boolean(), detail: z.string(), fix: z.string().optional() }),
      ),
    }),
  ),
  'vault.status': channel(Empty, VaultStatus),
  'vault.init': channel(
    z.object({ passphrase: passphrase.min(12, 'Use at least 12 characters') }),
    VaultStatus,
  ),
  'vault.unlock': channel(z.object({ passphrase, remember: z.boolean().default(false) }), VaultStatus),
  'vault.lock': channel(Empty, VaultStatus),
  'vault.changePassphrase': channel(
    z.object({ current: passphrase, next: passphrase.min(12, 'Use at least 12 characters') }),
    VaultStatus,
  ),
  'vault.setAutoLock': channel(
    z.object({
      minutes: z.number().int('Whole minutes').min(0, 'At least 0 (never)').max(1440, 'At most 1440 (a day)'),
    }),
    VaultStatus,
  ),
  'vault.forgetDevice': channel(Empty, VaultStatus),
  'credentials.list': channel(Empty, z.object({ credentials: z.array(CredentialMeta) })),
  'credentials.create': channel(z.object({ credential: CredentialInput }), CredentialMeta),
  'credentials.update': channel(
    z.object({
      id: z.string().min(1, 'id is required'),
      name: credentialCommon.name.optional(),
      username: credentialCommon.username.optional(),
      notes: credentialCommon.notes.optional(),
      /** Present = rotate: the new secret replaces the old one. Checked against the credential's kind. */
      secret: z.record(z.string(), z.string().max(64 * 1024)).optional(),
    }),
    CredentialMeta,
  ),
  'credentials.remove': channel(Id, z.object({ removed: z.literal(true) })),
  /** Confirms, with the passphrase, that the target's credentials may be used at its current address. */
  'credentials.rebind': channel(
    z.object({ targetId: z.string().min(1, 'targetId is required'), passphrase }),
    z.object({
      address: z.string(),
      credentials: z.array(z.object({ id: z.string(), name: z.string(), from: z.array(z.string()) })),
    }),
  ),
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
      rules: z.array(RuleView),
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
  'scan.start': channel(
    z.object({
      targetId: z.string().min(1, 'Choose a target'),
      /** SCAP content (oscap scans of this computer and SSH hosts); other kinds use built-in rule packs. */
      sha256: sha.optional(),
      /** An XCCDF profile id, or a rule pack id for database and GitHub targets (each has a default). */
      profileId: z.string().min(1, 'Choose a profile').optional(),
      tailoringId: z.string().optional(),
      /** The SHA-256 host-key fingerprint a person confirmed for an SSH target seen for the first time. */
      trustHostKey: z
        .string()
        .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'A fingerprint looks like SHA256:…')
        .optional(),
    }),
    z.object({ scanId: z.string() }),
  ),
  /** Scans every target of a group, a few at a time; each scan reports its own progress and end. */
  'scan.startGroup': channel(
    z.object({
      group: z.string().trim().min(1, 'Choose a group'),
      /** For this computer and SSH hosts in the group; databases and GitHub use their default rule packs. */
      sha256: sha.optional(),
      /** With sha256, a profile of that content; without it, the rule pack the group's other kinds run. */
      profileId: z.string().min(1).optional(),
      tailoringId: z.string().optional(),
      concurrency: z.number().int().min(1).max(16, 'At most 16 scans at a time').default(4),
      /** Host-key fingerprints a person confirmed, by target id (targets of the group whose kind pins host keys). */
      trustHostKeys: z
        .record(
          z.string().min(1).max(200),
          z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'A fingerprint looks like SHA256:…'),
        )
        .optional(),
    }),
    z.object({
      queued: z.array(z.object({ targetId: z.string(), name: z.string() })),
      skipped: z.array(z.object({ targetId: z.string(), name: z.string(), reason: z.string() })),
    }),
  ),
  'scan.cancel': channel(z.object({ scanId: z.string().min(1) }), z.object({ cancelled: z.boolean() })),
  'scans.list': channel(
    z.object({ targetId: z.string().optional() }),
    z.object({ scans: z.array(ScanView) }),
  ),
  'scans.latest': channel(Empty, z.object({ scans: z.array(ScanView) })),
  'scan.results': channel(
    z.object({ scanId: z.string().min(1) }),
    z.object({ scan: ScanView, results: z.array(ResultView) }),
  ),
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
  // ---- Remediation: fix scripts for a scan's failed rules (oscap xccdf generate fix on this computer). ----
  'scan.remediation': channel(
    z
      .object({
        scanId: z.string().min(1),
        type: z.enum(['bash', 'ansible'], { error: 'Remediation type must be bash or ansible' }),
      })
      .strict(),
    z.object({ fileName: z.string(), script: z.string(), failedRules: z.number() }),
  ),
  // ---- SSH host keys: pinned on first use after a person checks the fingerprint; a change refuses scans. ----
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
  // ---- Rule packs (SQL targets) ----
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
  // ---- Watch, drift and alerts (issue 9) ----
  'watch.status': channel(Empty, WatchStatus),
  'watch.schedules.save': channel(ScheduleInput, ScheduleView),
  'watch.schedules.remove': channel(Id, z.object({ removed: z.literal(true) })),
  'watch.pause': channel(TargetScope.extend({ scheduleId: z.string().min(1).optional() }), WatchStatus),
  'watch.resume': channel(TargetScope.extend({ scheduleId: z.string().min(1).optional() }), WatchStatus),
  'watch.runNow': channel(z.object({ scheduleId: z.string().min(1).optional() }), WatchStatus),
  'watch.settings': channel(WatchSettingsView, WatchStatus),
  'drift.events': channel(
    z.object({
      targetId: z.string().min(1).optional(),
      types: z.array(z.enum(DRIFT_TYPES)).default([]),
      severities: z.array(z.string().max(20)).default([]),
      from: z.iso
        .datetime({ offset: true, error: 'From must be a date and time such as 2030-01-31T00:00:00Z' })
        .optional(),
      to: z.iso
        .datetime({ offset: true, error: 'To must be a date and time such as 2030-01-31T23:59:59Z' })
        .optional(),
      limit: z.number().int().min(1).max(5000).default(500),
    }),
    z.object({ events: z.array(DriftEventView), total: z.number() }),
  ),
  'drift.event': channel(
    z.object({ id: z.number().int().positive('Events are numbered from 1') }),
    z.object({ event: DriftEventView, before: EvidenceSide, after: EvidenceSide }),
  ),
  'drift.timeline': channel(
    z.object({ targetId: z.string().min(1, 'Choose a target') }),
    z.object({
      points: z.array(
        z.object({
          scanId: z.string(),
          at: z.string(),
          score: z.number().nullable(),
          events: z.record(z.string(), z.number()),
        }),
      ),
    }),
  ),
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
  // ---- Reports and evidence (issue 10) ----
  'reports.preview': channel(z.object({ scope: ReportScope }), ReportModel),
  /** Renders the export and stages its bytes: the face that asked decides where they go (download, save dialog, --out). */
  'reports.export': channel(
    z
      .object({
        scope: ReportScope,
        format: z.enum(EXPORT_FORMATS, { error: `Format must be one of ${EXPORT_FORMATS.join(', ')}` }),
      })
      .strict(),
    z.object({ ...Download, engine: z.string() }),
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
  'audit.list': channel(
    z.object({ limit: z.number().int().min(1).max(10_000).default(200) }),
    z.object({
      entries: z.array(
        z.object({
          seq: z.number(),
          at: z.string(),
          actor: z.string(),
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

export type Contract = typeof contract
export type Channel = keyof Contract
export type Req<C extends Channel> = z.input<Contract[C]['request']>
export type ParsedReq<C extends Channel> = z.output<Contract[C]['request']>
export type Res<C extends Channel> = z.output<Contract[C]['response']>
export const CHANNELS = Object.keys(contract) as Channel[]

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

/** The envelope every transport returns, so a failure is data and never a thrown crash across the wall. */
export type Envelope<T> = { ok: true; data: T } | { ok: false; error: ApiError }

/** The one function both transports expose; typed per channel by the contract. */
export type Invoke = <C extends Channel>(channel: C, req: Req<C>) => Promise<Res<C>>

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name)
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name)
}

/** Window global installed by the preload; the renderer's api client is the only reader. */
export interface PreloadBridge {
  invoke(channel: string, req: unknown): Promise<Envelope<unknown>>
  on(event: string, listener: (payload: unknown) => void): () => void
}
export const BRIDGE_KEY = 'driftwatch'
export const IPC_PREFIX = 'dw:'
export const IPC_EVENT = 'dw:event'

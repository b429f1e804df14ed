// Scans on the wire: starting one or a group, cancelling, listing, a scan's results and its fix scripts.
import { z } from 'zod'
import { channel, Download, Empty, sha } from './common'

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

export const SCAN_TRIGGERS = ['manual', 'schedule', 'group', 'cli'] as const

export const ScanView = z.object({
  id: z.string(),
  targetId: z.string(),
  /** What started it: a person in the app, the watch's schedule, a group scan, or `driftwatch scan`. */
  trigger: z.enum(SCAN_TRIGGERS),
  state: z.enum(['running', 'done', 'failed', 'interrupted', 'cancelled']),
  profileId: z.string(),
  tailoringId: z.string().nullable(),
  /** The tailoring's name and the SHA-256 of the tailoring file the scan ran with (null: untailored). */
  tailoringName: z.string().nullable(),
  tailoringSha256: z.string().nullable(),
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

/** What a check examined and found, against what it expected; `text` is the sentence a person reads. */
export const EvidenceCheck = z.object({
  subject: z.string(),
  setting: z.string(),
  found: z.array(z.string()),
  foundCount: z.number().int().min(0),
  missing: z.string(),
  expected: z.string(),
  holds: z.boolean().nullable(),
  text: z.string(),
})
export type EvidenceCheck = z.output<typeof EvidenceCheck>

export const ResultView = z.object({
  ruleId: z.string(),
  status: z.enum(RULE_STATUSES),
  severity: z.string(),
  title: z.string(),
  actual: z.string(),
  expected: z.string(),
  message: z.string(),
  idents: z.array(z.object({ system: z.string(), id: z.string() })),
  /** OS rules: the files, settings and packages the check read, what it found there and expected. */
  evidence: z.array(EvidenceCheck).default([]),
  /** The rule's references in its benchmark or pack (NIST 800-53, CIS, PCI DSS, …), for search and detail. */
  references: z.array(z.object({ system: z.string(), id: z.string() })).default([]),
})
export type ResultView = z.output<typeof ResultView>

export const scanChannels = {
  'scan.start': channel(
    z.object({
      targetId: z.string().min(1, 'Choose a target'),
      /** SCAP content (oscap scans of this computer and SSH hosts); other kinds use built-in rule packs. */
      sha256: sha.optional(),
      /** An XCCDF profile id, or a rule pack id for database and GitHub targets (each has a default). */
      profileId: z.string().min(1, 'Choose a profile').optional(),
      /** A request naming none of sha256, profileId and tailoringId runs the target's assigned policy. */
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
      /** Naming none of sha256, profileId and tailoringId: each target runs its assigned policy. */
      tailoringId: z.string().optional(),
      /**
       * At most this many scans at once. Without it the core decides as the scans run: it starts from the CPU
       * count, grows while the event loop keeps up, backs off when it lags, and lends a slow host's lane.
       */
      concurrency: z.number().int().min(1).max(16, 'At most 16 scans at a time').optional(),
      /** Host-key fingerprints a person confirmed, by target id (targets of the group whose kind pins host keys). */
      trustHostKeys: z
        .record(
          z.string().min(1).max(200),
          z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'A fingerprint looks like SHA256:…'),
        )
        .optional(),
    }),
    z.object({
      /** Names this group scan for scan.cancelGroup. */
      groupScanId: z.string(),
      queued: z.array(z.object({ targetId: z.string(), name: z.string() })),
      skipped: z.array(z.object({ targetId: z.string(), name: z.string(), reason: z.string() })),
    }),
  ),
  'scan.cancel': channel(z.object({ scanId: z.string().min(1) }), z.object({ cancelled: z.boolean() })),
  /** Stops a group scan: no queued target starts, and the scans running are cancelled. */
  'scan.cancelGroup': channel(
    z.object({ groupScanId: z.string().min(1) }),
    z.object({ cancelled: z.boolean() }),
  ),
  'scans.list': channel(
    z.object({ targetId: z.string().optional() }),
    z.object({ scans: z.array(ScanView) }),
  ),
  'scans.latest': channel(
    Empty,
    z.object({
      /** Each target's last scan that said something about it (some rule applied): its score stands. */
      scans: z.array(ScanView),
      /** Each target's latest ended scan when newer than that: a failed scan, or one whose rules did not apply. */
      attempts: z.array(ScanView).default([]),
    }),
  ),
  'scan.results': channel(
    z.object({ scanId: z.string().min(1) }),
    z.object({ scan: ScanView, results: z.array(ResultView) }),
  ),
  /**
   * One scan's files, staged for the face to deliver: its ARF (oscap scans), the OpenSCAP HTML report made from
   * that ARF by oscap on this computer, or its evidence JSON (the Driftwatch evidence report of that scan alone).
   */
  'scan.download': channel(
    z
      .object({
        scanId: z.string().min(1).max(200),
        file: z.enum(['arf', 'html', 'evidence'], { error: 'File must be arf, html or evidence' }),
      })
      .strict(),
    z.object(Download),
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
} as const

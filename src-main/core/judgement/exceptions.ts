// Exceptions: an accepted failure of a rule (or a pattern of rules) on a target, a group or every target,
// with a justification, an approver and an expiry. Checked in full before anything is stored; audited.
import { randomUUID } from 'node:crypto'
import { lazyRequire } from '../util/lazy-require'
import type * as Yaml from 'yaml'
import { z } from 'zod'
import type { Handlers } from '../dispatch'
import type { ExceptionView, ParsedReq } from '../../../src-preload/contract'
import { contract } from '../../../src-preload/contract'
import { AppError, notFound } from '../errors'
import type { ExceptionInsert, ExceptionRow } from '../store/judgement'
import { DAY_MS, exceptionState, inScope, ruleMatcher } from './apply'
import { checkRule, invalid, isoInstant, knownRules, takeEvidence, type JudgementDeps } from './context'
import { evidenceEntry, readEvidenceEntry } from './evidence-file'

// Loaded when a file is first read or written, not when Driftwatch starts.
const yaml = lazyRequire<typeof Yaml>('yaml')

type ExceptionHandlers = Pick<
  Handlers,
  | 'exceptions.list'
  | 'exceptions.save'
  | 'exceptions.saveMany'
  | 'exceptions.revoke'
  | 'exceptions.export'
  | 'exceptions.import'
>

export const DEFAULT_EXPIRY_DAYS = 90
const MAX_DAYS = 366

type Input = Omit<ParsedReq<'exceptions.save'>, 'evidenceUploadId'>

/** Everything a person can get wrong, each with its field; returns the row to store. */
function validate(d: JudgementDeps, req: Input, known: Set<string>, now: Date, existing?: ExceptionRow) {
  checkRule(req.rulePattern, known)
  let targetId: string | null = null
  let group: string | null = null
  if (req.scope === 'target') {
    if (!req.targetId) throw invalid('targetId', 'Choose the target the exception is for')
    if (!d.repos.targets.get(req.targetId))
      throw invalid('targetId', `Unknown target "${req.targetId.slice(0, 60)}"`)
    targetId = req.targetId
  } else if (req.scope === 'group') {
    if (!req.group) throw invalid('group', 'Choose the group the exception is for')
    if (d.repos.targets.list({ group: req.group }).length === 0)
      throw invalid('group', `No target is in the group "${req.group.slice(0, 60)}"`)
    group = req.group
  } else if (req.targetId || req.group)
    throw invalid(
      'scope',
      'An exception for every target names no target or group (choose scope target or group)',
    )
  const expiresAt = isoInstant(req.expiresAt)
  if (expiresAt <= now.toISOString())
    throw invalid(
      'expiresAt',
      `The expiry ${req.expiresAt} is in the past: an exception must end in the future`,
    )
  const days = (Date.parse(expiresAt) - now.getTime()) / DAY_MS
  if (days > MAX_DAYS && !req.allowLongExpiry)
    throw invalid(
      'expiresAt',
      `The expiry ${req.expiresAt} is more than a year away: accepted risks are reviewed at least yearly ` +
        '(say so explicitly to allow a longer one)',
    )
  const at = now.toISOString()
  return {
    id: existing?.id ?? req.id ?? randomUUID(),
    rulePattern: req.rulePattern,
    scope: req.scope,
    targetId,
    group,
    justification: req.justification,
    approvedBy: req.approvedBy,
    createdAt: existing?.createdAt ?? at,
    updatedAt: at,
    expiresAt,
    evidence: existing?.evidence ?? null,
  } satisfies ExceptionInsert
}

export function exceptionView(d: JudgementDeps, e: ExceptionRow, now: string): ExceptionView {
  const m = ruleMatcher(e.rulePattern)
  let covers = 0
  let seen = 0
  let passing = 0
  for (const t of d.repos.targets.list()) {
    if (!inScope(e, t)) continue
    for (const [rule, status] of d.judgement.currentStatus(t.id)) {
      if (!m(rule)) continue
      seen++
      if (status === 'fail') covers++
      else if (status === 'pass') passing++
    }
  }
  return {
    id: e.id,
    rulePattern: e.rulePattern,
    scope: e.scope,
    targetId: e.targetId,
    group: e.group,
    justification: e.justification,
    approvedBy: e.approvedBy,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    expiresAt: e.expiresAt,
    evidence: e.evidence,
    revokedAt: e.revokedAt,
    revokedBy: e.revokedBy,
    state: exceptionState(e, now),
    noLongerNeeded: seen > 0 && covers === 0 && passing === seen && !e.revokedAt,
    covers,
  }
}

/** What export writes and import reads: the fields a person decided, never the watch's bookkeeping. */
const FileEntry = contract['exceptions.save'].request.omit({ id: true, evidenceUploadId: true })
const ExceptionsFile = z.object({
  driftwatchExceptions: z.literal(1, { error: 'Not a Driftwatch exceptions file (driftwatchExceptions: 1)' }),
  exceptions: z.array(z.unknown()).max(10_000),
})

function parseFile(text: string): unknown[] {
  let data: unknown
  try {
    data = yaml().parse(text, { maxAliasCount: 100 })
  } catch (err) {
    throw invalid('text', `The file is not valid JSON or YAML: ${(err as Error).message.split('\n')[0]}`)
  }
  const f = ExceptionsFile.safeParse(data)
  if (!f.success) throw invalid('text', f.error.issues[0]?.message ?? 'Not a Driftwatch exceptions file')
  return f.data.exceptions
}

export function exceptionHandlers(d: JudgementDeps): ExceptionHandlers {
  const now = () => d.clock.now()
  const audit = (action: string, e: ExceptionRow, extra: Record<string, unknown> = {}) =>
    d.audit.append({
      action,
      subject: e.id,
      details: {
        rulePattern: e.rulePattern,
        scope: e.scope,
        targetId: e.targetId,
        group: e.group,
        approvedBy: e.approvedBy,
        expiresAt: e.expiresAt,
        evidence: e.evidence?.sha256 ?? null,
        ...extra,
      },
    })
  const view = (e: ExceptionRow) => exceptionView(d, e, now().toISOString())

  return {
    'exceptions.list': ({ targetId, includeRevoked }) => {
      const t = targetId ? d.repos.targets.get(targetId) : undefined
      if (targetId && !t) throw notFound('Target')
      return {
        exceptions: d.judgement
          .exceptions(includeRevoked)
          .filter((e) => !t || inScope(e, t))
          .map(view),
      }
    },
    'exceptions.save': (req) => {
      const existing = req.id ? d.judgement.exception(req.id) : undefined
      if (req.id && !existing) throw notFound('That exception')
      if (existing?.revokedAt) throw new AppError('conflict', 'That exception was revoked: create a new one')
      const row = validate(d, req, knownRules(d), now(), existing)
      const evidence = takeEvidence(d, req.evidenceUploadId) ?? row.evidence
      const saved = d.judgement.atomically(() => {
        const s = d.judgement.saveException({ ...row, evidence })
        audit(existing ? 'exception.updated' : 'exception.created', s, { justification: s.justification })
        return s
      })
      return view(saved)
    },
    'exceptions.saveMany': ({ rules, exception }) => {
      const known = knownRules(d)
      // Every rule is checked before the first is stored: all or nothing.
      const rows = rules.map((rulePattern, i) => {
        try {
          return validate(d, { ...exception, rulePattern }, known, now())
        } catch (err) {
          if (err instanceof AppError)
            throw new AppError(
              'validation',
              `Rule ${i + 1} (${rulePattern.slice(0, 100)}): ${err.message}`,
              err.issues.map((x) => ({ ...x, path: `rules.${i}` })),
            )
          throw err
        }
      })
      const saved = d.judgement.atomically(() =>
        rows.map((r) => {
          const s = d.judgement.saveException(r)
          audit('exception.created', s, { justification: s.justification })
          return s
        }),
      )
      return { exceptions: saved.map(view) }
    },
    'exceptions.revoke': ({ id, revokedBy }) => {
      const e = d.judgement.exception(id)
      if (!e) throw notFound('That exception')
      if (e.revokedAt)
        throw new AppError('conflict', `That exception was revoked on ${e.revokedAt.slice(0, 10)}`)
      const at = now().toISOString()
      d.judgement.atomically(() => {
        d.judgement.revokeException(id, revokedBy, at)
        audit('exception.revoked', e, { revokedBy })
      })
      return view(d.judgement.exception(id)!)
    },
    'exceptions.export': ({ format }) => {
      const list = d.judgement.exceptions(false).map((e) => ({
        rulePattern: e.rulePattern,
        scope: e.scope,
        ...(e.targetId && { targetId: e.targetId }),
        ...(e.group && { group: e.group }),
        justification: e.justification,
        approvedBy: e.approvedBy,
        expiresAt: e.expiresAt,
        ...(e.evidence && { evidence: evidenceEntry(d.judgement, e.evidence) }),
      }))
      const doc = { driftwatchExceptions: 1, exportedAt: now().toISOString(), exceptions: list }
      return format === 'yaml'
        ? { fileName: 'driftwatch-exceptions.yaml', text: yaml().stringify(doc) }
        : { fileName: 'driftwatch-exceptions.json', text: JSON.stringify(doc, null, 2) + '\n' }
    },
    'exceptions.import': ({ text, allowLongExpiry }) => {
      const entries = parseFile(text)
      const known = knownRules(d)
      const rows = entries.map((raw, i) => {
        const { evidenceSha256, evidence, ...rest } = (raw ?? {}) as Record<string, unknown>
        const at = { path: `exceptions.${i}`, label: `Exception ${i + 1}` }
        const parsed = FileEntry.safeParse({ allowLongExpiry, ...rest })
        if (!parsed.success) {
          const issue = parsed.error.issues[0]
          throw invalid(
            `exceptions.${i}.${issue?.path.join('.') ?? ''}`,
            `Exception ${i + 1}: ${issue?.message ?? 'invalid'}`,
          )
        }
        let row: ReturnType<typeof validate>
        try {
          row = validate(d, parsed.data, known, now())
        } catch (err) {
          if (err instanceof AppError) throw invalid(`exceptions.${i}`, `Exception ${i + 1}: ${err.message}`)
          throw err
        }
        // Checked before anything is stored: one damaged file and the whole import is refused.
        return { row, file: readEvidenceEntry(evidence, evidenceSha256, at) }
      })
      const at = now().toISOString()
      const saved = d.judgement.atomically(() =>
        rows.map(({ row, file }) => {
          const ref = file
            ? { sha256: d.judgement.putEvidence(file.bytes, file.mediaType, at), name: file.name }
            : null
          const s = d.judgement.saveException({ ...row, evidence: ref })
          audit('exception.imported', s, { justification: s.justification })
          return s
        }),
      )
      return { exceptions: saved.map(view) }
    },
  }
}

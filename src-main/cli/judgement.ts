// `driftwatch exceptions|attest|compare`: accepted failures with an expiry, manual attestations (SAF/Heimdall
// attestation files in and out), and two scans side by side — the same core channels as the desktop app.
import { rename, writeFile } from 'node:fs/promises'
import type { ExceptionView, JudgementSummary, AttestationView } from '../../src-preload/contract'
import { countsLine } from '../core/judgement/apply'
import { compareCsv } from '../core/judgement/compare'
import { DEFAULT_EXPIRY_DAYS } from '../core/judgement/exceptions'
import { call, CliError, EXIT, type Command, type RunContext } from './common'
import { readTextFile, stage } from './files'
import { safeText } from './terminal-text'

const print = (ctx: RunContext, data: unknown, text: string) => {
  ctx.out.stdout(ctx.json ? JSON.stringify(data, null, 2) + '\n' : text)
  return EXIT.ok
}

async function writeOut(ctx: RunContext, text: string, data: object): Promise<number> {
  const out = ctx.values.out
  if (typeof out !== 'string') {
    ctx.out.stdout(text)
    return EXIT.ok
  }
  // Written beside, then renamed: a failed write never leaves half a file.
  await writeFile(`${out}.tmp`, text)
  await rename(`${out}.tmp`, out)
  return print(ctx, { file: out, ...data }, `Wrote ${out}\n`)
}

/** A target named by id or name, as the other commands take it. */
async function targetId(ctx: RunContext, ref: string): Promise<string> {
  const { targets } = await call(ctx.core, 'targets.list', {})
  const t =
    targets.find((x) => x.id === ref) ?? targets.find((x) => x.name.toLowerCase() === ref.toLowerCase())
  if (!t)
    throw new CliError(`no target named "${ref}"`, {
      code: 'not_found',
      message: 'Unknown target',
      issues: [],
    })
  return t.id
}

/** "90d", "2027-03-31" or an ISO time: when an exception ends. */
function expiry(v: string, now = new Date()): string {
  const m = /^(\d{1,4})d$/.exec(v.trim())
  return m ? new Date(now.getTime() + Number(m[1]) * 86_400_000).toISOString() : v
}

const exceptionLine = (e: ExceptionView) =>
  `${e.id.slice(0, 8)}  ${e.state.padEnd(8)} ${safeText(e.rulePattern).padEnd(40)} ${e.scope === 'all' ? 'all targets' : e.scope === 'group' ? `group ${safeText(e.group ?? '')}` : `target ${e.targetId?.slice(0, 8)}`}  until ${e.expiresAt.slice(0, 10)}  by ${safeText(e.approvedBy)}` +
  `${e.noLongerNeeded ? '  (no longer needed: the rule passes again)' : ''}\n`

const attestationLine = (a: AttestationView) =>
  `${a.id.slice(0, 8)}  ${(a.lapsed ? 'lapsed' : a.status).padEnd(7)} ${safeText(a.ruleId).padEnd(40)} by ${safeText(a.attestedBy)} on ${a.attestedAt.slice(0, 10)}, ${a.frequency}, renew by ${a.expiresAt.slice(0, 10)}\n`

export const exceptionsCommand: Command = {
  name: 'exceptions',
  usage: 'exceptions add|list|revoke|export|import',
  summary: 'accepted failures, with who approved them and until when',
  help: `Usage:
  driftwatch exceptions add RULE --justification TEXT --approved-by NAME --expires 90d|DATE
                            [--target T | --group G | --all] [--evidence FILE] [--allow-long-expiry]
  driftwatch exceptions list [--target T] [--all-states]
  driftwatch exceptions revoke ID [--by NAME]
  driftwatch exceptions export [--format json|yaml] [--out FILE]
  driftwatch exceptions import FILE [--allow-long-expiry]

RULE is a rule id or a pattern (* and ?). An exception needs a justification, an approver and an expiry
(${DEFAULT_EXPIRY_DAYS}d is usual; more than a year is refused without --allow-long-expiry). A failing
result under a live exception reads "excepted" and keeps its real status; on expiry it fails again and
the watch records "exception expired" drift. Every change is in the audit log. An export carries each
exception's evidence file (base64, with its SHA-256); import stores it content-addressed and refuses the
whole file if any evidence does not match its hash.`,
  options: {
    justification: { type: 'string' },
    'approved-by': { type: 'string' },
    expires: { type: 'string' },
    target: { type: 'string' },
    group: { type: 'string' },
    all: { type: 'boolean' },
    evidence: { type: 'string' },
    'allow-long-expiry': { type: 'boolean' },
    'all-states': { type: 'boolean' },
    by: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
  },
  async run(ctx) {
    const [action, arg] = ctx.positionals
    const v = ctx.values as Record<string, string | boolean | undefined>
    const flag = (p: string) =>
      ({
        rulePattern: 'RULE',
        justification: '--justification',
        approvedBy: '--approved-by',
        expiresAt: '--expires',
        targetId: '--target',
        group: '--group',
      })[p] ?? p
    switch (action) {
      case 'add': {
        if (!arg)
          throw CliError.usage(
            'exceptions add RULE --justification TEXT --approved-by NAME --expires 90d|DATE',
          )
        const scopes = [v.target !== undefined, v.group !== undefined, v.all === true].filter(Boolean).length
        if (scopes !== 1) throw CliError.usage('say which targets: one of --target T, --group G or --all')
        const e = await call(
          ctx.core,
          'exceptions.save',
          {
            rulePattern: arg,
            scope: v.target !== undefined ? 'target' : v.group !== undefined ? 'group' : 'all',
            ...(typeof v.target === 'string' && { targetId: await targetId(ctx, v.target) }),
            ...(typeof v.group === 'string' && { group: v.group }),
            justification: (v.justification as string) ?? '',
            approvedBy: (v['approved-by'] as string) ?? '',
            expiresAt: typeof v.expires === 'string' ? expiry(v.expires) : '',
            allowLongExpiry: v['allow-long-expiry'] === true,
            ...(typeof v.evidence === 'string' && {
              evidenceUploadId: (await stage(ctx, v.evidence)).uploadId,
            }),
          },
          flag,
        )
        return print(
          ctx,
          e,
          `Exception ${e.id} added: ${e.rulePattern} until ${e.expiresAt.slice(0, 10)} (covers ${e.covers} failing result${e.covers === 1 ? '' : 's'} now)\n`,
        )
      }
      case 'list': {
        const { exceptions } = await call(ctx.core, 'exceptions.list', {
          ...(typeof v.target === 'string' && { targetId: await targetId(ctx, v.target) }),
          includeRevoked: v['all-states'] === true,
        })
        return print(ctx, exceptions, exceptions.map(exceptionLine).join('') || 'No exceptions.\n')
      }
      case 'revoke': {
        if (!arg) throw CliError.usage('exceptions revoke ID [--by NAME]')
        const { exceptions } = await call(ctx.core, 'exceptions.list', { includeRevoked: true })
        const id = exceptions.find((e) => e.id === arg || e.id.startsWith(arg))?.id ?? arg
        const e = await call(ctx.core, 'exceptions.revoke', {
          id,
          revokedBy: typeof v.by === 'string' ? v.by : '',
        })
        return print(ctx, e, `Revoked ${e.id} (${e.rulePattern})\n`)
      }
      case 'export': {
        const format = (v.format as string | undefined) ?? 'json'
        if (format !== 'json' && format !== 'yaml') throw CliError.usage('--format is json or yaml')
        const r = await call(ctx.core, 'exceptions.export', { format })
        return writeOut(ctx, r.text, { fileName: r.fileName })
      }
      case 'import': {
        if (!arg) throw CliError.usage('exceptions import FILE')
        const text = await readTextFile(arg, 4 * 1024 * 1024)
        const r = await call(ctx.core, 'exceptions.import', {
          text,
          allowLongExpiry: v['allow-long-expiry'] === true,
        })
        return print(
          ctx,
          r.exceptions,
          `Imported ${r.exceptions.length} exception${r.exceptions.length === 1 ? '' : 's'}\n`,
        )
      }
    }
    throw CliError.usage(
      action ? `unknown action "${action}"` : 'say what to do: add, list, revoke, export or import',
    )
  },
}

export const attestCommand: Command = {
  name: 'attest',
  usage: 'attest add|list|revoke|import|export',
  summary: 'manual attestations for rules no scan can check (SAF/Heimdall files)',
  help: `Usage:
  driftwatch attest add RULE --status passed|failed --explanation TEXT --by NAME --frequency quarterly
                        [--target T] [--date DATE] [--evidence FILE]
  driftwatch attest list [--target T]
  driftwatch attest revoke ID
  driftwatch attest import FILE [--target T]     a SAF CLI / Heimdall attestation file (JSON or YAML)
  driftwatch attest import FILE.ckl|.cklb --target T --by NAME [--frequency F]
                        a STIG Viewer checklist: its manual checks marked NotAFinding / Open become
                        attestations passed / failed (comments as the explanation; frequency default annually)
  driftwatch attest export [--format json|yaml] [--target T] [--out FILE]

For rules a scan reports as not checked (XCCDF notchecked, the packs' manual checks). Frequency is daily,
weekly, every2weeks, monthly, quarterly, semiannually, annually, or N d/w/m/y; past it the attestation
lapses and the rule reads not checked again. Without --target an attestation holds for every target.`,
  options: {
    status: { type: 'string' },
    explanation: { type: 'string' },
    by: { type: 'string' },
    frequency: { type: 'string' },
    target: { type: 'string' },
    date: { type: 'string' },
    evidence: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
  },
  async run(ctx) {
    const [action, arg] = ctx.positionals
    const v = ctx.values as Record<string, string | undefined>
    const target = v.target ? await targetId(ctx, v.target) : undefined
    switch (action) {
      case 'add': {
        if (!arg)
          throw CliError.usage(
            'attest add RULE --status passed|failed --explanation TEXT --by NAME --frequency F',
          )
        const a = await call(
          ctx.core,
          'attestations.save',
          {
            ruleId: arg,
            targetId: target ?? null,
            status: v.status as 'passed',
            explanation: v.explanation ?? '',
            attestedBy: v.by ?? '',
            frequency: v.frequency ?? '',
            ...(v.date && { attestedAt: v.date }),
            ...(v.evidence && { evidenceUploadId: (await stage(ctx, v.evidence)).uploadId }),
          },
          (p) =>
            ({
              status: '--status',
              explanation: '--explanation',
              attestedBy: '--by',
              frequency: '--frequency',
              attestedAt: '--date',
              ruleId: 'RULE',
              targetId: '--target',
            })[p] ?? p,
        )
        return print(ctx, a, `Attested ${a.ruleId} ${a.status}; renew by ${a.expiresAt.slice(0, 10)}\n`)
      }
      case 'list': {
        const { attestations } = await call(ctx.core, 'attestations.list', {
          ...(target && { targetId: target }),
        })
        return print(ctx, attestations, attestations.map(attestationLine).join('') || 'No attestations.\n')
      }
      case 'revoke': {
        if (!arg) throw CliError.usage('attest revoke ID')
        const a = await call(ctx.core, 'attestations.revoke', { id: arg })
        return print(ctx, a, `Revoked ${a.id} (${a.ruleId})\n`)
      }
      case 'import': {
        if (!arg) throw CliError.usage('attest import FILE [--target T] [--by NAME]')
        const text = await readTextFile(arg, 4 * 1024 * 1024)
        const r = await call(ctx.core, 'attestations.import', {
          text,
          targetId: target ?? null,
          ...(v.by && { attestedBy: v.by }),
          ...(v.frequency && { frequency: v.frequency }),
        })
        return print(
          ctx,
          r.attestations,
          `Imported ${r.attestations.length} attestation${r.attestations.length === 1 ? '' : 's'}\n`,
        )
      }
      case 'export': {
        const format = v.format ?? 'json'
        if (format !== 'json' && format !== 'yaml') throw CliError.usage('--format is json or yaml')
        const r = await call(ctx.core, 'attestations.export', { format, ...(target && { targetId: target }) })
        return writeOut(ctx, r.text, { fileName: r.fileName })
      }
    }
    throw CliError.usage(
      action ? `unknown action "${action}"` : 'say what to do: add, list, revoke, import or export',
    )
  },
}

/** "score 50% as scanned · 66.7% after exceptions and attestations · fail 1 · excepted 1 · pass 2". */
export function judgementLine(s: JudgementSummary): string {
  const pct = (n: number | null) => (n === null ? '–' : `${n}%`)
  return `score ${pct(s.scoreRaw)} as scanned · ${pct(s.scoreAfter)} after exceptions and attestations · ${countsLine(s.countsAfter)}`
}

export const compareCommand: Command = {
  name: 'compare',
  usage: 'compare SCAN_A SCAN_B',
  summary: 'two scans side by side: rules that differ first',
  help: `Usage:
  driftwatch compare SCAN_A SCAN_B [--all] [--csv FILE] [--json]

Compares two finished scans (the same target at two dates, or two targets on the same policy): each side's
score and counts, then every rule whose status or found value differs (--all: every rule). --csv writes
every rule with both sides to FILE.`,
  options: { all: { type: 'boolean' }, csv: { type: 'string' } },
  async run(ctx) {
    const [a, b] = ctx.positionals
    if (!a || !b) throw CliError.usage('compare SCAN_A SCAN_B')
    const v = await call(ctx.core, 'scans.compare', { a, b })
    if (typeof ctx.values.csv === 'string') {
      const file = ctx.values.csv
      await writeFile(`${file}.tmp`, compareCsv(v))
      await rename(`${file}.tmp`, file)
    }
    if (ctx.json) return print(ctx, v, '')
    const side = (name: string, s: typeof v.a) =>
      `${name}: ${safeText(s.targetName)} · scan ${s.scan.id.slice(0, 8)} at ${s.scan.finishedAt ?? ''}\n   ${judgementLine(s.summary)}\n`
    const rows = ctx.values.all ? v.rows : v.rows.filter((r) => r.difference !== 'same')
    const cell = (c: (typeof v.rows)[number]['a']) =>
      `${c.status || '—'}${c.actual ? ` (${safeText(c.actual).slice(0, 40)})` : ''}`
    const lines = rows.map(
      (r) =>
        `${r.difference.padEnd(7)} ${safeText(r.ruleId).padEnd(44)} ${cell(r.a).padEnd(36)} → ${cell(r.b)}\n`,
    )
    ctx.out.stdout(
      side('A', v.a) +
        side('B', v.b) +
        `${v.differences} rule${v.differences === 1 ? '' : 's'} differ${v.differences === 1 ? 's' : ''}\n` +
        lines.join(''),
    )
    return EXIT.ok
  },
}

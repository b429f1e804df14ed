// `driftwatch controls`: every control of a framework (NIST 800-53 with a baseline, CIS sections, PCI DSS
// requirements) with its status across the targets, counts per family, as text, JSON or CSV.
import { call, CliError, EXIT, type Command } from './common'
import { FRAMEWORK_IDS } from '../../src-preload/contract'

const MARK: Record<string, string> = {
  satisfied: 'ok  ',
  'not-satisfied': 'FAIL',
  partly: 'part',
  excepted: 'exc ',
  attested: 'att ',
  'not-assessed': '--  ',
}

export const controlsCommand: Command = {
  name: 'controls',
  usage: 'controls [--framework ID] [--baseline low|moderate|high] [--target ID]… [--csv|--matrix]',
  summary: 'every control of a framework with its status across the targets',
  help: `Usage:
  driftwatch controls [--framework nist-800-53|cis|pci-dss] [--baseline low|moderate|high]
                      [--target ID]… [--all] [--json | --csv | --matrix]

Each control's status across the targets (all, or those named with --target): satisfied, not satisfied,
partly (some targets satisfy it), excepted (its only failures are covered by exceptions in force), attested
(a manual rule attested as passed answers it; one attested as failed fails it), not assessed (no rule result
maps to it). Rules map to controls through their references (SCAP Security Guide's NIST 800-53, CIS and PCI
DSS references; the rule packs' NIST ones). Without --all, text output lists the controls assessed and counts
the rest per family. --csv prints one row per control, --matrix one row per target with a column per family.`,
  options: {
    framework: { type: 'string' },
    baseline: { type: 'string' },
    target: { type: 'string', multiple: true },
    csv: { type: 'boolean' },
    matrix: { type: 'boolean' },
    all: { type: 'boolean' },
  },
  async run(ctx) {
    const framework = (ctx.values.framework as string | undefined) ?? 'nist-800-53'
    if (!(FRAMEWORK_IDS as readonly string[]).includes(framework))
      throw CliError.usage(`--framework is ${FRAMEWORK_IDS.join(', ')}`)
    const baseline = ctx.values.baseline as string | undefined
    if (baseline !== undefined && !['low', 'moderate', 'high'].includes(baseline))
      throw CliError.usage('--baseline is low, moderate or high')
    if (baseline && framework !== 'nist-800-53')
      throw CliError.usage('--baseline is for --framework nist-800-53')
    const targetIds = ctx.values.target as string[] | undefined
    const req = {
      framework: framework as (typeof FRAMEWORK_IDS)[number],
      ...(baseline ? { baseline: baseline as 'low' } : {}),
      ...(targetIds?.length ? { targetIds } : {}),
    }
    if (ctx.values.csv || ctx.values.matrix) {
      const r = await call(ctx.core, 'controls.csv', {
        ...req,
        table: ctx.values.matrix ? 'matrix' : 'controls',
      })
      // The terminal filter shows a carriage return as \u000d: on a terminal, lines end with \n alone.
      ctx.out.stdout(r.text.replace(/\r\n/g, '\n'))
      return EXIT.ok
    }
    const s = await call(ctx.core, 'controls.status', req)
    if (ctx.json) {
      ctx.out.stdout(JSON.stringify(s, null, 2) + '\n')
      return EXIT.ok
    }
    const t = s.totals
    let text = `${s.framework.title}${s.baseline ? ` — ${s.baseline.toUpperCase()} baseline` : ''}; ${s.targets.length} targets\n`
    text += `${s.controls.length} controls: ${t.satisfied} satisfied, ${t['not-satisfied']} not satisfied, ${t.partly} partly, ${t.excepted} excepted, ${t.attested} attested, ${t['not-assessed']} not assessed\n\n`
    for (const f of s.families) {
      const c = f.counts
      text += `${f.id.toUpperCase().padEnd(6)} ${f.title.slice(0, 40).padEnd(40)} ok ${c.satisfied}  fail ${c['not-satisfied']}  partly ${c.partly}  excepted ${c.excepted}  attested ${c.attested}  not assessed ${c['not-assessed']}\n`
    }
    text += '\n'
    for (const c of s.controls) {
      if (!ctx.values.all && c.status === 'not-assessed') continue
      text += `${MARK[c.status]} ${c.label.padEnd(10)} ${c.satisfied}/${c.assessedTargets} targets  ${c.title}\n`
    }
    ctx.out.stdout(text)
    return EXIT.ok
  },
}

// `driftwatch scans list|show|download`: past scans of a target, one scan's results, and its files (the ARF,
// the OpenSCAP HTML report made from it, its evidence JSON) written where --out says.
import { resolve } from 'node:path'
import { call, CliError, EXIT, type Command } from './common'
import { saveStaged } from '../core/files/user-files'
import { AppError } from '../core/errors'
import { when } from '../../src-preload/dates'

const notFound = (message: string) => new CliError(message, { code: 'not_found', message, issues: [] })

export const scansCommand: Command = {
  name: 'scans',
  usage: 'scans list [TARGET] | show ID | download ID',
  summary: 'list past scans, show one, download its ARF, HTML report or evidence',
  help: `Usage: driftwatch scans list [TARGET] [--json]
       driftwatch scans show SCAN_ID [--json]
       driftwatch scans download SCAN_ID --arf|--html|--evidence [--out FILE]

list      every scan (or TARGET's), newest first: id, time, state, score
show      one scan: its policy, counts and each rule's result
download  --arf the OpenSCAP results (ARF XML) · --html the OpenSCAP HTML report, made from the ARF by
          "oscap xccdf generate report" on this computer · --evidence the scan's evidence JSON;
          --out FILE (default: the suggested name in the current folder)`,
  options: {
    arf: { type: 'boolean' },
    html: { type: 'boolean' },
    evidence: { type: 'boolean' },
    out: { type: 'string', short: 'o' },
  },
  async run(ctx) {
    const [verb, ref] = ctx.positionals
    if (verb === 'list') {
      let targetId: string | undefined
      const { targets } = await call(ctx.core, 'targets.list', {})
      if (ref) {
        targetId = targets.find((t) => t.id === ref || t.name.toLowerCase() === ref.toLowerCase())?.id
        if (!targetId) throw notFound(`no target named "${ref}"`)
      }
      const { scans } = await call(ctx.core, 'scans.list', { targetId })
      const name = new Map(targets.map((t) => [t.id, t.name]))
      ctx.out.stdout(
        ctx.json
          ? JSON.stringify({ scans }, null, 2) + '\n'
          : scans
              .map(
                (s) =>
                  `${s.id}  ${when(s.startedAt)}  ${(name.get(s.targetId) ?? s.targetId).padEnd(20)} ${s.state.padEnd(11)} ${s.score === null ? 'n/a' : `${s.score}%`}`,
              )
              .join('\n') + (scans.length ? '\n' : 'No scans yet.\n'),
      )
      return EXIT.ok
    }
    if (!ref || (verb !== 'show' && verb !== 'download'))
      throw CliError.usage(
        'use "scans list [TARGET]", "scans show ID" or "scans download ID --arf|--html|--evidence"',
      )
    if (verb === 'show') {
      const r = await call(ctx.core, 'scan.results', { scanId: ref })
      const s = r.scan
      if (ctx.json) ctx.out.stdout(JSON.stringify(r, null, 2) + '\n')
      else
        ctx.out.stdout(
          [
            `Scan ${s.id} · ${when(s.startedAt)} · ${s.state} · started ${s.trigger}`,
            `Profile ${s.profileId}${s.info.tailoring ? ` · tailoring "${s.info.tailoring}" (SHA-256 ${s.info.tailoringSha256 ?? '?'})` : ''}`,
            `Score ${s.score === null ? 'n/a' : `${s.score}%`} · ${Object.entries(s.counts)
              .map(([k, v]) => `${v} ${k}`)
              .join(', ')}`,
            '',
            ...r.results.map((x) => `${x.status.padEnd(14)} ${x.severity.padEnd(8)} ${x.ruleId}`),
          ].join('\n') + '\n',
        )
      return EXIT.ok
    }
    const picked = (['arf', 'html', 'evidence'] as const).filter((f) => ctx.values[f] === true)
    if (picked.length !== 1) throw CliError.usage('choose one of --arf, --html, --evidence')
    const res = await call(ctx.core, 'scan.download', { scanId: ref, file: picked[0]! })
    const out = resolve(ctx.values.out ? String(ctx.values.out) : res.fileName)
    try {
      await saveStaged(ctx.core.downloads, res.download, out)
    } catch (err) {
      if (err instanceof AppError) throw new CliError(err.message, err.toApi())
      throw err
    }
    ctx.out.stdout(
      ctx.json
        ? JSON.stringify({ ...res, path: out }, null, 2) + '\n'
        : `Wrote ${out} (${res.bytes} bytes, SHA-256 ${res.sha256})\n`,
    )
    return EXIT.ok
  },
}

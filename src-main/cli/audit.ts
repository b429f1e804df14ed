// `driftwatch audit`: the audit log's latest entries, newest first, each with who made it (the vault member,
// the computer's user and host, the watch worker), and whether the hash chain is intact.
import { call, CliError, EXIT, type Command } from './common'
import { safeText, table } from './terminal-text'

export const auditCommand: Command = {
  name: 'audit',
  usage: 'audit [--limit N]',
  summary: 'list the audit log: what changed, when, and who made each change',
  help: `Usage: driftwatch audit [--limit N] [--json]

Lists the audit log's latest entries, newest first (default 50, at most 10000): when, who (the vault
member who unlocked, the computer's user@host, the watch worker; entries from before who was recorded
name only the face: cli, serve or desktop), what and on what. Says whether the hash chain is intact;
"driftwatch verify --audit-log" checks it alone.
Exit codes: 0 listed, chain intact · 1 the chain is broken or the store cannot be read · 64 wrong usage`,
  options: { limit: { type: 'string' } },
  async run(ctx) {
    const limit = ctx.values.limit === undefined ? 50 : Number(ctx.values.limit)
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
      throw CliError.usage(`--limit takes a whole number from 1 to 10000, not "${String(ctx.values.limit)}"`)
    const res = await call(ctx.core, 'audit.list', { limit })
    if (ctx.json) {
      ctx.out.stdout(JSON.stringify(res, null, 2) + '\n')
      return res.intact ? EXIT.ok : EXIT.error
    }
    const rows = res.entries.map((e) =>
      [String(e.seq), e.at.replace('T', ' ').slice(0, 19), e.by, e.action, e.subject].map(safeText),
    )
    ctx.out.stdout(
      (rows.length ? table(['SEQ', 'AT', 'WHO', 'ACTION', 'SUBJECT'], rows) : 'The audit log is empty.\n') +
        (res.intact
          ? 'The hash chain is intact.\n'
          : `The audit log was tampered with:\n${res.problems.map((p) => `  ${p}`).join('\n')}\n`),
    )
    return res.intact ? EXIT.ok : EXIT.error
  },
}

// `driftwatch migrate-store --from STORE --to STORE`: moves a whole store between engines — an auditor's SQLite
// file into a team's PostgreSQL database, or back — checked before it commits (core/store/copy.ts).
import { copyStore, describeStore, StoreCopyError, type CopyProgress } from '../core/store/copy'
import { CliError, EXIT, type Command } from './common'

/** A shell's code for a command stopped by Ctrl-C (128 + SIGINT). */
const EXIT_INTERRUPTED = 130
/** How each reason a copy did not happen reads in --json errors. */
const API_CODE = {
  refused: 'conflict',
  missing: 'not_found',
  unreachable: 'unavailable',
  interrupted: 'unavailable',
  mismatch: 'internal',
  failed: 'internal',
} as const satisfies Record<StoreCopyError['reason'], string>

/** A large table reports its progress every this many rows, as well as when it is done. */
const PROGRESS_EVERY = 10_000

const HELP = `Usage: driftwatch migrate-store --from STORE --to STORE [--json]

Copies every table of a Driftwatch store — targets, vault and credentials, scans, results, evidence, drift,
alerts, exceptions, attestations and the audit log with its hash chain — into another store, and checks the
copy (row counts, a digest of every table, the audit chain) before it commits. A STORE is a SQLite file (the
desktop app's is driftwatch.db in its data folder) or a postgres://USER:PASSWORD@HOST:PORT/DATABASE URL.
  --from STORE   the store to copy; it is only read, and must be at this Driftwatch's schema (open an older
                 one with this Driftwatch first)
  --to STORE     an empty store: a new PostgreSQL database (CREATE DATABASE driftwatch) or a SQLite file
                 that does not exist yet; a store that holds anything is refused and left as it is

The copy is one transaction on the destination: an error, a failed check or Ctrl-C leaves it empty.
Progress goes to stderr, one line per table; --json prints the tables copied, their rows and digests.

Exit codes: 0 copied and verified · 1 refused or failed (nothing written) · 64 wrong usage · 130 interrupted`

export const migrateStoreCommand: Command = {
  name: 'migrate-store',
  usage: 'migrate-store --from STORE --to STORE',
  summary: 'copy a whole store between SQLite and PostgreSQL',
  help: HELP,
  options: { from: { type: 'string' }, to: { type: 'string' } },
  async run(ctx) {
    const from = ctx.values.from
    const to = ctx.values.to
    if (typeof from !== 'string' || !from) throw CliError.usage('--from names the store to copy')
    if (typeof to !== 'string' || !to) throw CliError.usage('--to names the empty store to copy into')
    if (ctx.positionals.length) throw CliError.usage(`unexpected argument "${ctx.positionals[0]}"`)
    const abort = new AbortController()
    const stop = () => abort.abort()
    process.once('SIGINT', stop)
    ctx.out.stderr(`Copying ${describeStore(from)} (source) into ${describeStore(to)} (destination)\n`)
    const progress = (p: CopyProgress) => {
      if (p.copied === p.total || (p.copied > 0 && p.copied % PROGRESS_EVERY === 0))
        ctx.out.stderr(`  ${p.table}: ${p.copied}/${p.total} rows\n`)
    }
    try {
      const summary = await copyStore(from, to, {
        signal: abort.signal,
        onProgress: progress,
        applicationName: 'driftwatch migrate-store',
      })
      if (ctx.json) ctx.out.stdout(JSON.stringify(summary, null, 2) + '\n')
      else
        ctx.out.stdout(
          `Copied ${summary.rows} rows in ${summary.tables.length} tables into ${summary.to}: verified ` +
            `(row counts and contents match ${summary.from}; the audit log's ${summary.auditEntries} entries chain).\n`,
        )
      return EXIT.ok
    } catch (err) {
      if (!(err instanceof StoreCopyError)) throw err
      const message = err.message
      const code = API_CODE[err.reason]
      throw new CliError(
        message,
        { code, message, issues: [] },
        err.reason === 'interrupted' ? EXIT_INTERRUPTED : EXIT.error,
      )
    } finally {
      process.off('SIGINT', stop)
    }
  },
}

// The driftwatch command's dispatcher: the same core as the desktop app, headless; subcommands are a plain list.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import type { Core } from '../core/app'
import { jsonLogger } from '../core/ports'
import { COMMANDS } from './commands'
import { CliError, EXIT, type Command, type Out } from './common'
import { safeLines } from './terminal-text'
import { envStore, takeEnvPassphrase, takeEnvStore } from './prompt'
import pkg from '../../package.json'

// The full help lists every command's usage, so it is the one path that loads them all.
const help = async () => {
  const commands: Command[] = await Promise.all(COMMANDS.map((c) => c.load()))
  return `Driftwatch ${pkg.version} — compliance drift watch for auditors

Usage: driftwatch <command> [options]

Commands:
${commands.map((c) => `  ${c.usage.padEnd(44)} ${c.summary}`).join('\n')}

Global options:
  --data-dir DIR    where Driftwatch keeps its data (default: the per-user app-data folder,
                    or $DRIFTWATCH_DATA_DIR); the desktop app uses the same folder
  --store LOCATION  the store: a SQLite file (default: driftwatch.db in the data folder) or a
                    team's PostgreSQL, postgres://USER@HOST/DB (or $DRIFTWATCH_STORE); keep its
                    password in ~/.pgpass or $PGPASSFILE rather than in the URL
  --member NAME     the vault member whose passphrase or key file unlocks the vault (or
                    $DRIFTWATCH_VAULT_MEMBER); not needed while the vault has one member
  --json            machine-readable output (and errors) on stdout
  -h, --help        help for Driftwatch or for one command
  -v, --version     print the version

Every command takes --json: its answer as JSON on stdout, and a failure as {"error":{"code","message","issues"}}
(codes: validation, not_found, conflict, unauthorized, forbidden, unavailable, internal).
Exit codes: 0 success · 1 error (bad input, not found, conflict, failure) · 2 scan found failing rules · 64 wrong usage
Run "driftwatch <command> --help" for a command's options.`
}

export async function main(argv: string[], rawOut: Out): Promise<number> {
  // Before anything can start a child process: the passphrase leaves the environment for good.
  takeEnvPassphrase()
  takeEnvStore()
  // Every line any command prints passes here: whatever text a target or a file put in it, no control
  // sequence reaches the terminal raw (printers also escape line breaks inside single-line fields).
  const out: Out = {
    stdout: (s) => rawOut.stdout(safeLines(s)),
    stderr: (s) => rawOut.stderr(safeLines(s)),
  }
  // Global options may come before the command too (driftwatch --data-dir D --json scans list).
  const { name, rest } = splitGlobal(argv)
  const wantsJson = rest.includes('--json')
  /** A usage error: as JSON on stdout too with --json, so a script reads every failure the same way. */
  const usage = (message: string, text = message) => {
    if (wantsJson) out.stdout(jsonError('validation', message))
    out.stderr(text)
    return EXIT.usage
  }
  if (name === undefined) {
    out.stderr((await help()) + '\n')
    return EXIT.usage
  }
  if (name === '-h' || name === '--help' || name === 'help') {
    out.stdout((await help()) + '\n')
    return EXIT.ok
  }
  if (name === '-v' || name === '--version') {
    out.stdout(pkg.version + '\n')
    return EXIT.ok
  }
  const entry = COMMANDS.find((c) => c.name === name)
  if (!entry)
    return usage(
      `unknown command "${name}"`,
      `driftwatch: unknown command "${name}". Run "driftwatch --help" for the list.\n`,
    )
  const command = await entry.load()
  let parsed: ReturnType<typeof parseArgs>
  try {
    const config: ParseArgsConfig = {
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        ...command.options,
        'data-dir': { type: 'string' },
        store: { type: 'string' },
        member: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }
    parsed = parseArgs(config)
  } catch (err) {
    const message = (err as Error).message
    return usage(message, `driftwatch ${name}: ${message}\nRun "driftwatch ${name} --help".\n`)
  }
  const values = parsed.values as Record<string, unknown>
  if (values.help) {
    out.stdout(command.help + '\n')
    return EXIT.ok
  }
  const json = values.json === true
  let core: Core | undefined
  let code: number = EXIT.error
  try {
    const { createCore } = await import('../core/app')
    // Opened on first use: a command that needs no store (verifying a bundle someone handed you) creates none.
    const open = () =>
      (core ??= createCore({
        face: command.name === 'serve' ? 'serve' : 'cli',
        dataDir: typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined,
        store: typeof values.store === 'string' ? values.store : envStore(),
        vaultMember:
          typeof values.member === 'string'
            ? values.member
            : process.env.DRIFTWATCH_VAULT_MEMBER || undefined,
        logger: jsonLogger((line) => out.stderr(line), undefined, {
          debug: process.env.DRIFTWATCH_LOG === 'debug',
        }),
      }))
    code = await command.run({
      get core() {
        return open()
      },
      values,
      positionals: parsed.positionals,
      json,
      out,
    })
    return code
  } catch (err) {
    if (err instanceof CliError) {
      if (json) out.stdout(JSON.stringify({ error: err.api }, null, 2) + '\n')
      out.stderr(`driftwatch ${name}: ${err.message}\n`)
      return err.exitCode
    }
    const message = (err as Error).message ?? String(err)
    if (json) out.stdout(jsonError('internal', message))
    out.stderr(`driftwatch ${name}: ${message}\n`)
    return EXIT.error
  } finally {
    // Long-running commands (serve, watch) close the core themselves when they stop.
    if (code !== EXIT.keepAlive) await core?.close()
  }
}

const jsonError = (code: string, message: string) =>
  JSON.stringify({ error: { code, message, issues: [] } }, null, 2) + '\n'

/**
 * Moves --data-dir DIR, --store LOCATION, --member NAME (either as NAME=VALUE too) and --json written before the
 * command to after it.
 */
function splitGlobal(argv: string[]): { name: string | undefined; rest: string[] } {
  const moved: string[] = []
  let i = 0
  for (; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--json' || /^--(data-dir|store|member)=/.test(a)) moved.push(a)
    else if (['--data-dir', '--store', '--member'].includes(a) && i + 1 < argv.length)
      moved.push(a, argv[++i]!)
    else break
  }
  const [name, ...rest] = argv.slice(i)
  return { name, rest: [...rest, ...moved] }
}

// Configuration as code on the command line: `apply -f driftwatch.yml [--dry-run]` (a plan, then one transaction),
// `export-config` (the setup as YAML, secrets by reference) and `config schema` (the file's JSON Schema).
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { checkConfig } from '../core/config/check'
import { exportConfig } from '../core/config/export'
import {
  applyPlan,
  formatPlan,
  makePlan,
  needsVault,
  planJson,
  type ConfigCore,
  type Plan,
} from '../core/config/plan'
import { configSchema } from '../core/config/schema'
import { ConfigError, readConfigText } from '../core/config/source'
import type { Core } from '../core/app'
import { Kinds } from '../core/scanners/registry'
import { CliError, EXIT, type Command } from './common'
import { envVaultPassphrase, PASSPHRASE_ENV } from './prompt'

export const DEFAULT_CONFIG_FILE = 'driftwatch.yml'

/** A ConfigError as the CLI reports it: every problem as file:line: key: message. */
export function configCliError(err: ConfigError): CliError {
  return new CliError(err.message, {
    code: 'validation',
    message: err.issues.length === 1 ? err.message : `${err.file}: ${err.issues.length} problems`,
    issues: err.issues.map((i) => ({ path: `${err.file}:${i.line}:${i.key}`, message: i.message })),
  })
}

/** Reads, checks and plans a file against the store; throws ConfigError naming file, line and key. */
export async function planFile(
  core: ConfigCore,
  file: string,
  env = process.env,
  opts: { dryRun?: boolean } = {},
): Promise<Plan> {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new ConfigError(file, [
      {
        line: 1,
        key: '',
        message: `Cannot read the file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      },
    ])
  }
  const src = readConfigText(text, file)
  const desired = checkConfig(src, core.kinds, env)
  // A dry run sets nothing up: with no vault yet, every secret is new and nothing needs comparing.
  const skip = opts.dryRun && core.vault.state() === 'uninitialised'
  await openVault(core, needsVault(desired) && !skip, file)
  return makePlan(core, desired, src.lineOf, env)
}

/** Opens the vault with $DRIFTWATCH_VAULT_PASSPHRASE when the file's secrets need it (setting it up if new). */
async function openVault(core: ConfigCore, needed: boolean, file: string) {
  const state = core.vault.state()
  if (!needed || state === 'unlocked') return
  const passphrase = envVaultPassphrase()
  if (!passphrase)
    throw new ConfigError(file, [
      {
        line: 1,
        key: 'credentials',
        message: `The file's secrets go into the vault, which is ${state === 'locked' ? 'locked' : 'not set up yet'}: set ${PASSPHRASE_ENV}`,
      },
    ])
  const env =
    state === 'uninitialised'
      ? await core.invoke('vault.init', { passphrase })
      : await core.invoke('vault.unlock', { passphrase })
  if (!env.ok)
    throw new ConfigError(file, [{ line: 1, key: 'credentials', message: `Vault: ${env.error.message}` }])
}

/** Plans and applies a file in one transaction; returns the plan that ran. */
export async function applyFile(core: ConfigCore, file: string, env = process.env): Promise<Plan> {
  const plan = await planFile(core, file, env)
  if (plan.steps.length) await applyPlan(core, plan)
  return plan
}

const asCore = (core: Core): ConfigCore => core

export const applyCommand: Command = {
  name: 'apply',
  usage: 'apply -f FILE [--dry-run]',
  summary: 'set up targets, schedules and alerts from a driftwatch.yml',
  help: `Usage: driftwatch apply [-f FILE] [--dry-run]

Reads a driftwatch.yml (default ./${DEFAULT_CONFIG_FILE}): content (SCAP datastreams by file),
credentials, targets, groups, policies, schedules, alert channels, report exports and watch settings.
Prints the plan (+ add, ~ change, - remove, = content already imported) and applies it in one
transaction; with --dry-run, only prints it. Content files are read and parsed before anything is stored. A section the file leaves out is left alone.
Any problem (unknown key, wrong type, a missing field, an unset \${ENV}, a schedule that never fires,
a channel without its secret) is reported as FILE:LINE: KEY: message, and nothing is applied.
Secrets come only from \${ENV_VAR} or { file: PATH }; ${PASSPHRASE_ENV} opens the vault for them.
See README "Configuration as code" for the format; "driftwatch config schema" prints its JSON Schema.
Exit codes: 0 applied (or planned) · 1 the file is refused · 64 wrong usage`,
  options: { file: { type: 'string', short: 'f' }, 'dry-run': { type: 'boolean' } },
  async run({ core, values, json, out }) {
    const file = typeof values.file === 'string' ? values.file : DEFAULT_CONFIG_FILE
    try {
      const plan = values['dry-run']
        ? await planFile(asCore(core), file, process.env, { dryRun: true })
        : await applyFile(asCore(core), file)
      if (json) out.stdout(JSON.stringify({ ...planJson(plan), applied: !values['dry-run'] }, null, 2) + '\n')
      else {
        out.stdout(formatPlan(plan))
        if (plan.steps.length) out.stdout(values['dry-run'] ? 'Dry run: nothing applied.\n' : 'Applied.\n')
      }
      return EXIT.ok
    } catch (err) {
      if (err instanceof ConfigError) throw configCliError(err)
      throw err
    }
  },
}

export const exportConfigCommand: Command = {
  name: 'export-config',
  usage: 'export-config [-o FILE]',
  summary: 'write the current setup as a driftwatch.yml',
  help: `Usage: driftwatch export-config [-o FILE]

Writes the current setup (content by file and SHA-256, credentials by name, targets, groups, policies,
schedules, alert channels, report exports, watch settings) as a driftwatch.yml, to FILE or stdout. Secrets are never written: each is a reference
(\${DW_...} environment variables listed at the top, or a vault credential's name), so
"driftwatch apply -f FILE" on another data folder rebuilds the same setup.`,
  options: { output: { type: 'string', short: 'o' } },
  async run({ core, values, out }) {
    const { yaml } = await exportConfig(asCore(core))
    if (typeof values.output === 'string') writeFileSync(resolve(values.output), yaml, { mode: 0o644 })
    else out.stdout(yaml)
    return EXIT.ok
  },
}

export const configCommand: Command = {
  name: 'config',
  usage: 'config schema|check [-f FILE]',
  summary: "print driftwatch.yml's JSON Schema, or check a file",
  help: `Usage: driftwatch config schema
       driftwatch config check [-f FILE]

  schema   prints the JSON Schema of driftwatch.yml (the same as resources/driftwatch-config.schema.json)
  check    checks a file without looking at the store (syntax, keys, types, \${ENV}, schedules)`,
  options: { file: { type: 'string', short: 'f' } },
  async run({ positionals, values, out }) {
    // The built-in kinds: neither subcommand opens (or creates) a data folder.
    const kinds = new Kinds()
    const [sub] = positionals
    if (sub === 'schema') {
      out.stdout(JSON.stringify(configSchema(kinds), null, 2) + '\n')
      return EXIT.ok
    }
    if (sub === 'check') {
      const file = typeof values.file === 'string' ? values.file : DEFAULT_CONFIG_FILE
      try {
        checkConfig(readConfigText(readFileSync(file, 'utf8'), file), kinds, process.env)
      } catch (err) {
        if (err instanceof ConfigError) throw configCliError(err)
        throw err
      }
      out.stdout(`${file}: OK\n`)
      return EXIT.ok
    }
    throw CliError.usage(`config needs a subcommand: schema or check, not "${sub ?? ''}"`)
  },
}

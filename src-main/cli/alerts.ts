// `driftwatch alerts channels list|add|test|remove` and `alerts list|ack`: the Watch page's alert channels and
// the alerts a person acknowledges, from a terminal. A channel's secret is read from an environment variable
// or a file (never from the command line, where other users see it) and sealed in the vault.
import type { AlertChannelView, Req } from '../../src-preload/contract'
import { when } from '../../src-preload/dates'
import { readUserFile } from '../core/files/read-user-file'
import { AppError } from '../core/errors'
import { call, CliError, EXIT, type Command, type RunContext } from './common'
import { listOf, notFoundError, print, targetNames } from './lookup'
import { passphrase, processSource } from './prompt'

const HELP = `Usage:
  driftwatch alerts channels list [--json]
  driftwatch alerts channels add --kind webhook|slack|github-issue|email --name NAME [--url URL]
                                 [--set KEY=VALUE ...] [--secret-env VAR | --secret-file FILE]
                                 [--header NAME=VALUE ...] [--header-env NAME=VAR ...]
                                 [--header-file NAME=FILE ...] [--checks PATTERNS] [--exclude-checks PATTERNS]
                                 [--min-severity low|medium|high] [--throttle MINUTES] [--disabled] [--json]
  driftwatch alerts channels test NAME|ID [--json]
  driftwatch alerts channels remove NAME|ID [--json]
  driftwatch alerts list [--state open|acknowledged|resolved] [--json]
  driftwatch alerts ack ID [--json]

Channel settings (--set, lists comma-separated): webhook url · github-issue repo, apiBaseUrl, labels ·
email host, port, security (tls|starttls|none), username, from, to. --url sets url.
Secrets (the webhook's signing key, the Slack webhook URL, the GitHub token, the SMTP password) are read from
the environment variable named by --secret-env or the file --secret-file and sealed in the vault (its
passphrase is asked for on a terminal or read from $DRIFTWATCH_VAULT_PASSPHRASE).
Webhook headers (e.g. a key for an API gateway): --header NAME=VALUE for plain values; a secret value only from
an environment variable (--header-env NAME=VAR) or a file (--header-file NAME=FILE), sealed in the vault. Host,
Content-Length, Content-Type, Transfer-Encoding, Connection and other hop-by-hop headers, and Driftwatch's
own X-Driftwatch-Signature-256 and X-Driftwatch-Delivery, cannot be set.
Check filter (every kind): --checks sends only drift of rules matching one of the comma-separated patterns (a
glob such as "pg-*", or a word the rule id contains: branch-protection,secret-scanning); --exclude-checks
leaves matching rules out; --min-severity sends only rules of that severity or higher. Score drops name no
rule: they are sent unless --checks is given.
test      sends a test message now and prints how the delivery went (exit 1 when it failed)
Exit codes: 0 done · 1 error (not found, invalid, delivery failed) · 64 wrong usage`

const options: Command['options'] = {
  kind: { type: 'string' },
  name: { type: 'string' },
  url: { type: 'string' },
  set: { type: 'string', multiple: true },
  'secret-env': { type: 'string' },
  'secret-file': { type: 'string' },
  throttle: { type: 'string' },
  disabled: { type: 'boolean' },
  header: { type: 'string', multiple: true },
  'header-env': { type: 'string', multiple: true },
  'header-file': { type: 'string', multiple: true },
  checks: { type: 'string' },
  'exclude-checks': { type: 'string' },
  'min-severity': { type: 'string' },
  state: { type: 'string' },
}

const LIST_KEYS = new Set(['to', 'labels'])

async function channelRef(ctx: RunContext, ref: string | undefined): Promise<AlertChannelView> {
  if (!ref) throw CliError.usage('name the channel: its name or id from "driftwatch alerts channels list"')
  const { channels } = await call(ctx.core, 'alerts.channels.list', {})
  const c = channels.find((x) => x.id === ref || x.name.toLowerCase() === ref.toLowerCase())
  if (!c) throw notFoundError(`no alert channel named "${ref}"`)
  return c
}

async function readSecret(ctx: RunContext): Promise<string | undefined> {
  const env = ctx.values['secret-env']
  const file = ctx.values['secret-file']
  if (env !== undefined && file !== undefined)
    throw CliError.usage('give --secret-env or --secret-file, not both')
  if (env !== undefined) {
    const value = process.env[String(env)]
    if (!value) throw CliError.usage(`the environment variable ${String(env)} (--secret-env) is not set`)
    return value
  }
  if (file === undefined) return undefined
  try {
    return (await readUserFile(String(file), { maxBytes: 4096 })).bytes.toString('utf8').trim()
  } catch (err) {
    if (err instanceof AppError) throw new CliError(`--secret-file: ${err.message}`, err.toApi())
    throw err
  }
}

async function addChannel(ctx: RunContext): Promise<number> {
  const v = ctx.values
  const config: Record<string, unknown> = {}
  if (v.url !== undefined) config.url = String(v.url)
  for (const pair of (v.set as string[] | undefined) ?? []) {
    const at = pair.indexOf('=')
    if (at < 1) throw CliError.usage(`--set takes KEY=VALUE, not "${pair}"`)
    const key = pair.slice(0, at)
    config[key] = LIST_KEYS.has(key) ? listOf(pair.slice(at + 1)) : pair.slice(at + 1)
  }
  const pairs = (flag: string) =>
    ((v[flag] as string[] | undefined) ?? []).map((pair) => {
      const at = pair.indexOf('=')
      if (at < 1)
        throw CliError.usage(
          `--${flag} takes NAME=${flag === 'header' ? 'VALUE' : flag === 'header-env' ? 'VAR' : 'FILE'}, not "${pair}"`,
        )
      return [pair.slice(0, at), pair.slice(at + 1)] as const
    })
  const headers = Object.fromEntries(pairs('header'))
  if (Object.keys(headers).length) config.headers = headers
  const headerSecrets: Record<string, string> = {}
  for (const [name, variable] of pairs('header-env')) {
    const value = process.env[variable]
    if (!value)
      throw CliError.usage(`the environment variable ${variable} (--header-env ${name}=) is not set`)
    headerSecrets[name] = value
  }
  for (const [name, file] of pairs('header-file'))
    try {
      headerSecrets[name] = (await readUserFile(file, { maxBytes: 4096 })).bytes.toString('utf8').trim()
    } catch (err) {
      if (err instanceof AppError) throw new CliError(`--header-file ${name}=: ${err.message}`, err.toApi())
      throw err
    }
  if (v.checks !== undefined) config.checks = listOf(String(v.checks))
  if (v['exclude-checks'] !== undefined) config.excludeChecks = listOf(String(v['exclude-checks']))
  if (v['min-severity'] !== undefined) config.minSeverity = String(v['min-severity'])
  const secret = await readSecret(ctx)
  const sealing = secret !== undefined || Object.keys(headerSecrets).length > 0
  if (sealing && (await call(ctx.core, 'vault.status', {})).state === 'locked')
    await call(ctx.core, 'vault.unlock', { passphrase: await passphrase(processSource()) })
  const req: Req<'alerts.channels.save'> = {
    kind: String(v.kind ?? '') as Req<'alerts.channels.save'>['kind'],
    name: String(v.name ?? ''),
    enabled: v.disabled !== true,
    config,
    ...(secret !== undefined && { secret }),
    ...(Object.keys(headerSecrets).length > 0 && { headerSecrets }),
    throttleMinutes: v.throttle === undefined ? 0 : Number(v.throttle),
  }
  const FLAGS: Record<string, string> = {
    'config.headers': '--header',
    'config.checks': '--checks',
    'config.excludeChecks': '--exclude-checks',
    'config.minSeverity': '--min-severity',
  }
  const flag = (p: string) =>
    Object.entries(FLAGS).find(([k]) => p === k || p.startsWith(`${k}.`))?.[1] ??
    (p.startsWith('config.')
      ? `--set ${p.slice(7)}`
      : p === 'secret'
        ? '--secret-env/--secret-file'
        : p === 'throttleMinutes'
          ? '--throttle'
          : `--${p}`)
  const saved = await call(ctx.core, 'alerts.channels.save', req, flag)
  print(ctx, saved, () => `Added ${saved.kind} channel "${saved.name}" (${saved.id})\n`)
  return EXIT.ok
}

/** A channel as the list prints it: a line, then its headers (secret ones by name only) and its filter. */
function channelLines(c: AlertChannelView): string[] {
  const lines = [
    `${c.id}  ${c.kind.padEnd(12)} ${c.name.padEnd(24)} ${c.enabled ? 'enabled' : 'disabled'}${c.credentialId ? ' · secret in the vault' : ''}`,
  ]
  const pad = ' '.repeat(c.id.length + 2)
  const headers = Object.entries((c.config.headers ?? {}) as Record<string, unknown>)
  if (headers.length)
    lines.push(
      `${pad}headers: ${headers.map(([k, v]) => (typeof v === 'string' ? `${k}: ${v}` : `${k} (secret)`)).join(', ')}`,
    )
  const list = (k: string) => (Array.isArray(c.config[k]) ? (c.config[k] as string[]) : [])
  const filter = [
    list('checks').length ? `checks ${list('checks').join(', ')}` : '',
    list('excludeChecks').length ? `excludeChecks ${list('excludeChecks').join(', ')}` : '',
    typeof c.config.minSeverity === 'string' ? `minSeverity ${c.config.minSeverity}` : '',
  ].filter(Boolean)
  lines.push(`${pad}filters: ${filter.length ? filter.join(' · ') : 'none (every drift)'}`)
  return lines
}

async function channels(ctx: RunContext, verb: string | undefined, ref: string | undefined): Promise<number> {
  if (verb === 'list') {
    const res = await call(ctx.core, 'alerts.channels.list', {})
    print(ctx, res, () =>
      res.channels.length
        ? res.channels.map((c) => channelLines(c).join('\n')).join('\n') + '\n'
        : 'No alert channels yet.\n',
    )
    return EXIT.ok
  }
  if (verb === 'add') return addChannel(ctx)
  if (verb === 'test') {
    const c = await channelRef(ctx, ref)
    // The secret is read from the vault to sign or authenticate the test.
    if (c.credentialId && (await call(ctx.core, 'vault.status', {})).state === 'locked')
      await call(ctx.core, 'vault.unlock', { passphrase: await passphrase(processSource()) })
    const d = await call(ctx.core, 'alerts.channels.test', { id: c.id })
    print(ctx, d, () =>
      d.state === 'sent'
        ? `Test message sent to "${c.name}"\n`
        : `Test to "${c.name}" ${d.state}: ${d.lastError}\n`,
    )
    return d.state === 'sent' ? EXIT.ok : EXIT.error
  }
  if (verb === 'remove') {
    const c = await channelRef(ctx, ref)
    const res = await call(ctx.core, 'alerts.channels.remove', { id: c.id })
    print(ctx, res, () => `Removed alert channel "${c.name}"\n`)
    return EXIT.ok
  }
  throw CliError.usage('use "alerts channels list", "add", "test NAME" or "remove NAME"')
}

export const alertsCommand: Command = {
  name: 'alerts',
  usage: 'alerts channels list|add|test|remove · alerts list|ack',
  summary: 'alert channels, and the alerts drift opened',
  help: HELP,
  options,
  async run(ctx) {
    const [verb, a, b, ...extra] = ctx.positionals
    if (extra.length) throw CliError.usage(`unexpected "${extra.join(' ')}"`)
    if (verb === 'channels') return channels(ctx, a, b)
    if (verb === 'list') {
      const state = ctx.values.state as Req<'alerts.list'>['state']
      const res = await call(ctx.core, 'alerts.list', { state }, () => '--state')
      const names = await targetNames(ctx.core)
      print(ctx, res, () =>
        res.alerts.length
          ? res.alerts
              .map(
                (x) =>
                  `${String(x.id).padEnd(6)} ${x.state.padEnd(13)} ${when(x.openedAt)}  ${(names.get(x.targetId) ?? x.targetId).padEnd(20)} ${x.ruleId}`,
              )
              .join('\n') + '\n'
          : 'No alerts.\n',
      )
      return EXIT.ok
    }
    if (verb === 'ack') {
      const id = Number(a)
      if (!a || !Number.isInteger(id) || id < 1)
        throw CliError.usage(
          `"alerts ack" takes an alert's number from "driftwatch alerts list", not "${a ?? ''}"`,
        )
      const res = await call(ctx.core, 'alerts.acknowledge', { id })
      print(ctx, res, () => `Acknowledged alert ${res.id}\n`)
      return EXIT.ok
    }
    throw CliError.usage('use "alerts channels ...", "alerts list" or "alerts ack ID"')
  },
}

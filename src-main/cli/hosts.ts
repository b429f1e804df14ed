// `driftwatch hosts list|import|forget`: the SSH host keys Driftwatch has pinned, a known_hosts file to pin
// from, and removing a pin after the host owner confirmed a new key.
import { call, CliError, EXIT, type Command } from './common'
import { readSecretFile } from './prompt'

export const hostsCommand: Command = {
  name: 'hosts',
  usage: 'hosts list|import|forget',
  summary: 'SSH host keys: list pins, import known_hosts, forget a pin',
  help: `Usage:
  driftwatch hosts list [--json]
  driftwatch hosts import FILE        pin the keys of an OpenSSH known_hosts file (never replaces a pin);
                                      hashed names (|1|...) are matched against the SSH targets added here
  driftwatch hosts forget HOST[:PORT] remove a pin, e.g. after the host was reinstalled (port 22 by default)`,
  options: {},
  async run(ctx) {
    const [action, arg] = ctx.positionals
    const print = (data: unknown, text: string) => {
      ctx.out.stdout(ctx.json ? JSON.stringify(data, null, 2) + '\n' : text + '\n')
      return EXIT.ok
    }
    if (action === 'list') {
      const { hosts } = await call(ctx.core, 'knownHosts.list', {})
      return print(
        hosts,
        hosts.length
          ? hosts.map((h) => `${h.host}:${h.port}  ${h.keyType}  ${h.fingerprint}  ${h.trustedAt}`).join('\n')
          : 'No host keys pinned yet.',
      )
    }
    if (action === 'import') {
      if (!arg) throw CliError.usage('name the known_hosts file')
      const r = await call(ctx.core, 'knownHosts.import', { text: await readSecretFile(arg) })
      const conflicts = r.conflicts.length
        ? `; ${r.conflicts.length} already pinned to another key, left alone: ${r.conflicts.join(', ')}`
        : ''
      const lines = [
        `${r.added} pinned, ${r.unchanged} already pinned, ${r.hashed} hashed names skipped (no SSH target ` +
          `matches them), ${r.skipped} other entries skipped${conflicts}`,
        ...r.pinned.map(
          (p) =>
            `  pinned ${p.host}:${p.port} ${p.keyType} ${p.fingerprint}${p.hashed ? ' (hashed entry)' : ''}`,
        ),
        ...r.reasons.map((s) => `  line ${s.line}: ${s.reason}`),
      ]
      return print(r, lines.join('\n'))
    }
    if (action === 'forget') {
      const m = arg ? /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(arg) : null
      if (!m) throw CliError.usage('name the host as HOST or HOST:PORT')
      const { removed } = await call(ctx.core, 'knownHosts.forget', { host: m[1]!, port: Number(m[2] ?? 22) })
      return print({ removed }, removed ? `Forgot the pinned key of ${arg}` : `No key was pinned for ${arg}`)
    }
    throw CliError.usage(action ? `unknown action "${action}"` : 'say what to do: list, import or forget')
  },
}

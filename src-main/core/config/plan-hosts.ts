// The plan's SSH host key pins: each target's `hostKey`, pinned through knownHosts.import as `hosts import` would.
import { knownHostsName } from '../scanners/ssh-oscap/known-hosts-file'
import type { PlanContext, PlanStep } from './plan'
import { ConfigError } from './source'

/**
 * The host keys the file pins, as `hosts import` would pin them: added where the host:port has no pin, left
 * alone where it has this key, and refused where it is pinned to another key (a pin is never replaced by itself:
 * a person forgets the old pin first). A pin left out of the file stays (pins belong to host:port, not to a file).
 */
export function planHostKeys(ctx: PlanContext): (PlanStep | undefined)[] {
  const out: (PlanStep | undefined)[] = []
  const inFile = new Map<string, { fingerprint: string; path: string }>()
  for (const t of ctx.desired.targets) {
    const k = t.hostKey
    if (!k) continue
    const id = `${k.host}:${k.port}`
    const twice = inFile.get(id)
    if (twice && twice.fingerprint !== k.fingerprint) {
      ctx.issue(k.path, `${id} is given another host key at ${twice.path}: one host, one key`)
      continue
    }
    inFile.set(id, k)
    const pin = ctx.current.pins.find((p) => p.host === k.host && p.port === k.port)
    if (pin?.fingerprint === k.fingerprint || twice) {
      out.push(undefined)
      continue
    }
    if (pin) {
      ctx.issue(
        k.path,
        `${id} is pinned to another key (${pin.fingerprint}), not ${k.fingerprint}. If the host's key was ` +
          `changed on purpose, remove the old pin (driftwatch hosts forget ${id}) and apply again; otherwise ` +
          'someone may be intercepting the connection: do not scan it',
      )
      continue
    }
    out.push({
      action: 'add',
      type: 'host key',
      name: t.name,
      detail: `${id} ${k.keyType} ${k.fingerprint}`,
      path: k.path,
      async run() {
        const r = await ctx.call(
          'knownHosts.import',
          { text: `${knownHostsName(k.host, k.port)} ${k.publicKey}\n` },
          k.path,
        )
        if (r.added + r.unchanged !== 1)
          throw new ConfigError(ctx.desired.file, [
            {
              line: ctx.lineOf(k.path),
              key: k.path,
              message: `${id} was not pinned: ${r.conflicts.join(', ')}`,
            },
          ])
      },
    })
  }
  return out
}

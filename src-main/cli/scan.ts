// `driftwatch scan <target|group>`: scan now and wait, with a progress bar on a terminal. Exit codes follow
// oscap: 0 every rule passed, 2 some failed, 1 an error.
import type { EventPayload, ScanView } from '../../src-preload/contract'
import { call, CliError, EXIT, type Command, type RunContext } from './common'
import { passphrase, processSource } from './prompt'

const CONCURRENCY = 4

export const scanCommand: Command = {
  name: 'scan',
  usage: 'scan TARGET|GROUP [--content C --profile P]',
  summary: 'scan targets now (OpenSCAP, or a rule pack for databases)',
  help: `Usage: driftwatch scan TARGET|GROUP --content CONTENT --profile PROFILE [--tailoring NAME] [--json]

TARGET is a target's name or id; GROUP scans every target of that group, ${CONCURRENCY} at a time (one
failure does not stop the others). CONTENT is an import's SHA-256 prefix or file name (see
"driftwatch content list"); PROFILE an id or, for SCAP Security Guide, a short name such as "standard".

Database targets (PostgreSQL, MySQL/MariaDB) need no content: they run the built-in rule pack for their
kind (postgres-cis, mysql-cis) or the pack --profile names (see "driftwatch rules list").

Exit codes: 0 every rule passed · 2 some rules failed · 1 a scan could not run · 64 wrong usage`,
  options: { content: { type: 'string' }, profile: { type: 'string' }, tailoring: { type: 'string' } },
  async run(ctx) {
    const ref = ctx.positionals[0]
    if (!ref) throw CliError.usage('name the target or group to scan')
    const { targets } = await call(ctx.core, 'targets.list', {})
    const chosen = targets.filter((t) => t.id === ref || t.name.toLowerCase() === ref.toLowerCase())
    const group = chosen.length
      ? []
      : targets.filter((t) => t.groups.some((g) => g.toLowerCase() === ref.toLowerCase()))
    const scope = chosen.length ? chosen : group
    if (scope.length === 0) {
      const message = `no target or group named "${ref}"`
      throw new CliError(message, { code: 'not_found', message, issues: [] })
    }
    // SCAP content and profile matter to oscap targets (this computer, SSH hosts); database and GitHub targets
    // run their built-in rule packs, and --profile then names a pack.
    const needsContent = scope.some((t) => t.kind === 'local' || t.kind === 'ssh')
    let sha256: string | undefined
    if (needsContent) {
      const { content } = await call(ctx.core, 'content.list', {})
      const cref = String(ctx.values.content ?? '')
      const c =
        content.find((x) => (cref.length >= 8 && x.sha256.startsWith(cref)) || x.fileName === cref) ??
        (cref ? undefined : content[0])
      if (!c)
        throw CliError.usage(
          cref ? `no imported content "${cref}"` : 'import content first: driftwatch content import FILE',
        )
      sha256 = c.sha256
    }
    const p = String(ctx.values.profile ?? '')
    if (needsContent && !p) throw CliError.usage('--profile is required; see "driftwatch content profiles"')
    const profileId = !p
      ? undefined
      : p.includes('_profile_') || !needsContent
        ? p
        : `xccdf_org.ssgproject.content_profile_${p}`
    let tailoringId: string | undefined
    if (ctx.values.tailoring) {
      const { tailorings } = await call(ctx.core, 'tailorings.list', {})
      tailoringId = tailorings.find(
        (t) => t.name.toLowerCase() === String(ctx.values.tailoring).toLowerCase(),
      )?.id
      if (!tailoringId) throw CliError.usage(`no tailoring named "${String(ctx.values.tailoring)}"`)
    }

    // Targets that sign in with a vault credential need the vault open for this process's lifetime.
    if (scope.some((t) => t.kind !== 'local' && t.credentialId)) {
      const { state } = await call(ctx.core, 'vault.status', {})
      if (state === 'locked')
        await call(ctx.core, 'vault.unlock', { passphrase: await passphrase(processSource()) })
    }

    const finished = new Map<string, EventPayload<'scan.finished'>>()
    const waiters = new Map<string, () => void>()
    const tty = !ctx.json && process.stderr.isTTY
    const off = ctx.core.subscribe((name, payload) => {
      if (name === 'scan.progress' && tty) {
        const e = payload as EventPayload<'scan.progress'>
        const t = scope.find((x) => x.id === e.targetId)?.name ?? ''
        const bar = e.total
          ? `[${'#'.repeat(Math.round(((e.done ?? 0) / e.total) * 30)).padEnd(30)}] ${e.done}/${e.total}`
          : e.message
        process.stderr.write(`\r\x1b[K${t}: ${bar}`)
      }
      if (name === 'scan.finished') {
        const e = payload as EventPayload<'scan.finished'>
        finished.set(e.scanId, e)
        waiters.get(e.scanId)?.()
      }
    })
    const results: { target: string; scan: ScanView | null; error: string }[] = []
    try {
      const queue = [...scope]
      const worker = async () => {
        for (let t = queue.shift(); t; t = queue.shift()) {
          const env = await ctx.core.invoke('scan.start', {
            targetId: t.id,
            ...(t.kind === 'local' || t.kind === 'ssh' ? { sha256, profileId } : { profileId }),
            tailoringId,
          })
          if (!env.ok) {
            results.push({ target: t.name, scan: null, error: env.error.message })
            continue
          }
          const { scanId } = env.data as { scanId: string }
          if (!finished.has(scanId)) await new Promise<void>((r) => waiters.set(scanId, r))
          const { scan } = await call(ctx.core, 'scan.results', { scanId })
          results.push({ target: t.name, scan, error: scan.error })
        }
      }
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, scope.length) }, worker))
    } finally {
      off()
      if (tty) process.stderr.write('\r\x1b[K')
    }
    return report(ctx, results)
  },
}

function report(
  ctx: RunContext,
  results: { target: string; scan: ScanView | null; error: string }[],
): number {
  if (ctx.json) ctx.out.stdout(JSON.stringify(results, null, 2) + '\n')
  else
    for (const r of results) {
      if (!r.scan || r.scan.state !== 'done') {
        ctx.out.stdout(`${r.target}: ${r.scan?.state ?? 'not started'} — ${r.error}\n`)
        continue
      }
      const c = r.scan.counts
      ctx.out.stdout(
        `${r.target}: score ${r.scan.score ?? '–'}% · ${c.pass ?? 0} pass · ${c.fail ?? 0} fail · ${c.error ?? 0} error · ` +
          `${c.notapplicable ?? 0} not applicable\n`,
      )
    }
  if (results.some((r) => !r.scan || r.scan.state !== 'done')) return EXIT.error
  return results.some((r) => (r.scan?.counts.fail ?? 0) > 0) ? 2 : EXIT.ok
}

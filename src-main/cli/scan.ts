// `driftwatch scan <target|group>`: scan now and wait, with a progress bar on a terminal. Exit codes follow
// oscap: 0 every rule passed, 2 some failed, 1 an error.
import { createInterface } from 'node:readline/promises'
import type { EventPayload, JudgementSummary, KindView, ScanView, Target } from '../../src-preload/contract'
import { call, CliError, EXIT, type Command, type RunContext } from './common'
import { passphrase, processSource } from './prompt'
import { safeText } from './terminal-text'
import { judgementLine } from './judgement'
import { credentialRefsOf } from '../core/scanners/registry'

export const scanCommand: Command = {
  name: 'scan',
  usage: 'scan TARGET|GROUP [--content C --profile P]',
  summary: 'scan targets now (OpenSCAP, or a rule pack for databases)',
  help: `Usage: driftwatch scan TARGET|GROUP [--content CONTENT --profile PROFILE] [--tailoring NAME]
                       [--trust-host-key [TARGET=]SHA256:...] [--rebind-credential] [--concurrency N] [--json]

TARGET is a target's name or id; GROUP scans every target of that group, several at a time (one failure
does not stop the others): as many as this computer's CPUs to start with, more while it keeps up and hosts
wait, fewer when it falls behind, and a host far slower than the others lends its lane to the next one.
--concurrency N caps it (1-16). Ctrl-C stops a group scan: no further host starts, running scans are cancelled. Without --content, --profile or --tailoring each target runs its assigned
policy (driftwatch tailoring assign; a database target's assigned rule pack). For this computer and SSH hosts,
CONTENT is an import's SHA-256 prefix or file name (see "driftwatch content list") and PROFILE an id or, for
SCAP Security Guide, a short name such as "standard"; --tailoring NAME alone runs that tailoring's content
and profile.

SSH hosts seen for the first time are asked for their host key: on a terminal you are shown its SHA-256
fingerprint to confirm; elsewhere pass --trust-host-key with the fingerprint the host owner gave you
(ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub). For a group, give it once per new host as
TARGET=SHA256:...; a host that presents another key is not scanned, the others are. A host whose pinned key
changed is refused.
Credentials come from the vault, unlocked for this command (prompt, or ${'DRIFTWATCH_VAULT_PASSPHRASE'}).
A credential is bound to the address (host:port, GitHub API URL) it was first used at; a target that moved
is refused until you confirm with --rebind-credential (the passphrase is asked for again, or taken from
${'DRIFTWATCH_VAULT_PASSPHRASE'}); the confirmation is written to the audit log.

Database targets (PostgreSQL, MySQL/MariaDB) need no content: they run the built-in rule pack for their
kind (postgres-cis, mysql-cis) or the pack --profile names (see "driftwatch rules list").

Exit codes: 0 every rule passed · 2 some rules failed · 1 a scan could not run · 64 wrong usage`,
  options: {
    content: { type: 'string' },
    profile: { type: 'string' },
    tailoring: { type: 'string' },
    'trust-host-key': { type: 'string', multiple: true },
    'rebind-credential': { type: 'boolean' },
    concurrency: { type: 'string' },
  },
  async run(ctx) {
    const ref = ctx.positionals[0]
    if (!ref) throw CliError.usage('name the target or group to scan')
    const { targets } = await call(ctx.core, 'targets.list', {})
    const chosen = targets.filter((t) => t.id === ref || t.name.toLowerCase() === ref.toLowerCase())
    const groupLabel = chosen.length ? undefined : groupNamed(targets, ref)
    const scope = chosen.length
      ? [chosen.find((t) => t.id === ref) ?? chosen[0]!]
      : targets.filter((t) => t.groups.includes(groupLabel!))
    // SCAP content and profile matter to kinds scanned with content (this computer, SSH hosts); the others run
    // their rule packs, and --profile then names a pack.
    const { kinds } = await call(ctx.core, 'kinds.list', {})
    const policy = (t: Target) => kinds.find((k) => k.kind === t.kind)?.policy
    const takesContent = (t: Target) => policy(t)?.content ?? false
    // Naming no content, profile or tailoring runs each target's assigned policy (driftwatch tailoring assign).
    const named = ['content', 'profile', 'tailoring'].some((k) => ctx.values[k] !== undefined)
    const needsContent = named && scope.some(takesContent) && ctx.values.tailoring === undefined
    if (!named && groupLabel === undefined && takesContent(scope[0]!)) {
      const assigned = await call(ctx.core, 'policy.get', { targetId: scope[0]!.id })
      if (!assigned.tailoring)
        throw CliError.usage(
          `${scope[0]!.name} has no assigned tailoring: give --content and --profile, or assign one ` +
            '(driftwatch tailoring assign NAME --target TARGET)',
        )
    }
    let sha256: string | undefined
    if (needsContent || (ctx.values.content !== undefined && scope.some(takesContent))) {
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
    if (sha256 && !p) throw CliError.usage('--profile is required; see "driftwatch content profiles"')
    const profileId = !p
      ? undefined
      : p.includes('_profile_') || !sha256
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

    const lanes = ctx.values.concurrency === undefined ? undefined : Number(ctx.values.concurrency)
    if (lanes !== undefined && !(Number.isInteger(lanes) && lanes >= 1 && lanes <= 16))
      throw CliError.usage('--concurrency takes a whole number of scans at a time, 1 to 16')
    const used = await unlockIfNeeded(ctx, scope, kinds)
    if (ctx.values['rebind-credential']) await rebind(ctx, scope, used, kinds)
    const trust = await hostKeyTrust(
      ctx,
      scope.filter((t) => policy(t)?.hostKey),
    )

    // Each scan's end, by target: the core names the scan it started in its scan.finished event.
    const finished = new Map<string, EventPayload<'scan.finished'>>()
    // What a scan could not remove from its host: said after the results, whatever the exit code.
    const leftovers: string[] = []
    const tty = !ctx.json && process.stderr.isTTY
    const off = ctx.core.subscribe((name, payload) => {
      if (name === 'scan.progress' && tty) {
        const e = payload as EventPayload<'scan.progress'>
        const t = scope.find((x) => x.id === e.targetId)?.name ?? ''
        const bar =
          e.phase === 'rule'
            ? `[${'#'.repeat(Math.round((e.done / Math.max(e.total, 1)) * 30)).padEnd(30)}] ${e.done}/${e.total}`
            : e.message
        process.stderr.write(`\r\x1b[K${safeText(t)}: ${safeText(bar)}`)
      }
      if (name === 'scan.finished') {
        const e = payload as EventPayload<'scan.finished'>
        finished.set(e.targetId, e)
      }
      if (name === 'scan.leftover') {
        const e = payload as EventPayload<'scan.leftover'>
        const t = scope.find((x) => x.id === e.targetId)?.name ?? e.targetId
        leftovers.push(`${t}: ${e.message}`)
      }
    })
    const notStarted = new Map<string, string>()
    let offSignal = () => undefined as void
    try {
      const flagFor = (path: string) => (/^trustHostKeys?\b/.test(path) ? '--trust-host-key' : path)
      if (groupLabel === undefined) {
        const t = scope[0]!
        const env = await ctx.core.invoke('scan.start', {
          targetId: t.id,
          ...(takesContent(t) ? { sha256, profileId } : { profileId }),
          trustHostKey: trust.get(t.id),
          tailoringId,
        })
        if (!env.ok) notStarted.set(t.id, env.error.message)
      } else {
        // The core's group scan runs them a few at a time; one failure does not stop the others.
        const r = await call(
          ctx.core,
          'scan.startGroup',
          {
            group: groupLabel,
            sha256,
            profileId,
            tailoringId,
            concurrency: lanes,
            trustHostKeys: trust.size ? Object.fromEntries(trust) : undefined,
          },
          flagFor,
        )
        for (const s of r.skipped) notStarted.set(s.targetId, s.reason)
        // Ctrl-C: no queued host starts and the running scans are cancelled (each then reads as cancelled).
        const stop = () => void ctx.core.invoke('scan.cancelGroup', { groupScanId: r.groupScanId })
        process.once('SIGINT', stop)
        offSignal = () => process.off('SIGINT', stop)
      }
      // Every scan the core started ends (done, failed or cancelled) before it is idle.
      await ctx.core.idle()
    } finally {
      off()
      offSignal()
      if (tty) process.stderr.write('\r\x1b[K')
    }
    const results: { target: string; scan: ScanView | null; error: string }[] = []
    for (const t of scope) {
      const end = finished.get(t.id)
      if (end) {
        const { scan } = await call(ctx.core, 'scan.results', { scanId: end.scanId })
        results.push({ target: t.name, scan, error: scan.error })
      } else
        results.push({
          target: t.name,
          scan: null,
          error: notStarted.get(t.id) ?? 'the scan could not start (the log above says why)',
        })
    }
    const code = await report(ctx, results)
    for (const l of leftovers) ctx.out.stderr(`warning: ${safeText(l)}\n`)
    return code
  },
}

/** The group `ref` names (any case; the exact spelling wins when groups differ only in case). */
function groupNamed(targets: Target[], ref: string): string {
  const labels = [
    ...new Set(targets.flatMap((t) => t.groups.filter((g) => g.toLowerCase() === ref.toLowerCase()))),
  ]
  if (labels.length === 0) {
    const message = `no target or group named "${ref}"`
    throw new CliError(message, { code: 'not_found', message, issues: [] })
  }
  if (labels.includes(ref)) return ref
  if (labels.length > 1)
    throw CliError.usage(`"${ref}" names the groups ${labels.join(', ')}: give one exactly as it is spelled`)
  return labels[0]!
}

/** Credentials live in the vault: unlock it for this process when a target in scope signs in with one. */
async function unlockIfNeeded(
  ctx: RunContext,
  scope: Target[],
  kinds: KindView[],
): Promise<string | undefined> {
  if (!scope.some((t) => usesCredential(t, kinds))) return undefined
  const status = await call(ctx.core, 'vault.status', {})
  if (status.state !== 'locked') return undefined
  const given = await passphrase(processSource())
  await call(ctx.core, 'vault.unlock', { passphrase: given })
  return given
}

/** Whether the target signs in with a vault credential, as its kind's data says (kinds.list). */
const usesCredential = (t: Target, kinds: KindView[]) => {
  const k = kinds.find((v) => v.kind === t.kind)
  return k ? credentialRefsOf(k.credentials, k.fields, t).length > 0 : false
}

/** --rebind-credential: the passphrase again confirms each target's credentials at its current address. */
async function rebind(
  ctx: RunContext,
  scope: Target[],
  given: string | undefined,
  kinds: KindView[],
): Promise<void> {
  const targets = scope.filter((t) => usesCredential(t, kinds))
  if (targets.length === 0) throw CliError.usage('--rebind-credential: no target in scope uses a credential')
  const pass = given ?? (await passphrase(processSource()))
  for (const t of targets) {
    const r = await call(ctx.core, 'credentials.rebind', { targetId: t.id, passphrase: pass })
    for (const c of r.credentials)
      ctx.out.stderr(
        `Credential "${c.name}" may now be used at ${r.address} (was bound to ${c.from.join(', ') || 'nothing'})\n`,
      )
  }
}

/**
 * First contact with an SSH host (the kinds whose policy pins host keys): its fingerprint must be confirmed by a
 * person (a prompt on a terminal) or given with --trust-host-key; never trusted silently. A plain fingerprint is
 * checked against what the host presents now; TARGET=FINGERPRINT (one per host of a group, for scans that
 * nobody answers) goes to the core as given, so a wrong one fails that target's scan and no other. Returns
 * the fingerprint to trust per target id.
 */
async function hostKeyTrust(ctx: RunContext, scope: Target[]): Promise<Map<string, string>> {
  const flags = ([] as unknown[]).concat(ctx.values['trust-host-key'] ?? []).map((v) => String(v).trim())
  const plain = flags.filter((f) => !f.includes('='))
  const trust = new Map<string, string>()
  for (const f of flags.filter((x) => x.includes('='))) {
    const at = f.lastIndexOf('=')
    const name = f.slice(0, at).toLowerCase()
    const t = scope.find((x) => x.id === f.slice(0, at) || x.name.toLowerCase() === name)
    if (!t)
      throw CliError.usage(
        `--trust-host-key ${f}: no target named "${f.slice(0, at)}" with a host key to confirm in this scan`,
      )
    trust.set(t.id, f.slice(at + 1))
  }
  for (const t of scope) {
    if (trust.has(t.id)) continue
    const env = await ctx.core.invoke('targets.hostKey', { id: t.id })
    // Unreachable hosts fail in their scan with the same message; the others go on.
    if (!env.ok) continue
    const probe = env.data as {
      state: string
      fingerprint: string
      keyType: string
      host: string
      port: number
    }
    if (probe.state !== 'unknown') continue
    const at = `${probe.host}:${probe.port}`
    if (plain.length) {
      if (!plain.includes(probe.fingerprint))
        throw new CliError(
          `${at} presents ${probe.fingerprint}, not the fingerprint given with --trust-host-key (${plain.join(', ')}): not scanning`,
          { code: 'forbidden', message: `host key mismatch for ${at}`, issues: [] },
        )
      trust.set(t.id, probe.fingerprint)
      continue
    }
    if (!ctx.json && process.stdin.isTTY) {
      const rl = createInterface({ input: process.stdin, output: process.stderr })
      const answer = await rl.question(
        `${safeText(t.name)} (${safeText(at)}) is not known yet. Its ${probe.keyType} host key fingerprint is\n  ${probe.fingerprint}\n` +
          "Compare it with the host owner's (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub). Trust it? [y/N] ",
      )
      rl.close()
      if (/^y(es)?$/i.test(answer.trim())) trust.set(t.id, probe.fingerprint)
    }
  }
  return trust
}

async function report(
  ctx: RunContext,
  results: { target: string; scan: ScanView | null; error: string }[],
): Promise<number> {
  // How each scan reads under the exceptions and attestations in force (only said when some apply).
  const judged = new Map<string, JudgementSummary>()
  for (const r of results)
    if (r.scan?.state === 'done') {
      const env = await ctx.core.invoke('scan.judgement', { scanId: r.scan.id })
      if (env.ok) judged.set(r.scan.id, (env.data as { summary: JudgementSummary }).summary)
    }
  if (ctx.json)
    ctx.out.stdout(
      JSON.stringify(
        results.map((r) => ({
          ...r,
          ...(r.scan && judged.has(r.scan.id) && { judgement: judged.get(r.scan.id) }),
        })),
        null,
        2,
      ) + '\n',
    )
  else
    for (const r of results) {
      if (!r.scan || r.scan.state !== 'done') {
        ctx.out.stdout(`${safeText(r.target)}: ${r.scan?.state ?? 'not started'} — ${safeText(r.error)}\n`)
        continue
      }
      const c = r.scan.counts
      ctx.out.stdout(
        `${safeText(r.target)}: score ${r.scan.score ?? '–'}% · ${c.pass ?? 0} pass · ${c.fail ?? 0} fail · ${c.error ?? 0} error · ` +
          `${c.notapplicable ?? 0} not applicable\n`,
      )
      const j = judged.get(r.scan.id)
      if (j && j.excepted + j.attested + j.lapsed > 0)
        ctx.out.stdout(`${safeText(r.target)}: ${judgementLine(j)}\n`)
      const warning = r.scan.info.privilegeWarning
      if (warning) ctx.out.stdout(`${safeText(r.target)}: warning: ${safeText(warning)}\n`)
    }
  if (results.some((r) => !r.scan || r.scan.state !== 'done')) return EXIT.error
  return results.some((r) => (r.scan?.counts.fail ?? 0) > 0) ? 2 : EXIT.ok
}

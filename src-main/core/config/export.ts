// `driftwatch export-config`: the current setup as a driftwatch.yml. Secrets leave only as references (an
// environment variable named after the credential, or a vault credential's name), so the file can be shared and
// applied to a fresh data folder to rebuild the same setup.
import { stringify } from 'yaml'
import { isAbsolute, join } from 'node:path'
import { SecretFields, type ContentSummary, type CredentialKind } from '../../../src-preload/contract'
import { formatEvery } from './check-watch'
import { WEEKDAYS } from '../../../src-preload/calendar'
import { HOST_KEY } from './check'
import { normHost } from '../scanners/ssh-oscap/known-hosts-file'
import { readCurrent, type ConfigCore } from './plan'
import { shapeKeys } from './walk'

/** Notes the watch writes on the vault credential it creates for a channel's own secret. */
const OWNED = /^alert channel /

const envName = (...parts: string[]) =>
  parts
    .map((p) =>
      p
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .replace(/[^A-Za-z0-9]+/g, '_')
        .replace(/^_|_$/g, '')
        .toUpperCase(),
    )
    .join('_')

export const credentialEnv = (name: string, field: string) => envName('DW', name, field)
export const channelEnv = (name: string, header?: string) =>
  header ? envName('DW', 'ALERT', name, header) : envName('DW', 'ALERT', name)

const omitEmpty = (o: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(o).filter(
      ([, v]) =>
        v !== undefined &&
        v !== null &&
        !(Array.isArray(v) && v.length === 0) &&
        !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0),
    ),
  )

/** An entry per content whose file path is known, named after its file (with its hash's start if two share it). */
function contentEntries(list: ContentSummary[]): Map<string, { name: string; file: string; sha256: string }> {
  const known = list.filter((c) => isAbsolute(c.sourcePath))
  const base = (c: ContentSummary) => c.fileName.replace(/\.xml$/i, '')
  const count = new Map<string, number>()
  for (const c of known) count.set(base(c).toLowerCase(), (count.get(base(c).toLowerCase()) ?? 0) + 1)
  return new Map(
    [...known]
      .map((c) => {
        const name = count.get(base(c).toLowerCase())! > 1 ? `${base(c)}-${c.sha256.slice(0, 8)}` : base(c)
        return [c.sha256, { name, file: c.sourcePath, sha256: c.sha256 }] as const
      })
      .sort(([, a], [, b]) => a.name.localeCompare(b.name)),
  )
}

export async function exportConfig(core: ConfigCore): Promise<{ yaml: string; env: string[] }> {
  const cur = await readCurrent(core)
  const env: string[] = []
  const credName = new Map(cur.credentials.map((c) => [c.id, c.name]))
  const credentials = cur.credentials
    .filter((c) => !OWNED.test(c.notes))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((c) => {
      const shape = SecretFields[c.kind as CredentialKind].shape as Record<
        string,
        { safeParse(v: unknown): { success: boolean } }
      >
      const required = Object.keys(shape).filter((k) => !shape[k]!.safeParse(undefined).success)
      const secret = Object.fromEntries(required.map((k) => [k, `\${${credentialEnv(c.name, k)}}`]))
      env.push(...required.map((k) => credentialEnv(c.name, k)))
      return omitEmpty({
        name: c.name,
        kind: c.kind,
        username: c.username || undefined,
        notes: c.notes || undefined,
        secret,
      })
    })

  const direct = new Map<string, string>()
  for (const t of cur.tailorings) for (const id of t.targets) direct.set(id, t.name)
  const targets = [...cur.targets]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((t) => {
      const kind = core.kinds.get(t.kind)
      const credFields = new Set(kind?.credentials.map((c) => c.field) ?? [])
      const own = kind ? shapeKeys(kind.fields) : []
      const fields: Record<string, unknown> = {}
      for (const k of own) {
        const v = t[k]
        if (v === undefined || v === null) continue
        fields[k] = credFields.has(k) && typeof v === 'string' ? (credName.get(v) ?? v) : v
      }
      const pack = cur.targetPacks.get(t.id)
      const tailoring = direct.get(t.id)
      // Kinds reached over SSH: the key pinned for the target's host:port, as a public key line.
      const at = t as { host?: string; port?: number }
      const pin = kind?.policy.hostKey
        ? cur.pins.find((p) => p.host === normHost(String(at.host)) && p.port === at.port)
        : undefined
      return omitEmpty({
        name: t.name,
        kind: t.kind,
        description: t.description || undefined,
        tags: t.tags,
        groups: t.groups,
        ...fields,
        [HOST_KEY]: pin?.publicKey,
        policy: tailoring ? { tailoring } : pack ? { pack } : undefined,
      })
    })

  const groups = cur.tailorings
    .flatMap((t) => t.groups.map((g) => ({ name: g, tailoring: t.name })))
    .sort((a, b) => a.name.localeCompare(b.name))

  // Content imported from a file whose path is known is written as an entry (pinned to its SHA-256) named
  // after its file; content uploaded without a path stays referenced by its SHA-256 (a comment says so).
  const entries = contentEntries(cur.contentList)
  const content = [...entries.values()]
  const byHash = cur.contentList.filter((c) => !entries.has(c.sha256))
  const policies = [...cur.tailorings]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((t) =>
      omitEmpty({
        name: t.name,
        content: entries.get(t.contentSha256)?.name ?? t.contentSha256,
        profile: t.baseProfileId,
        values: t.changes.setValues,
        selectors: t.changes.refineValues,
        rules: t.changes.selects,
        severity: t.changes.refineRules,
      }),
    )

  const nameOf = new Map(cur.targets.map((t) => [t.id, t.name]))
  const schedules = cur.schedules
    .map((s) =>
      omitEmpty({
        target: s.targetId ? (nameOf.get(s.targetId) ?? s.targetId) : undefined,
        group: s.group ?? undefined,
        every: s.kind === 'interval' ? formatEvery(s.intervalMinutes) : undefined,
        daily: s.kind === 'daily' ? s.dailyTimes : undefined,
        weekly: s.kind === 'weekly' ? s.dailyTimes : undefined,
        monthly: s.kind === 'monthly' ? s.dailyTimes : undefined,
        days:
          s.kind === 'weekly' ? s.days.map((d) => WEEKDAYS[d]) : s.kind === 'monthly' ? s.days : undefined,
        timezone: s.timeZone || undefined,
        priority: s.priority || undefined,
        jitter: s.jitterSeconds || undefined,
        paused: s.paused || undefined,
      }),
    )
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))

  const alerts = [...cur.channels]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((c) => {
      let secret: unknown
      if (c.credentialId) {
        const meta = cur.credentials.find((x) => x.id === c.credentialId)
        if (meta && !OWNED.test(meta.notes)) secret = { vault: meta.name }
        else {
          secret = `\${${channelEnv(c.name)}}`
          env.push(channelEnv(c.name))
        }
      }
      // Secret header values leave as environment references, like the channel's own secret.
      const headers = c.config.headers as Record<string, string | { vault: string }> | undefined
      const config = headers
        ? {
            ...c.config,
            headers: Object.fromEntries(
              Object.entries(headers).map(([h, v]) => {
                if (typeof v === 'string') return [h, v]
                env.push(channelEnv(c.name, h))
                return [h, { env: channelEnv(c.name, h) }]
              }),
            ),
          }
        : c.config
      return omitEmpty({
        name: c.name,
        kind: c.kind,
        enabled: c.enabled ? undefined : false,
        throttleMinutes: c.throttleMinutes || undefined,
        ...config,
        secret,
      })
    })

  const exportsDir = join(core.dataDir, 'exports')
  const reports = [...cur.reports]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((r) =>
      omitEmpty({
        name: r.name,
        cadence: r.cadence,
        day: r.cadence === 'weekly' ? WEEKDAYS[r.day] : r.day,
        at: r.time,
        timezone: r.timeZone || undefined,
        formats: r.formats,
        targets: r.targetIds.map((id) => nameOf.get(id) ?? id),
        groups: r.groups,
        folder: r.folder === exportsDir ? undefined : r.folder,
        paused: r.paused || undefined,
      }),
    )

  const { concurrency, perKind, thresholds, priorityFactor, backoffBaseMinutes, backoffCapMinutes } =
    cur.settings
  const doc = {
    version: 1,
    content,
    credentials,
    targets,
    groups,
    policies,
    schedules,
    alerts,
    reports,
    watch: { concurrency, perKind, thresholds, priorityFactor, backoffBaseMinutes, backoffCapMinutes },
  }
  const header = [
    '# Driftwatch setup (driftwatch export-config). Apply with: driftwatch apply -f FILE [--dry-run]',
    '# Secrets are never in this file. Before applying, set:',
    ...(env.length ? env.map((e) => `#   ${e}`) : ['#   (nothing: no secrets)']),
    ...(byHash.length
      ? [
          '# Content imported without a known path, so policies reference it by SHA-256; import each',
          '# (driftwatch content import FILE) before applying:',
          ...byHash.map((c) => `#   ${c.sha256}  ${c.fileName}`),
        ]
      : []),
  ].join('\n')
  return { yaml: `${header}\n${stringify(doc, { lineWidth: 0 })}`, env }
}

// Checks a driftwatch.yml's data in full — every section, every key, each target against its kind's own schema
// from the registry — and returns what it asks for, or throws one ConfigError listing every problem.
import { dirname, isAbsolute, resolve } from 'node:path'
import { z } from 'zod'
import {
  CREDENTIAL_KINDS,
  SecretFields,
  TailoringChanges,
  TargetInput,
  type CredentialKind,
} from '../../../src-preload/contract'
import type { Kinds } from '../scanners/registry'
import { checkChannels, checkSchedules, checkWatch } from './check-watch'
import { checkReports } from './check-reports'
import {
  TOP_KEYS,
  type Desired,
  type DesiredContent,
  type DesiredCredential,
  type DesiredTarget,
} from './model'
import { ConfigError, joinPath, type ConfigSource } from './source'
import { normHost, readHostKeyLine } from '../scanners/ssh-oscap/known-hosts-file'
import { Walk, shapeKeys, type Obj } from './walk'

export const COMMON_TARGET_KEYS = ['name', 'kind', 'description', 'tags', 'groups', 'policy'] as const
/** The key of a target whose kind pins SSH host keys: the key to pin for its host and port. */
export const HOST_KEY = 'hostKey'

export function checkConfig(src: ConfigSource, kinds: Kinds, env: NodeJS.ProcessEnv): Desired {
  const w = new Walk(src, env)
  const root = w.map('', src.root, TOP_KEYS, 'the file') ?? {}
  w.refuseInlineSecrets('', root)
  if (root.version !== undefined && root.version !== 1)
    w.issue('version', 'Only version 1 of the file format is known')
  const baseDir = dirname(src.file)
  const content = checkContent(w, root.content, baseDir)
  const desired: Desired = {
    file: src.file,
    baseDir,
    sectionsGiven: new Set(Object.keys(root)),
    content,
    credentials: checkCredentials(w, root.credentials),
    targets: checkTargets(w, kinds, root.targets),
    policies: checkPolicies(w, root.policies, content),
    groups: checkGroups(w, root.groups),
    schedules: checkSchedules(w, root.schedules),
    channels: checkChannels(w, root.alerts),
    reports: checkReports(w, root.reports, baseDir),
    watch: checkWatch(w, root.watch),
  }
  uniqueNames(w, 'content', desired.content)
  uniqueNames(w, 'reports', desired.reports)
  uniqueNames(w, 'credentials', desired.credentials)
  uniqueNames(w, 'targets', desired.targets)
  uniqueNames(w, 'policies', desired.policies)
  uniqueNames(w, 'groups', desired.groups)
  uniqueNames(w, 'alerts', desired.channels)
  if (w.issues.length) throw new ConfigError(src.file, w.issues)
  return desired
}

function uniqueNames(w: Walk, section: string, items: { name: string; path: string }[]) {
  const seen = new Map<string, string>()
  for (const it of items) {
    const k = it.name.toLowerCase()
    const first = seen.get(k)
    if (first)
      w.issue(
        joinPath(it.path, 'name'),
        `"${it.name}" is named twice in ${section} (first at line ${w.src.lineOf(first)})`,
      )
    else seen.set(k, it.path)
  }
}

function checkCredentials(w: Walk, value: unknown): DesiredCredential[] {
  const out: DesiredCredential[] = []
  w.list('credentials', value, 'credentials').forEach((item, i) => {
    const path = joinPath('credentials', i)
    const o = w.map(path, item, ['name', 'kind', 'username', 'notes', 'secret'], 'a credential')
    if (!o) return
    const name = w.text(joinPath(path, 'name'), o.name, 'Name')
    const kindText = w.text(joinPath(path, 'kind'), o.kind, 'Kind')
    const kind = CREDENTIAL_KINDS.find((k) => k === kindText)
    if (kindText && !kind)
      w.issue(
        joinPath(path, 'kind'),
        `Unknown credential kind "${kindText}": expected one of ${CREDENTIAL_KINDS.join(', ')}`,
      )
    let secret: DesiredCredential['secret']
    if (kind && o.secret !== undefined) {
      const sp = joinPath(path, 'secret')
      const fields = SecretFields[kind as CredentialKind]
      const known = shapeKeys(fields)
      const so = w.map(sp, o.secret, known, `a ${kind} secret`)
      if (so) {
        secret = {}
        for (const [k, v] of Object.entries(so)) {
          const s = w.secret(joinPath(sp, k), v)
          if (s) secret[k] = s
        }
        const required = Object.entries(fields.shape)
          .filter(([, f]) => !(f as z.ZodType).safeParse(undefined).success)
          .map(([k]) => k)
        for (const k of required)
          if (!(k in so)) w.issue(joinPath(sp, k), `A ${kind} credential needs its ${k}`)
      }
    }
    if (!name || !kind) return
    out.push({
      path,
      name,
      kind,
      username: w.text(joinPath(path, 'username'), o.username, 'User name', { optional: true }) ?? '',
      notes: w.text(joinPath(path, 'notes'), o.notes, 'Notes', { optional: true }) ?? '',
      secret,
    })
  })
  return out
}

const PLACEHOLDER_CREDENTIAL = 'credential-from-config'

function checkTargets(w: Walk, kinds: Kinds, value: unknown): DesiredTarget[] {
  const out: DesiredTarget[] = []
  w.list('targets', value, 'targets').forEach((item, i) => {
    const path = joinPath('targets', i)
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      w.issue(path, 'A target must be a mapping (name, kind and its fields)')
      return
    }
    const raw = item as Obj
    const kindName = w.text(joinPath(path, 'kind'), raw.kind, 'Kind')
    const kind = kindName ? kinds.get(kindName) : undefined
    if (kindName && !kind) {
      w.issue(joinPath(path, 'kind'), kinds.kindIssue(kindName)!.message)
      return
    }
    if (!kind) return
    const own = shapeKeys(kind.fields)
    // Kinds reached over SSH (their policy says hostKey) may carry the host key to pin.
    const pinKeys = kind.policy.hostKey ? [HOST_KEY] : []
    const o = w.map(path, raw, [...COMMON_TARGET_KEYS, ...pinKeys, ...own], `a ${kind.kind} target`)
    if (!o) return
    const credentialFields = kind.credentials.map((c) => c.field)
    const resolved = w.resolve(path, o) as Obj
    const { policy, [HOST_KEY]: hostKeyText, ...fields } = resolved
    const common = w.zod(path, TargetInput, {
      kind: kind.kind,
      name: fields.name,
      description: fields.description,
      tags: fields.tags,
      groups: fields.groups,
    })
    const kindFields = Object.fromEntries(Object.entries(fields).filter(([k]) => own.includes(k)))
    // Credentials are named here (the vault's names); the kind's schema checks the rest as it would an id.
    const checked = { ...kindFields }
    for (const f of credentialFields)
      if (typeof checked[f] === 'string' && checked[f] !== '') checked[f] = PLACEHOLDER_CREDENTIAL
    const parsedFields = w.zod(path, kind.fields, checked) as { host?: string; port?: number } | undefined
    const pol = checkTargetPolicy(w, joinPath(path, 'policy'), policy, kind.policy)
    const hostKey =
      hostKeyText === undefined || !parsedFields
        ? undefined
        : checkHostKey(w, joinPath(path, HOST_KEY), hostKeyText, parsedFields)
    if (!common) return
    out.push({
      path,
      name: common.name,
      kind: kind.kind,
      fields: { ...fields, kind: kind.kind },
      credentialFields,
      ...pol,
      ...(hostKey && { hostKey }),
    })
  })
  return out
}

/** The key a target's host key pin names, read as a person wrote it (see readHostKeyLine). */
function checkHostKey(
  w: Walk,
  path: string,
  value: unknown,
  at: { host?: string; port?: number },
): DesiredTarget['hostKey'] {
  const text = w.text(path, value, 'The host key')
  if (!text || !at.host || !at.port) return undefined
  const key = readHostKeyLine(text, at.host, at.port)
  if (typeof key === 'string') {
    w.issue(path, `Not a host key to pin: ${key}`)
    return undefined
  }
  return { path, host: normHost(at.host), port: at.port, ...key }
}

function checkTargetPolicy(
  w: Walk,
  path: string,
  value: unknown,
  kindPolicy: { tailoring: boolean; rulePack: string },
): { tailoring?: string; pack?: string } {
  if (value === undefined || value === null) return {}
  const o = w.map(path, value, ['tailoring', 'pack'], 'a target policy')
  if (!o) return {}
  if (o.tailoring !== undefined && o.pack !== undefined) {
    w.issue(path, 'Give a tailoring or a rule pack (one of them)')
    return {}
  }
  if (o.tailoring !== undefined) {
    if (!kindPolicy.tailoring) w.issue(joinPath(path, 'tailoring'), 'This kind of target takes no tailoring')
    return { tailoring: w.text(joinPath(path, 'tailoring'), o.tailoring, 'Tailoring') }
  }
  if (o.pack !== undefined) {
    if (kindPolicy.rulePack !== 'choose')
      w.issue(joinPath(path, 'pack'), 'This kind of target takes no rule pack to choose')
    return { pack: w.text(joinPath(path, 'pack'), o.pack, 'Rule pack') }
  }
  return {}
}

const SHA = /^[0-9a-f]{64}$/
const Sha = z.string().regex(SHA, 'A SHA-256 is 64 hex digits (lower case)')

/** SCAP datastreams by file (relative to the config file's folder), each optionally pinned to its SHA-256. */
function checkContent(w: Walk, value: unknown, baseDir: string): DesiredContent[] {
  const out: DesiredContent[] = []
  w.list('content', value, 'content').forEach((item, i) => {
    const path = joinPath('content', i)
    const o = w.map(path, item, ['name', 'file', 'sha256'], 'a content entry (a SCAP datastream)')
    if (!o) return
    const name = w.text(joinPath(path, 'name'), o.name, 'Name')
    const file = w.text(joinPath(path, 'file'), o.file, 'File (the path of a SCAP datastream)')
    const pin = w.text(joinPath(path, 'sha256'), o.sha256, 'SHA-256', { optional: true })
    if (pin) w.zod(joinPath(path, 'sha256'), Sha, pin)
    if (name && SHA.test(name))
      w.issue(
        joinPath(path, 'name'),
        'A content name is a word, not a SHA-256 (policies name content by either)',
      )
    if (name && file)
      out.push({
        path,
        name,
        file,
        abs: isAbsolute(file) ? file : resolve(baseDir, file),
        ...(pin && SHA.test(pin) && { sha256: pin }),
      })
  })
  return out
}

function checkPolicies(w: Walk, value: unknown, content: DesiredContent[]): Desired['policies'] {
  const out: Desired['policies'] = []
  w.list('policies', value, 'policies').forEach((item, i) => {
    const path = joinPath('policies', i)
    const o = w.map(
      path,
      item,
      ['name', 'content', 'profile', 'values', 'selectors', 'rules', 'severity'],
      'a policy (a tailoring)',
    )
    if (!o) return
    const name = w.text(joinPath(path, 'name'), o.name, 'Name')
    const ref = w.text(
      joinPath(path, 'content'),
      o.content,
      'Content (a name under content, or the SHA-256 of an imported datastream)',
    )
    const entry = ref && content.find((c) => c.name.toLowerCase() === ref.toLowerCase())
    if (ref && !entry && !SHA.test(ref))
      w.issue(
        joinPath(path, 'content'),
        `No content named "${ref}" under content: name an entry there, or give the SHA-256 (64 hex digits) of an imported datastream`,
      )
    const profileId = w.text(joinPath(path, 'profile'), o.profile, 'Profile')
    const changes = w.zod(path, TailoringChanges, {
      setValues: stringMap(w, joinPath(path, 'values'), o.values),
      refineValues: stringMap(w, joinPath(path, 'selectors'), o.selectors),
      selects: o.rules ?? {},
      refineRules: o.severity ?? {},
    })
    if (name && ref && (entry || SHA.test(ref)) && profileId && changes)
      out.push({
        path,
        name,
        sha256: entry ? '' : ref,
        ...(entry && { contentName: entry.name }),
        profileId,
        changes,
      })
  })
  return out
}

/** A mapping of names to text (numbers are written as text). */
function stringMap(w: Walk, path: string, value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) {
    w.issue(path, 'Must be a mapping of names to values')
    return {}
  }
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(value as Obj)) {
    const t = w.text(joinPath(path, k), v, k)
    if (t !== undefined) out[k] = t
  }
  return out
}

function checkGroups(w: Walk, value: unknown): Desired['groups'] {
  const out: Desired['groups'] = []
  w.list('groups', value, 'groups').forEach((item, i) => {
    const path = joinPath('groups', i)
    const o = w.map(path, item, ['name', 'tailoring'], 'a group')
    if (!o) return
    const name = w.text(joinPath(path, 'name'), o.name, 'Name')
    const tailoring = w.text(joinPath(path, 'tailoring'), o.tailoring, 'Tailoring', { optional: true })
    if (name) out.push({ path, name, tailoring })
  })
  return out
}

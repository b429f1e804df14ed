// OVAL objects, items and states in words a person reads: "/etc/ssh/sshd_config", "PermitRootLogin yes",
// "package aide", "mode 0644, owner uid 0", "≥ 15", "mode 0600 or stricter". Never a password or its hash.
import type { OvalNode } from './oval-results'

const FIELD_MAX = 200
const SECRET_FIELD = /password|passwd|hash|secret|private|token/i
// crypt(3) hashes as /etc/shadow holds them: $id$salt$hash, with yescrypt and gost variants.
const CRYPT_HASH = /\$(?:1|2[abxy]?|5|6|7|y|gy|sha1|md5)\$[^\s:]+/g

const child = (n: OvalNode | undefined, name: string) => n?.children.find((c) => c.name === name)
const children = (n: OvalNode | undefined, name: string) => n?.children.filter((c) => c.name === name) ?? []
const field = (n: OvalNode | undefined, name: string) => child(n, name)?.text.trim() ?? ''
const clip = (s: string, max = FIELD_MAX) => (s.length > max ? `${s.slice(0, max - 1)}…` : s)

/** Removes anything that reads as a password hash, and the hash field of shadow-style lines. */
export function redact(text: string, filepath = ''): string {
  let t = text.replace(CRYPT_HASH, '[hash removed]')
  if (/(^|\/)g?shadow-?$/.test(filepath))
    t = t.replace(/^([^:\n]*):([^:\n]{2,})/gm, (_m, user: string) => `${user}:[hash removed]`)
  return t
}

/** A regular expression that matches one literal string reads as that string; others read as a pattern. */
export function regexLiteral(re: string): string | null {
  const s = re
    .replace(/\(\?-?[a-z]+\)/g, '')
    .replace(/^\^/, '')
    .replace(/\$$/, '')
  const unescaped = s.replace(/\\([.\-/ _:=#])/g, '$1')
  return /[\\^$.*+?()[\]{}|]/.test(unescaped) ? null : unescaped
}

/** The setting a configuration-line pattern reads: "PermitRootLogin" from ^[\s]*PermitRootLogin[\s]+(.*)$. */
export function settingOf(pattern: string): string {
  const p = pattern
    .replace(/\\\[[^\]]*?\\\]/g, ' ') // an INI section header, \[Coredump\], is where, not what
    .replace(/\(\?-?[a-z]+\)/g, ' ')
    .replace(/\[(?:\\.|[^\]\\])*\]/g, ' ')
    .replace(/\\[a-zA-Z]/g, ' ')
    .replace(/\\(.)/g, '$1')
  const tokens = p.match(/[A-Za-z_][A-Za-z0-9_.-]*[A-Za-z0-9_]/g) ?? []
  return tokens.find((t) => t.length >= 3 && /[A-Za-z]{2}/.test(t)) ?? ''
}

const PERM_BITS: [string, number][] = [
  ['suid', 0o4000],
  ['sgid', 0o2000],
  ['sticky', 0o1000],
  ['uread', 0o400],
  ['uwrite', 0o200],
  ['uexec', 0o100],
  ['gread', 0o40],
  ['gwrite', 0o20],
  ['gexec', 0o10],
  ['oread', 0o4],
  ['owrite', 0o2],
  ['oexec', 0o1],
]
const PERM_NAMES = new Set(PERM_BITS.map(([n]) => n))
const octal = (n: number) => n.toString(8).padStart(4, '0')

export interface ObjectWords {
  /** What was examined, e.g. "/etc/login.defs", "package aide". */
  subject: string
  setting: string
  /** OVAL's type without its suffix: textfilecontent54, file, dpkginfo, … */
  type: string
  /** The pattern a file line had to match, for when no setting name can be read from it. */
  pattern: string
  /** Whether the object names one path (else items name theirs). */
  onePath: boolean
}

function pathOf(o: OvalNode): { path: string; one: boolean } {
  const fp = child(o, 'filepath')
  if (fp && !fp.attrs.var_ref) {
    const lit = fp.attrs.operation === 'pattern match' ? regexLiteral(fp.text.trim()) : fp.text.trim()
    return lit !== null ? { path: lit, one: true } : { path: `files matching ${fp.text.trim()}`, one: false }
  }
  const dir = child(o, 'path')
  const name = child(o, 'filename')
  if (!dir || dir.attrs.var_ref) return { path: '', one: false }
  const d = dir.attrs.operation === 'pattern match' ? regexLiteral(dir.text.trim()) : dir.text.trim()
  if (d === null) return { path: `files matching ${dir.text.trim()}`, one: false }
  if (!name || name.attrs.nil === 'true' || !name.text.trim()) return { path: d, one: true }
  if (name.attrs.var_ref) return { path: `files in ${d}`, one: false }
  const n = name.attrs.operation === 'pattern match' ? regexLiteral(name.text.trim()) : name.text.trim()
  return n !== null
    ? { path: `${d.replace(/\/$/, '')}/${n}`, one: true }
    : { path: `files in ${d} matching ${name.text.trim()}`, one: false }
}

export function objectWords(o: OvalNode | undefined): ObjectWords {
  const type = (o?.name ?? '').replace(/_object$/, '')
  const base = { subject: '', setting: '', type, pattern: '', onePath: true }
  if (!o) return base
  switch (type) {
    case 'textfilecontent54':
    case 'textfilecontent': {
      const { path, one } = pathOf(o)
      const pattern = field(o, 'pattern') || field(o, 'line')
      return { ...base, subject: path, onePath: one, pattern, setting: settingOf(pattern) }
    }
    case 'file': {
      const { path, one } = pathOf(o)
      return { ...base, subject: path, onePath: one }
    }
    case 'dpkginfo':
    case 'rpminfo':
      return { ...base, subject: `package ${field(o, 'name')}` }
    case 'sysctl':
      return { ...base, subject: `kernel parameter ${field(o, 'name')}` }
    case 'systemdunitproperty':
      return { ...base, subject: `systemd unit ${field(o, 'unit')}`, setting: field(o, 'property') }
    case 'systemdunitdependency':
      return { ...base, subject: `systemd unit ${field(o, 'unit')}` }
    case 'partition':
      return { ...base, subject: `mount point ${field(o, 'mount_point')}` }
    case 'environmentvariable58':
    case 'environmentvariable':
      return { ...base, subject: `environment variable ${field(o, 'name')}` }
    case 'password':
    case 'shadow':
      return { ...base, subject: `account ${field(o, 'username') || 'entries'}` }
    case 'family':
      return { ...base, subject: 'operating system family' }
    case 'uname':
      return { ...base, subject: 'kernel (uname)' }
    default: {
      const first = o.children.find((c) => c.text.trim() && !SECRET_FIELD.test(c.name))
      return {
        ...base,
        subject: `${type.replace(/_/g, ' ')}${first ? ` ${clip(first.text.trim(), 80)}` : ''}`,
      }
    }
  }
}

function fileMode(item: OvalNode): number | null {
  let mode = 0
  let seen = false
  for (const [name, bit] of PERM_BITS) {
    const v = field(item, name)
    if (v) seen = true
    if (v === 'true' || v === '1') mode |= bit
  }
  return seen ? mode : null
}

/** One collected item in words; the object's words say what it is and whether its path needs repeating. */
export function itemWords(item: OvalNode, obj: ObjectWords): string {
  const type = item.name.replace(/_item$/, '')
  const filepath =
    field(item, 'filepath') || [field(item, 'path'), field(item, 'filename')].filter(Boolean).join('/')
  const where = !obj.onePath && filepath ? `${filepath}: ` : ''
  switch (type) {
    case 'textfilecontent': {
      const text = field(item, 'text')
      const subs = children(item, 'subexpression').map((s) => s.text.trim())
      const line = text && !text.includes('\n') && text.length <= FIELD_MAX ? text : subs.join(' ')
      const said = obj.setting && !line.includes(obj.setting) ? `${obj.setting} ${line}` : line
      return clip(where + redact(said, filepath))
    }
    case 'file': {
      const mode = fileMode(item)
      const kind = field(item, 'type')
      const parts = [
        kind && kind !== 'regular' ? kind : '',
        mode !== null ? `mode ${octal(mode)}` : '',
        field(item, 'user_id') && `owner uid ${field(item, 'user_id')}`,
        field(item, 'group_id') && `group gid ${field(item, 'group_id')}`,
      ].filter(Boolean)
      return clip(where + (parts.join(', ') || 'exists'))
    }
    case 'dpkginfo':
    case 'rpminfo': {
      const version =
        field(item, 'evr') || [field(item, 'version'), field(item, 'release')].filter(Boolean).join('-')
      return clip(`${field(item, 'name')} ${version} installed`.replace(/\s+/g, ' '))
    }
    case 'sysctl':
      return clip(`${field(item, 'name')} = ${field(item, 'value')}`)
    case 'variable': {
      const values = children(item, 'value').map((v) => v.text.trim())
      return clip(redact(`${obj.setting ? `${obj.setting} ` : ''}${values.join(', ')}`))
    }
    case 'systemdunitproperty':
      return clip(
        `${field(item, 'property')}=${children(item, 'value')
          .map((v) => v.text.trim())
          .join(' ')}`,
      )
    case 'systemdunitdependency': {
      const deps = children(item, 'dependency').map((d) => d.text.trim())
      return clip(
        `${field(item, 'unit')} depends on ${deps.length ? deps.slice(0, 8).join(', ') : 'nothing'}`,
      )
    }
    case 'partition':
      return clip(
        `${field(item, 'mount_point')} mounted with ${children(item, 'mount_options')
          .map((m) => m.text.trim())
          .join(',')}`,
      )
    case 'environmentvariable58':
    case 'environmentvariable':
      return clip(`${field(item, 'name')}=${redact(field(item, 'value'))}`)
    default: {
      const parts = item.children
        .filter((c) => c.text.trim() && !SECRET_FIELD.test(c.name))
        .slice(0, 4)
        .map((c) => `${c.name.replace(/_/g, ' ')} ${c.text.trim()}`)
      return clip(redact(parts.join(', ') || 'present', filepath))
    }
  }
}

const OPS: Record<string, (v: string) => string> = {
  equals: (v) => v,
  'case insensitive equals': (v) => v,
  'not equal': (v) => `not ${v}`,
  'case insensitive not equal': (v) => `not ${v}`,
  'greater than': (v) => `> ${v}`,
  'greater than or equal': (v) => `≥ ${v}`,
  'less than': (v) => `< ${v}`,
  'less than or equal': (v) => `≤ ${v}`,
  'pattern match': (v) => regexLiteral(v) ?? `matching ${v}`,
}

/** A state entity's constraint: its operation over its value, or over the values its variable held. */
export function valueWords(entity: OvalNode, vars: ReadonlyMap<string, string[]>): string {
  const ref = entity.attrs.var_ref
  const values = ref ? (vars.get(ref) ?? []) : [entity.text.trim()]
  if (values.length === 0) return 'a value set by the benchmark'
  const op = entity.attrs.operation ?? 'equals'
  const say = OPS[op] ?? ((v: string) => `${op} ${v}`)
  return clip(redact(values.map(say).join(' or ')))
}

const FIELD_WORDS: Record<string, string> = {
  user_id: 'owner uid',
  group_id: 'group gid',
  evr: 'version',
  version: 'version',
  mount_options: 'mounted with',
  dependency: 'depends on',
  type: 'a',
}

/** What a state demands, e.g. "no", "≥ 15", "mode 0600 or stricter, owner uid 0". */
export function stateWords(state: OvalNode | undefined, vars: ReadonlyMap<string, string[]>): string {
  if (!state) return ''
  const parts: string[] = []
  let off = 0
  const on: string[] = []
  for (const e of state.children) {
    if (PERM_NAMES.has(e.name) && !e.attrs.var_ref) {
      const bit = PERM_BITS.find(([n]) => n === e.name)![1]
      if (e.text.trim() === 'false' || e.text.trim() === '0') off |= bit
      else on.push(e.name)
      continue
    }
    if (SECRET_FIELD.test(e.name) || e.name === 'filepath' || e.name === 'path' || e.name === 'filename')
      continue
    const v = valueWords(e, vars)
    const bare = e.name === 'subexpression' || e.name === 'value' || e.name === 'text'
    parts.push(bare ? v : `${FIELD_WORDS[e.name] ?? e.name.replace(/_/g, ' ')} ${v}`)
  }
  // Special bits no entity mentions are not constrained: the ceiling is then over the nine rwx bits.
  const all = off & 0o7000 || on.some((n) => n === 'suid' || n === 'sgid' || n === 'sticky') ? 0o7777 : 0o777
  if (off) parts.unshift(`mode ${octal(all & ~off)} or stricter`)
  if (on.length) parts.push(`${on.join(', ')} set`)
  return parts.join(', ')
}

/** What a test without a state asks: that its object exists, or that it does not. */
export function existenceWords(checkExistence: string, obj: ObjectWords): string {
  const present = !/none_exist/.test(checkExistence)
  if (/any_exist/.test(checkExistence)) return ''
  switch (obj.type) {
    case 'dpkginfo':
    case 'rpminfo':
      return present ? 'installed' : 'not installed'
    case 'textfilecontent54':
    case 'textfilecontent':
    case 'variable':
      return obj.setting
        ? `${present ? 'a line' : 'no line'} setting ${obj.setting}`
        : present
          ? 'a matching line'
          : 'no matching line'
    case 'file':
      return present ? 'present' : 'absent'
    default:
      return present ? 'present' : 'absent'
  }
}

/** What finding nothing means for this kind of object. */
export function missingWords(obj: ObjectWords): string {
  switch (obj.type) {
    case 'textfilecontent54':
    case 'textfilecontent':
    case 'variable':
      return obj.setting
        ? `no line sets ${obj.setting}`
        : obj.pattern
          ? `no line matches ${clip(obj.pattern, 80)}`
          : 'no matching line'
    case 'file':
      return 'no such file'
    case 'dpkginfo':
    case 'rpminfo':
      return 'not installed'
    case 'sysctl':
      return 'not set'
    case 'systemdunitproperty':
    case 'systemdunitdependency':
      return 'no such unit'
    case 'partition':
      return 'not a separate partition'
    default:
      return 'nothing found'
  }
}

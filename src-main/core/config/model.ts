// What a driftwatch.yml asks for, once checked: plain data keyed by names (credentials, targets, policies,
// groups, schedules, alert channels, watch settings), each with the path of its key for later errors.
import type { z } from 'zod'
import type { CredentialKind, TailoringView, WatchSettingsView } from '../../../src-preload/contract'
import type { SecretSource } from './source'

export interface DesiredCredential {
  path: string
  name: string
  kind: CredentialKind
  username: string
  notes: string
  /** Where each secret field comes from; absent: the credential must already be in the vault. */
  secret?: Record<string, SecretSource>
}

export interface DesiredTarget {
  path: string
  name: string
  kind: string
  /** Common and kind fields as the file gives them; credential fields hold credential names. */
  fields: Record<string, unknown>
  /** The kind's fields naming a vault credential. */
  credentialFields: string[]
  tailoring?: string
  pack?: string
  /** The SSH host key to pin for the target's host:port (kinds whose policy pins host keys). */
  hostKey?: {
    path: string
    host: string
    port: number
    keyType: string
    fingerprint: string
    publicKey: string
  }
}

export interface DesiredContent {
  path: string
  name: string
  /** The path as the file writes it (messages name it so)… */
  file: string
  /** …and resolved against the config file's folder. */
  abs: string
  /** The SHA-256 the file must have, when the entry pins one. */
  sha256?: string
}

export interface DesiredPolicy {
  path: string
  name: string
  /** The content by SHA-256, or '' when it names an entry under content (contentName). */
  sha256: string
  contentName?: string
  profileId: string
  changes: TailoringView['changes']
}

export interface DesiredGroup {
  path: string
  name: string
  tailoring?: string
}

export interface DesiredSchedule {
  path: string
  /** A target name, or a glob (*-prod) expanded to each target it matches. */
  target?: string
  group?: string
  kind: 'interval' | 'daily' | 'weekly' | 'monthly'
  intervalMinutes: number
  dailyTimes: string[]
  /** Weekly 0-6 (Sunday 0), monthly 1-31. */
  days: number[]
  /** IANA zone; '' is the computer's. */
  timeZone: string
  priority: boolean
  jitterSeconds: number
  paused: boolean
}

export type ChannelSecret = SecretSource | { vault: string }

export interface DesiredChannel {
  path: string
  name: string
  kind: 'webhook' | 'slack' | 'github-issue' | 'email'
  enabled: boolean
  throttleMinutes: number
  config: Record<string, unknown>
  secret?: ChannelSecret
  /** Header values that are secrets (webhook), by header name: sealed in the vault on apply. */
  headerSecrets?: Record<string, SecretSource>
}

export interface DesiredWatch {
  path: string
  settings: Partial<Omit<z.output<typeof WatchSettingsView>, 'thresholds'>> & {
    thresholds?: { major?: number; minor?: number }
  }
  /** Globs over target and group names: their schedules are priority ones (scanned more often, first). */
  priority: string[]
}

export interface DesiredReport {
  path: string
  name: string
  cadence: 'weekly' | 'monthly'
  day: number
  time: string
  timeZone: string
  formats: ('pdf' | 'bundle')[]
  /** Target names (the scope; none and no groups: every target). */
  targets: string[]
  groups: string[]
  paused: boolean
  /** The folder, resolved against the config file's folder; undefined: the data folder's exports/. */
  folder?: string
}

export interface Desired {
  file: string
  /** The folder relative file paths (secrets in files) are read from. */
  baseDir: string
  /** The sections the file has: only these are managed (what a left-out section holds is left alone). */
  sectionsGiven: Set<string>
  content: DesiredContent[]
  credentials: DesiredCredential[]
  targets: DesiredTarget[]
  policies: DesiredPolicy[]
  groups: DesiredGroup[]
  schedules: DesiredSchedule[]
  channels: DesiredChannel[]
  reports: DesiredReport[]
  watch?: DesiredWatch
}

export const TOP_KEYS = [
  'version',
  'content',
  'credentials',
  'targets',
  'groups',
  'policies',
  'schedules',
  'alerts',
  'reports',
  'watch',
] as const

/** `*` any run of characters, `?` one; case-insensitive like target names. */
export function globMatch(glob: string, name: string): boolean {
  const re = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${re}$`, 'i').test(name)
}

export const isGlob = (s: string): boolean => /[*?]/.test(s)

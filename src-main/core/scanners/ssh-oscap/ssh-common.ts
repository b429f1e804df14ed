// What every SSH room shares: the one error type with its codes, the connection time limits, and the helpers
// that keep messages short and readable.
import type { HostKey } from './host-key'

export const CONNECT_TIMEOUT_MS = 20_000
export const KEEPALIVE_MS = 15_000
/** Unanswered keepalives before ssh2 drops the connection. */
export const KEEPALIVE_COUNT = 3

export type SshErrorCode =
  | 'unreachable'
  | 'host_key_unknown'
  | 'host_key_changed'
  | 'auth_failed'
  | 'key_unreadable'
  | 'timeout'
  | 'cancelled'
  | 'disconnected'
  | 'sudo_failed'
  | 'sudo_requiretty'
  | 'upload_failed'
  | 'command_failed'

export class SshError extends Error {
  constructor(
    readonly code: SshErrorCode,
    message: string,
    /** For host_key_unknown / host_key_changed: what the server presented, so a person can trust it. */
    readonly presented?: HostKey,
  ) {
    super(message)
    this.name = 'SshError'
  }
}

export const cancelled = () => new SshError('cancelled', 'The command was cancelled and stopped on the host')
export const firstLine = (s: string) => s.trim().split('\n')[0]?.slice(0, 300) ?? ''
export const fmtMs = (ms: number) =>
  ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 100) / 10} s`

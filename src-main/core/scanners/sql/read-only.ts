// What the SQL scanner needs of a database session: one read-only transaction with timeouts on everything,
// a query per rule, and failures sorted into kinds a rule's status can be decided from.
import type { Flavour } from '../../rules/format'
import type { SqlTimeouts } from './connect'

export type QueryFailure = 'timeout' | 'privilege' | 'read-only' | 'undefined' | 'lost' | 'other'

export class QueryError extends Error {
  constructor(
    readonly kind: QueryFailure,
    message: string,
    /** The server's code (SQLSTATE or MySQL error name), for the evidence. */
    readonly code: string,
  ) {
    super(message)
  }
}

export interface ReadOnlySession {
  flavour: Flavour
  /** e.g. "PostgreSQL 15.8", "MariaDB 10.11.6" */
  version: string
  /** The numeric version the rules' applicability is judged by, e.g. "15.8" or "10.11.6". */
  versionNumber: string
  /** The session settings that make it read-only and bounded, as evidence of how the checks ran. */
  settings: Record<string, string>
  /** Runs one rule's query within the read-only transaction; a failure leaves the session usable (unless 'lost'). */
  query(sql: string, timeoutMs: number): Promise<Record<string, unknown>[]>
  /** Rolls back and closes; safe to call more than once. */
  close(): Promise<void>
  /** Cancel: drops the connection now, failing a query in flight. */
  abort(): void
}

export interface SessionOptions {
  /** Default statement timeout; each query may set its own. */
  timeoutMs: number
  /**
   * The client's own limits: connectMs for connect and login, queryMs for a setup answer, and a rule's
   * statement timeout + queryMs for a rule's (past it the peer is taken as stalled and the connection dropped).
   */
  network?: SqlTimeouts
}

/** Compares dotted versions numerically: "10.11.6" > "10.5". */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

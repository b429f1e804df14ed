// Errors that cross the wall: a code the UI can act on, a sentence a person can read, and the fields at fault.
import type { ZodError } from 'zod'
import type { ApiError } from '../../src-preload/contract'

export type ErrorCode = ApiError['code']
export type FieldIssue = { path: string; message: string }

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message)
    this.name = 'AppError'
  }

  toApi(): ApiError {
    return { code: this.code, message: this.message, issues: this.issues }
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} was not found`)

/** A zod failure becomes one readable sentence plus one issue per field, so forms can mark each field. */
export function validationError(err: ZodError, prefix = ''): AppError {
  return issuesError(
    err.issues.map((i) => ({
      path: [prefix, ...i.path.map(String)].filter(Boolean).join('.'),
      message: i.message,
    })),
  )
}

/** Field issues as one validation error: the first issue's sentence, and how many more there are. */
export function issuesError(issues: FieldIssue[]): AppError {
  const first = issues[0]
  const summary = first
    ? `${first.path ? `${first.path}: ` : ''}${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`
    : 'Invalid request'
  return new AppError('validation', summary, issues)
}

/**
 * A full disk (SQLite's SQLITE_FULL, or ENOSPC from a file write) as one sentence a person can act on; the
 * transaction that hit it was rolled back, so the store is as it was before. undefined for other errors.
 */
export function diskFullError(err: unknown): AppError | undefined {
  const e = err as { code?: string } | null
  if (e?.code !== 'SQLITE_FULL' && e?.code !== 'ENOSPC') return undefined
  return new AppError(
    'unavailable',
    "The disk holding Driftwatch's data is full: nothing of this was saved, and what was saved before is intact. Free some space and try again",
  )
}

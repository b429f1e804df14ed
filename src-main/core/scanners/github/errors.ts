// What goes wrong talking to GitHub, by kind; apart from the client so the scanner can name it without
// loading octokit (the client is imported when a GitHub target is first scanned or tested).
export type GithubErrorKind =
  | 'not_found'
  | 'forbidden'
  | 'plan'
  | 'scope'
  | 'auth'
  | 'rate_limit'
  | 'server'
  | 'malformed'
  | 'network'
  | 'redirect'
  | 'cancelled'

export class GithubError extends Error {
  constructor(
    readonly kind: GithubErrorKind,
    message: string,
    readonly status = 0,
    /** For 'scope': the scopes (or fine-grained permissions) GitHub said the endpoint accepts. */
    readonly needed: string[] = [],
  ) {
    super(message)
    this.name = 'GithubError'
  }
}

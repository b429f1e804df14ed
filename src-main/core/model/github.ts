// GitHub's data kept between scans: the HTTP cache behind conditional requests and each repository's state at
// its last check. Shared by the GitHub scanner (which reads and produces it) and the store (which keeps it).
import type { RuleResult } from './scan'

/** A stored 200: its validator, the headers a replay needs (type, pagination links) and the body. */
export interface CachedResponse {
  etag: string
  headers: Record<string, string>
  body: Buffer
}

/** The ETag store (SQLite's http_cache in the app; see store/github.ts). */
export interface EtagCache {
  get(key: string): CachedResponse | undefined
  put(key: string, value: CachedResponse): void
  /** Drops entries unused since `before` (ISO time). */
  prune?(before: string): number
}

/** What a repository looked like at its last check, and that check's results. */
export interface RepoState {
  repo: string
  pushedAt: string
  updatedAt: string
  checkedAt: string
  pack: string
  results: RuleResult[]
}

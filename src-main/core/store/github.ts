// GitHub's stored state: the HTTP cache behind conditional requests (ETag + body, gzipped) and, per target and
// repository, what the repository looked like when last checked with the results then, for incremental watches.
// The HTTP cache is written as answers arrive (it only replays GitHub's own answers); the repository state only
// by a scan's commit (see scans.ts).
import { gunzipSync, gzipSync } from 'node:zlib'
import type { Db } from './db'
import type { CachedResponse, EtagCache, RepoState } from '../model/github'
import type { RuleResult } from '../model/scan'

export class HttpCacheRepo implements EtagCache {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get(key: string): CachedResponse | undefined {
    const r = this.db.prepare('SELECT etag, headers, gz FROM http_cache WHERE key = ?').get(key) as
      { etag: string; headers: string; gz: Buffer } | undefined
    if (!r) return undefined
    this.db.prepare('UPDATE http_cache SET used_at = ? WHERE key = ?').run(this.now().toISOString(), key)
    try {
      return {
        etag: r.etag,
        headers: JSON.parse(r.headers) as Record<string, string>,
        body: gunzipSync(r.gz),
      }
    } catch {
      // A damaged entry is only a cache miss: the next answer replaces it.
      this.db.prepare('DELETE FROM http_cache WHERE key = ?').run(key)
      return undefined
    }
  }

  put(key: string, value: CachedResponse): void {
    const at = this.now().toISOString()
    this.db
      .prepare(
        `INSERT INTO http_cache (key, etag, headers, gz, stored_at, used_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, headers = excluded.headers, gz = excluded.gz,
           stored_at = excluded.stored_at, used_at = excluded.used_at`,
      )
      .run(key, value.etag, JSON.stringify(value.headers), gzipSync(value.body), at, at)
  }

  /** Entries unused since `before` go (a repository removed from a target leaves its answers behind). */
  prune(before: string): number {
    return this.db.prepare('DELETE FROM http_cache WHERE used_at < ?').run(before).changes
  }

  size(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM http_cache').get() as { n: number }).n
  }
}

export class GithubRepoStateRepo {
  constructor(private readonly db: Db) {}

  load(targetId: string): Map<string, RepoState> {
    const rows = this.db
      .prepare(
        'SELECT repo, pushed_at, updated_at, checked_at, pack, results FROM github_repo_state WHERE target_id = ?',
      )
      .all(targetId) as {
      repo: string
      pushed_at: string
      updated_at: string
      checked_at: string
      pack: string
      results: string
    }[]
    return new Map(
      rows.map((r) => [
        r.repo,
        {
          repo: r.repo,
          pushedAt: r.pushed_at,
          updatedAt: r.updated_at,
          checkedAt: r.checked_at,
          pack: r.pack,
          results: JSON.parse(r.results) as RuleResult[],
        },
      ]),
    )
  }
}

/**
 * Replaces the target's state with `states` (repositories no longer in scope go). Called only inside a scan's
 * commit, so the state always belongs to a stored scan.
 */
export function replaceRepoState(db: Db, targetId: string, states: readonly RepoState[]): void {
  const ins = db.prepare(
    `INSERT INTO github_repo_state (target_id, repo, pushed_at, updated_at, checked_at, pack, results)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  )
  db.prepare('DELETE FROM github_repo_state WHERE target_id = ?').run(targetId)
  for (const s of states)
    ins.run(targetId, s.repo, s.pushedAt, s.updatedAt, s.checkedAt, s.pack, JSON.stringify(s.results))
}

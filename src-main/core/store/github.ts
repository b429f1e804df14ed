// GitHub's stored state: the HTTP cache behind conditional requests (ETag + body, gzipped) and, per target and
// repository, what the repository looked like when last checked with the results then, for incremental watches.
// The HTTP cache is written as answers arrive (it only replays GitHub's own answers); the repository state only
// by a scan's commit (see scans.ts).
import { gunzipSync, gzipSync } from 'node:zlib'
import type { Sql } from './sql/engine'
import { insertRows } from './sql/bulk'
import type { CachedResponse, EtagCache, RepoState } from '../model/github'
import type { RuleResult } from '../model/scan'

export class HttpCacheRepo implements EtagCache {
  constructor(
    private readonly sql: Sql,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get(key: string): CachedResponse | undefined {
    const { q } = this.sql
    const r = this.sql.get(
      q.selectFrom('http_cache').select(['etag', 'headers', 'gz']).where('key', '=', key),
    )
    if (!r) return undefined
    this.sql.run(
      q.updateTable('http_cache').set({ used_at: this.now().toISOString() }).where('key', '=', key),
    )
    try {
      return {
        etag: r.etag,
        headers: JSON.parse(r.headers) as Record<string, string>,
        body: gunzipSync(r.gz),
      }
    } catch {
      // A damaged entry is only a cache miss: the next answer replaces it.
      this.sql.run(q.deleteFrom('http_cache').where('key', '=', key))
      return undefined
    }
  }

  put(key: string, value: CachedResponse): void {
    const at = this.now().toISOString()
    this.sql.run(
      this.sql.q
        .insertInto('http_cache')
        .values({
          key,
          etag: value.etag,
          headers: JSON.stringify(value.headers),
          gz: gzipSync(value.body),
          stored_at: at,
          used_at: at,
        })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet((eb) => ({
            etag: eb.ref('excluded.etag'),
            headers: eb.ref('excluded.headers'),
            gz: eb.ref('excluded.gz'),
            stored_at: eb.ref('excluded.stored_at'),
            used_at: eb.ref('excluded.used_at'),
          })),
        ),
    )
  }

  /** Entries unused since `before` go (a repository removed from a target leaves its answers behind). */
  prune(before: string): number {
    return this.sql.run(this.sql.q.deleteFrom('http_cache').where('used_at', '<', before)).changes
  }

  size(): number {
    const r = this.sql.get(
      this.sql.q.selectFrom('http_cache').select((eb) => eb.fn.countAll<number>().as('n')),
    )
    return Number(r?.n ?? 0)
  }
}

export class GithubRepoStateRepo {
  constructor(private readonly sql: Sql) {}

  load(targetId: string): Map<string, RepoState> {
    const rows = this.sql.all(
      this.sql.q
        .selectFrom('github_repo_state')
        .select(['repo', 'pushed_at', 'updated_at', 'checked_at', 'pack', 'results'])
        .where('target_id', '=', targetId),
    )
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
export function replaceRepoState(sql: Sql, targetId: string, states: readonly RepoState[]): void {
  const { q } = sql
  sql.run(q.deleteFrom('github_repo_state').where('target_id', '=', targetId))
  const rows = states.map((s) => ({
    target_id: targetId,
    repo: s.repo,
    pushed_at: s.pushedAt,
    updated_at: s.updatedAt,
    checked_at: s.checkedAt,
    pack: s.pack,
    results: JSON.stringify(s.results),
  }))
  insertRows(sql, 'github.state', rows, (chunk) => q.insertInto('github_repo_state').values(chunk))
}

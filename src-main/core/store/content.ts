// Imported SCAP content, content-addressed: the datastream's bytes (gzip) keyed by their SHA-256, what was
// parsed from them (gzip JSON), and the named tailorings auditors saved against a profile.
import { gunzipSync, gzipSync } from 'node:zlib'
import type { Sql } from './sql/engine'
import type { Benchmark, ParsedDatastream, Tailoring } from '../scap/types'

export interface ContentRow {
  sha256: string
  fileName: string
  sourcePath: string
  bytes: number
  scapVersion: string
  importedAt: string
  benchmarks: {
    id: string
    title: string
    version: string
    profiles: number
    rules: number
    values: number
  }[]
}

export interface TailoringRow {
  id: string
  name: string
  contentSha256: string
  benchmarkId: string
  tailoring: Tailoring
  targets: string[]
  groups: string[]
  createdAt: string
  updatedAt: string
}

/** Lower-cases ASCII letters only, as SQLite's NOCASE and lower() do (and PostgreSQL's lower() under "C"). */
const asciiLower = (text: string): string => text.replace(/[A-Z]/g, (c) => c.toLowerCase())

export class ContentRepo {
  // Parsed content is read often (every page of the variables editor) and never changes: keep it decoded.
  private readonly cache = new Map<string, ParsedDatastream>()

  constructor(private readonly sql: Sql) {}

  has(sha256: string): boolean {
    const { q } = this.sql
    return this.sql.get(q.selectFrom('content').select('sha256').where('sha256', '=', sha256)) !== undefined
  }

  /** `gz` may bring the file and the parse already gzipped (the import compresses off the event loop). */
  insert(
    parsed: ParsedDatastream,
    raw: Buffer,
    fileName: string,
    sourcePath: string,
    at: string,
    gz: { raw?: Buffer; parsed?: Buffer } = {},
  ): void {
    const summary = parsed.benchmarks.map((b) => ({
      id: b.id,
      title: b.title,
      version: b.version,
      profiles: b.profiles.length,
      rules: b.rules.length,
      values: b.values.length,
    }))
    this.sql.run(
      this.sql.q
        .insertInto('content')
        .values({
          sha256: parsed.sha256,
          file_name: fileName,
          source_path: sourcePath,
          bytes: parsed.bytes,
          scap_version: parsed.scapVersion,
          imported_at: at,
          summary: JSON.stringify(summary),
          // The fastest level: a third of the CPU of the default for a file a quarter larger, on an import's path.
          data: gz.raw ?? gzipSync(raw, { level: 1 }),
          parsed: gz.parsed ?? gzipSync(JSON.stringify(parsed), { level: 1 }),
        })
        .onConflict((oc) => oc.column('sha256').doNothing()),
    )
  }

  list(): ContentRow[] {
    const rows = this.sql.all(
      this.sql.q
        .selectFrom('content')
        .select(['sha256', 'file_name', 'source_path', 'bytes', 'scap_version', 'imported_at', 'summary'])
        .orderBy('imported_at', 'desc'),
    )
    return rows.map((r) => ({
      sha256: r.sha256,
      fileName: r.file_name,
      sourcePath: r.source_path,
      bytes: r.bytes,
      scapVersion: r.scap_version,
      importedAt: r.imported_at,
      benchmarks: JSON.parse(r.summary) as ContentRow['benchmarks'],
    }))
  }

  parsed(sha256: string): ParsedDatastream | undefined {
    const hit = this.cache.get(sha256)
    if (hit) return hit
    const row = this.sql.get(this.sql.q.selectFrom('content').select('parsed').where('sha256', '=', sha256))
    if (!row) return undefined
    const parsed = JSON.parse(gunzipSync(row.parsed).toString('utf8')) as ParsedDatastream
    this.cache.set(sha256, parsed)
    return parsed
  }

  benchmark(sha256: string, benchmarkId?: string): Benchmark | undefined {
    const p = this.parsed(sha256)
    return benchmarkId ? p?.benchmarks.find((b) => b.id === benchmarkId) : p?.benchmarks[0]
  }

  /** The datastream's original bytes, to hand to oscap (locally or uploaded to a target). */
  raw(sha256: string): Buffer | undefined {
    const row = this.sql.get(this.sql.q.selectFrom('content').select('data').where('sha256', '=', sha256))
    return row ? gunzipSync(row.data) : undefined
  }

  tailorings(): TailoringRow[] {
    const rows = this.sql.all(
      this.sql.q
        .selectFrom('tailorings')
        .selectAll()
        // Names are unique without case (a unique index on lower(name)): this order has no ties.
        .orderBy((eb) => eb.fn('lower', [eb.ref('name')])),
    )
    return rows.map((r) => {
      const assigned = JSON.parse(r.assigned) as { targets: string[]; groups: string[] }
      return {
        id: r.id,
        name: r.name,
        contentSha256: r.content_sha256,
        benchmarkId: r.benchmark_id,
        tailoring: JSON.parse(r.data) as Tailoring,
        targets: assigned.targets,
        groups: assigned.groups,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      }
    })
  }

  tailoring(id: string): TailoringRow | undefined {
    return this.tailorings().find((t) => t.id === id)
  }

  tailoringNameTaken(name: string, exceptId?: string): boolean {
    let query = this.sql.q
      .selectFrom('tailorings')
      .select('id')
      .where((eb) => eb(eb.fn('lower', [eb.ref('name')]), '=', asciiLower(name)))
    if (exceptId !== undefined) query = query.where('id', '<>', exceptId)
    return this.sql.get(query) !== undefined
  }

  saveTailoring(row: Omit<TailoringRow, 'createdAt' | 'updatedAt'>, at: string): void {
    this.sql.run(
      this.sql.q
        .insertInto('tailorings')
        .values({
          id: row.id,
          name: row.name,
          content_sha256: row.contentSha256,
          benchmark_id: row.benchmarkId,
          data: JSON.stringify(row.tailoring),
          assigned: JSON.stringify({ targets: row.targets, groups: row.groups }),
          created_at: at,
          updated_at: at,
        })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            data: eb.ref('excluded.data'),
            assigned: eb.ref('excluded.assigned'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        ),
    )
  }

  /**
   * A target has one policy: the targets and groups given become the tailoring `id`'s, and leave any other
   * tailoring that had them (in one transaction). With id null they only leave.
   */
  claimAssignments(id: string | null, targets: string[], groups: string[], at: string): void {
    this.sql.transaction(() => {
      for (const t of this.tailorings()) {
        const mine = t.id === id
        const next = {
          targets: mine
            ? [...new Set([...t.targets, ...targets])]
            : t.targets.filter((x) => !targets.includes(x)),
          groups: mine ? [...new Set([...t.groups, ...groups])] : t.groups.filter((x) => !groups.includes(x)),
        }
        if (next.targets.length !== t.targets.length || next.groups.length !== t.groups.length)
          this.sql.run(
            this.sql.q
              .updateTable('tailorings')
              .set({ assigned: JSON.stringify(next), updated_at: at })
              .where('id', '=', t.id),
          )
      }
    })
  }

  /** Removes a target from the tailoring assigned to it directly (its groups' stay). */
  unassignTarget(targetId: string, at: string): void {
    this.claimAssignments(null, [targetId], [], at)
  }

  removeTailoring(id: string): boolean {
    return this.sql.run(this.sql.q.deleteFrom('tailorings').where('id', '=', id)).changes > 0
  }

  /** Whether oscap has evaluated these exact bytes with its schema check on (then a scan may skip that check). */
  oscapValidated(sha256: string): boolean {
    const { q } = this.sql
    return (
      this.sql.get(
        q.selectFrom('settings').select('key').where('key', '=', `content.oscap-valid.${sha256}`),
      ) !== undefined
    )
  }

  markOscapValidated(sha256: string): void {
    if (this.oscapValidated(sha256)) return
    this.sql.run(
      this.sql.q
        .insertInto('settings')
        .values({ key: `content.oscap-valid.${sha256}`, value: 'true', updated_at: new Date().toISOString() })
        .onConflict((oc) => oc.column('key').doNothing()),
    )
  }
}

// Imported SCAP content, content-addressed: the datastream's bytes (gzip) keyed by their SHA-256, what was
// parsed from them (gzip JSON), and the named tailorings auditors saved against a profile.
import { gunzipSync, gzipSync } from 'node:zlib'
import type { Db } from './db'
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

type RawContent = {
  sha256: string
  file_name: string
  source_path: string
  bytes: number
  scap_version: string
  imported_at: string
  summary: string
}

export class ContentRepo {
  // Parsed content is read often (every page of the variables editor) and never changes: keep it decoded.
  private readonly cache = new Map<string, ParsedDatastream>()

  constructor(private readonly db: Db) {}

  has(sha256: string): boolean {
    return this.db.prepare('SELECT 1 FROM content WHERE sha256 = ?').get(sha256) !== undefined
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
    this.db
      .prepare(
        `INSERT OR IGNORE INTO content (sha256, file_name, source_path, bytes, scap_version, imported_at, summary,
           data, parsed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        parsed.sha256,
        fileName,
        sourcePath,
        parsed.bytes,
        parsed.scapVersion,
        at,
        JSON.stringify(summary),
        // The fastest level: a third of the CPU of the default for a file a quarter larger, on an import's path.
        gz.raw ?? gzipSync(raw, { level: 1 }),
        gz.parsed ?? gzipSync(JSON.stringify(parsed), { level: 1 }),
      )
  }

  list(): ContentRow[] {
    const rows = this.db
      .prepare(
        'SELECT sha256, file_name, source_path, bytes, scap_version, imported_at, summary FROM content ORDER BY imported_at DESC',
      )
      .all() as RawContent[]
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
    const row = this.db.prepare('SELECT parsed FROM content WHERE sha256 = ?').get(sha256) as
      { parsed: Buffer } | undefined
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
    const row = this.db.prepare('SELECT data FROM content WHERE sha256 = ?').get(sha256) as
      { data: Buffer } | undefined
    return row ? gunzipSync(row.data) : undefined
  }

  tailorings(): TailoringRow[] {
    const rows = this.db.prepare('SELECT * FROM tailorings ORDER BY name COLLATE NOCASE').all() as {
      id: string
      name: string
      content_sha256: string
      benchmark_id: string
      data: string
      assigned: string
      created_at: string
      updated_at: string
    }[]
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
    return (
      this.db
        .prepare('SELECT 1 FROM tailorings WHERE name = ? COLLATE NOCASE AND id IS NOT ?')
        .get(name, exceptId ?? null) !== undefined
    )
  }

  saveTailoring(row: Omit<TailoringRow, 'createdAt' | 'updatedAt'>, at: string): void {
    this.db
      .prepare(
        `INSERT INTO tailorings (id, name, content_sha256, benchmark_id, data, assigned, created_at, updated_at)
         VALUES (@id, @name, @sha, @bench, @data, @assigned, @at, @at)
         ON CONFLICT(id) DO UPDATE SET name = @name, data = @data, assigned = @assigned, updated_at = @at`,
      )
      .run({
        id: row.id,
        name: row.name,
        sha: row.contentSha256,
        bench: row.benchmarkId,
        data: JSON.stringify(row.tailoring),
        assigned: JSON.stringify({ targets: row.targets, groups: row.groups }),
        at,
      })
  }

  /**
   * A target has one policy: the targets and groups given become the tailoring `id`'s, and leave any other
   * tailoring that had them (in one transaction). With id null they only leave.
   */
  claimAssignments(id: string | null, targets: string[], groups: string[], at: string): void {
    const set = this.db.prepare('UPDATE tailorings SET assigned = ?, updated_at = ? WHERE id = ?')
    this.db.transaction(() => {
      for (const t of this.tailorings()) {
        const mine = t.id === id
        const next = {
          targets: mine
            ? [...new Set([...t.targets, ...targets])]
            : t.targets.filter((x) => !targets.includes(x)),
          groups: mine ? [...new Set([...t.groups, ...groups])] : t.groups.filter((x) => !groups.includes(x)),
        }
        if (next.targets.length !== t.targets.length || next.groups.length !== t.groups.length)
          set.run(JSON.stringify(next), at, t.id)
      }
    })()
  }

  /** Removes a target from the tailoring assigned to it directly (its groups' stay). */
  unassignTarget(targetId: string, at: string): void {
    this.claimAssignments(null, [targetId], [], at)
  }

  removeTailoring(id: string): boolean {
    return this.db.prepare('DELETE FROM tailorings WHERE id = ?').run(id).changes > 0
  }

  /** Whether oscap has evaluated these exact bytes with its schema check on (then a scan may skip that check). */
  oscapValidated(sha256: string): boolean {
    return (
      this.db.prepare('SELECT 1 FROM settings WHERE key = ?').get(`content.oscap-valid.${sha256}`) !==
      undefined
    )
  }

  markOscapValidated(sha256: string): void {
    if (this.oscapValidated(sha256)) return
    this.db
      .prepare('INSERT OR IGNORE INTO settings (key, value, updated_at) VALUES (?, ?, ?)')
      .run(`content.oscap-valid.${sha256}`, 'true', new Date().toISOString())
  }
}

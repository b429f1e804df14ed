// The targets aggregate in SQLite: rows, their tags and groups, search, and name uniqueness.
import type { Db } from './db'
import type { Target, TargetFields } from '../../../src-preload/contract'

type Row = {
  id: string
  name: string
  kind: string
  description: string
  settings: string
  created_at: string
  updated_at: string
}

export interface TargetFilter {
  query?: string
  kind?: string
  tag?: string
  group?: string
}

const COMMON = new Set(['kind', 'name', 'description', 'tags', 'groups', 'address'])

export class TargetsRepo {
  /**
   * address: how a target reads in lists, from its kind (the registry's answer; the store knows no kinds). The
   * core always passes it; a repo opened bare (migration checks) returns the stored fields only.
   */
  constructor(
    private readonly db: Db,
    private readonly address?: (t: Target) => string,
  ) {}

  list(filter: TargetFilter = {}): Target[] {
    const where: string[] = []
    const args: Record<string, string> = {}
    if (filter.kind) {
      where.push('t.kind = @kind')
      args.kind = filter.kind
    }
    for (const type of ['tag', 'group'] as const) {
      const label = filter[type]
      if (!label) continue
      where.push(`EXISTS (SELECT 1 FROM target_labels l WHERE l.target_id = t.id AND l.type = '${type}'
                   AND l.label = @${type})`)
      args[type] = label
    }
    const words = (filter.query ?? '').trim().split(/\s+/).filter(Boolean)
    words.forEach((word, i) => {
      // Every word must match somewhere: name, host, description, kind, or any tag or group.
      where.push(`(t.name LIKE @w${i} ESCAPE '\\' OR t.host LIKE @w${i} ESCAPE '\\'
        OR t.description LIKE @w${i} ESCAPE '\\' OR t.kind LIKE @w${i} ESCAPE '\\'
        OR EXISTS (SELECT 1 FROM target_labels l WHERE l.target_id = t.id AND l.label LIKE @w${i} ESCAPE '\\'))`)
      args[`w${i}`] = `%${word.replace(/[\\%_]/g, (c) => '\\' + c)}%`
    })
    const sql = `SELECT t.* FROM targets t ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
                 ORDER BY t.name COLLATE NOCASE`
    const rows = this.db.prepare(sql).all(args) as Row[]
    return this.hydrate(rows)
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM targets').get() as { n: number }).n
  }

  get(id: string): Target | undefined {
    const row = this.db.prepare('SELECT * FROM targets WHERE id = ?').get(id) as Row | undefined
    return row ? this.hydrate([row])[0] : undefined
  }

  findByName(name: string): Target | undefined {
    const row = this.db.prepare('SELECT * FROM targets WHERE name = ? COLLATE NOCASE').get(name) as
      Row | undefined
    return row ? this.hydrate([row])[0] : undefined
  }

  nameTaken(name: string, exceptId?: string): boolean {
    const row = this.db
      .prepare('SELECT id FROM targets WHERE name = ? COLLATE NOCASE AND id IS NOT ?')
      .get(name, exceptId ?? null)
    return row !== undefined
  }

  insert(id: string, fields: TargetFields, at: string): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO targets (id, name, kind, host, description, settings, created_at, updated_at)
           VALUES (@id, @name, @kind, @host, @description, @settings, @at, @at)`,
        )
        .run({ id, at, ...columns(fields) })
      this.writeLabels(id, fields)
    })()
  }

  update(id: string, fields: TargetFields, at: string): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE targets SET name = @name, kind = @kind, host = @host, description = @description,
             settings = @settings, updated_at = @at WHERE id = @id`,
        )
        .run({ id, at, ...columns(fields) })
      this.db.prepare('DELETE FROM target_labels WHERE target_id = ?').run(id)
      this.writeLabels(id, fields)
    })()
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM targets WHERE id = ?').run(id).changes > 0
  }

  labels(): { tags: string[]; groups: string[] } {
    const rows = this.db
      .prepare('SELECT DISTINCT type, label FROM target_labels ORDER BY label COLLATE NOCASE')
      .all() as { type: 'tag' | 'group'; label: string }[]
    return {
      tags: rows.filter((r) => r.type === 'tag').map((r) => r.label),
      groups: rows.filter((r) => r.type === 'group').map((r) => r.label),
    }
  }

  private writeLabels(id: string, fields: TargetFields): void {
    const ins = this.db.prepare(
      'INSERT OR IGNORE INTO target_labels (target_id, type, label) VALUES (?, ?, ?)',
    )
    for (const tag of fields.tags) ins.run(id, 'tag', tag)
    for (const group of fields.groups) ins.run(id, 'group', group)
  }

  private hydrate(rows: Row[]): Target[] {
    if (rows.length === 0) return []
    const labels = new Map<string, { tags: string[]; groups: string[] }>()
    const stmt = this.db.prepare(
      `SELECT target_id, type, label FROM target_labels
       WHERE target_id IN (SELECT value FROM json_each(?)) ORDER BY rowid`,
    )
    for (const l of stmt.all(JSON.stringify(rows.map((r) => r.id))) as {
      target_id: string
      type: 'tag' | 'group'
      label: string
    }[]) {
      const entry = labels.get(l.target_id) ?? { tags: [], groups: [] }
      ;(l.type === 'tag' ? entry.tags : entry.groups).push(l.label)
      labels.set(l.target_id, entry)
    }
    return rows.map((r) => {
      const t = {
        ...(JSON.parse(r.settings) as object),
        id: r.id,
        name: r.name,
        kind: r.kind,
        description: r.description,
        ...(labels.get(r.id) ?? { tags: [], groups: [] }),
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      } as Target
      if (this.address) t.address = this.address(t)
      return t
    })
  }
}

function columns(fields: TargetFields) {
  const settings = Object.fromEntries(Object.entries(fields).filter(([k]) => !COMMON.has(k)))
  return {
    name: fields.name,
    kind: fields.kind,
    host: typeof fields.host === 'string' ? fields.host : '',
    description: fields.description,
    settings: JSON.stringify(settings),
  }
}

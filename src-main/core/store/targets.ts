// The targets aggregate in the store: rows, their tags and groups, search, and name uniqueness.
import { sql as raw, type Selectable } from 'kysely'
import type { Sql } from './sql/engine'
import type { Targets } from './sql/schema'
import { containsNoCase, foldCase, lowerOf } from './sql/nocase'
import type { Target, TargetFields } from '../../../src-preload/contract'

type Row = Selectable<Targets>
type Label = { target_id: string; type: string; label: string }

export interface TargetFilter {
  query?: string
  kind?: string
  tag?: string
  group?: string
}

const COMMON = new Set(['kind', 'name', 'description', 'tags', 'groups', 'address'])
/** Target ids per statement when their labels are read (well inside both engines' parameter limits). */
const IDS_PER_READ = 500

export class TargetsRepo {
  /**
   * address: how a target reads in lists, from its kind (the registry's answer; the store knows no kinds). The
   * core always passes it; a repo opened bare (migration checks) returns the stored fields only.
   */
  constructor(
    private readonly sql: Sql,
    private readonly address?: (t: Target) => string,
  ) {}

  list(filter: TargetFilter = {}): Target[] {
    const { q } = this.sql
    let query = q.selectFrom('targets as t').selectAll('t')
    if (filter.kind) query = query.where('t.kind', '=', filter.kind)
    for (const type of ['tag', 'group'] as const) {
      const label = filter[type]
      if (!label) continue
      query = query.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('target_labels as l')
            .select('l.target_id')
            .whereRef('l.target_id', '=', 't.id')
            .where('l.type', '=', type)
            .where(({ eb, ref }) => eb(lowerOf(ref('l.label')), '=', foldCase(label))),
        ),
      )
    }
    const words = (filter.query ?? '').trim().split(/\s+/).filter(Boolean)
    for (const word of words)
      // Every word must match somewhere: name, host, description, kind, or any tag or group.
      query = query.where(({ or, exists, selectFrom, ref }) =>
        or([
          containsNoCase(ref('t.name'), word),
          containsNoCase(ref('t.host'), word),
          containsNoCase(ref('t.description'), word),
          containsNoCase(ref('t.kind'), word),
          exists(
            selectFrom('target_labels as l')
              .select('l.target_id')
              .whereRef('l.target_id', '=', 't.id')
              .where((eb) => containsNoCase(eb.ref('l.label'), word)),
          ),
        ]),
      )
    // Names are unique without regard to case, so this order has no ties.
    const rows = this.sql.all(query.orderBy(({ ref }) => lowerOf(ref('t.name'))))
    return this.hydrate(rows)
  }

  count(): number {
    const { q } = this.sql
    return this.sql.get(q.selectFrom('targets').select(({ fn }) => fn.countAll<number>().as('n')))?.n ?? 0
  }

  get(id: string): Target | undefined {
    const { q } = this.sql
    const row = this.sql.get(q.selectFrom('targets').selectAll().where('id', '=', id))
    return row ? this.hydrate([row])[0] : undefined
  }

  findByName(name: string): Target | undefined {
    const row = this.sql.get(this.byName(name).selectAll())
    return row ? this.hydrate([row])[0] : undefined
  }

  nameTaken(name: string, exceptId?: string): boolean {
    let query = this.byName(name).select('id')
    if (exceptId !== undefined) query = query.where('id', '!=', exceptId)
    return this.sql.get(query) !== undefined
  }

  insert(id: string, fields: TargetFields, at: string): void {
    const { q } = this.sql
    this.sql.transaction(() => {
      this.sql.run(q.insertInto('targets').values({ id, created_at: at, updated_at: at, ...columns(fields) }))
      this.writeLabels(id, fields)
    })
  }

  update(id: string, fields: TargetFields, at: string): void {
    const { q } = this.sql
    this.sql.transaction(() => {
      this.sql.run(
        q
          .updateTable('targets')
          .set({ updated_at: at, ...columns(fields) })
          .where('id', '=', id),
      )
      this.sql.run(q.deleteFrom('target_labels').where('target_id', '=', id))
      this.writeLabels(id, fields)
    })
  }

  remove(id: string): boolean {
    const { q } = this.sql
    return this.sql.run(q.deleteFrom('targets').where('id', '=', id)).changes > 0
  }

  /** Every tag and every group in use, each once whatever its case, in case-insensitive order. */
  labels(): { tags: string[]; groups: string[] } {
    const { q } = this.sql
    const rows = this.sql.all(
      q
        .selectFrom('target_labels')
        .select(({ ref }) => ['type', 'label', lowerOf(ref('label')).as('folded')])
        .distinct()
        .orderBy('folded')
        .orderBy('label'),
    )
    const out = { tags: [] as string[], groups: [] as string[] }
    const seen = new Set<string>()
    for (const r of rows) {
      const key = `${r.type}\n${foldCase(r.label)}`
      if (seen.has(key)) continue
      seen.add(key)
      ;(r.type === 'tag' ? out.tags : out.groups).push(r.label)
    }
    return out
  }

  private byName(name: string) {
    return this.sql.q
      .selectFrom('targets')
      .where(({ eb, ref }) => eb(lowerOf(ref('name')), '=', foldCase(name)))
  }

  private writeLabels(id: string, fields: TargetFields): void {
    const rows = [
      ...fields.tags.map((label) => ({ target_id: id, type: 'tag', label })),
      ...fields.groups.map((label) => ({ target_id: id, type: 'group', label })),
    ]
    if (rows.length === 0) return
    // A label given twice in different case is kept once (the unique key ignores case on both engines).
    this.sql.run(
      this.sql.q
        .insertInto('target_labels')
        .values(rows)
        .onConflict((oc) => oc.doNothing()),
    )
  }

  private hydrate(rows: Row[]): Target[] {
    if (rows.length === 0) return []
    const labels = new Map<string, { tags: string[]; groups: string[] }>()
    for (const l of this.labelsOf(rows.map((r) => r.id))) {
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

  /**
   * The labels of these targets in the order they were written (a person's order of tags is theirs). The
   * table has no column for that order, so it is the row's physical position: SQLite's rowid, which only
   * grows; PostgreSQL's ctid, which follows insertion within one statement's rows (a target's labels are
   * written by one INSERT).
   */
  private labelsOf(ids: string[]): Label[] {
    const position = raw.raw(this.sql.dialect === 'sqlite' ? 'rowid' : 'ctid')
    const out: Label[] = []
    for (let i = 0; i < ids.length; i += IDS_PER_READ)
      out.push(
        ...this.sql.all(
          this.sql.q
            .selectFrom('target_labels')
            .select(['target_id', 'type', 'label'])
            .where('target_id', 'in', ids.slice(i, i + IDS_PER_READ))
            .orderBy(position),
        ),
      )
    return out
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

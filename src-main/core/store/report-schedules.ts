// Scheduled report exports, kept as one JSON value in the settings table (no table of their own: a handful of
// rows, read whole by the watch): what to export when, where to, and how the last run went.
import type { Sql } from './sql/engine'

export interface ReportScheduleRow {
  id: string
  name: string
  cadence: 'weekly' | 'monthly'
  day: number
  time: string
  /** An IANA zone; '' (and rows saved before zones) is the computer's own. */
  timeZone?: string
  formats: ('pdf' | 'bundle')[]
  targetIds: string[]
  groups: string[]
  paused: boolean
  /** Set from the command line or driftwatch.yml; '' means the data folder's exports/. */
  folder: string
  nextRunAt: string
  lastRunAt: string | null
  lastFiles: string[]
  lastError: string
}

const KEY = 'reports.schedules'

export class ReportSchedulesRepo {
  constructor(private readonly sql: Sql) {}

  list(): ReportScheduleRow[] {
    const { q } = this.sql
    const r = this.sql.get(q.selectFrom('settings').select('value').where('key', '=', KEY))
    return r ? (JSON.parse(r.value) as ReportScheduleRow[]) : []
  }
  get(id: string): ReportScheduleRow | undefined {
    return this.list().find((s) => s.id === id)
  }
  /** Adds or replaces one (by id), in one transaction with the read so two writers never drop a row. */
  save(row: ReportScheduleRow, at: string): ReportScheduleRow {
    this.sql.transaction(() => {
      this.sql.lock(KEY)
      const rows = this.list()
      const i = rows.findIndex((s) => s.id === row.id)
      if (i < 0) rows.push(row)
      else rows[i] = row
      this.write(rows, at)
    })
    return row
  }
  remove(id: string, at: string): boolean {
    return this.sql.transaction(() => {
      this.sql.lock(KEY)
      const rows = this.list()
      const kept = rows.filter((s) => s.id !== id)
      if (kept.length === rows.length) return false
      this.write(kept, at)
      return true
    })
  }
  private write(rows: ReportScheduleRow[], at: string): void {
    const { q } = this.sql
    this.sql.run(
      q
        .insertInto('settings')
        .values({ key: KEY, value: JSON.stringify(rows), updated_at: at })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet((eb) => ({
            value: eb.ref('excluded.value'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        ),
    )
  }
}

// Scheduled report exports, kept as one JSON value in the settings table (no table of their own: a handful of
// rows, read whole by the watch): what to export when, where to, and how the last run went.
import type { Db } from './db'

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
  constructor(private readonly db: Db) {}

  list(): ReportScheduleRow[] {
    const r = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(KEY) as
      { value: string } | undefined
    return r ? (JSON.parse(r.value) as ReportScheduleRow[]) : []
  }
  get(id: string): ReportScheduleRow | undefined {
    return this.list().find((s) => s.id === id)
  }
  /** Adds or replaces one (by id), in one transaction with the read so two writers never drop a row. */
  save(row: ReportScheduleRow, at: string): ReportScheduleRow {
    this.db
      .transaction(() => {
        const rows = this.list()
        const i = rows.findIndex((s) => s.id === row.id)
        if (i < 0) rows.push(row)
        else rows[i] = row
        this.write(rows, at)
      })
      .immediate()
    return row
  }
  remove(id: string, at: string): boolean {
    return this.db
      .transaction(() => {
        const rows = this.list()
        const kept = rows.filter((s) => s.id !== id)
        if (kept.length === rows.length) return false
        this.write(kept, at)
        return true
      })
      .immediate()
  }
  private write(rows: ReportScheduleRow[], at: string): void {
    this.db
      .prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(KEY, JSON.stringify(rows), at)
  }
}

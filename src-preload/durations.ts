// Durations as a person reads them, the same in the app, the CLI and the PDF report (the KPIs).

/** "2 d 3 h", "14 min", "40 s": a duration in seconds as a person reads it. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—'
  if (seconds < 60) return `${Math.round(seconds)} s`
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`
  if (seconds < 86_400) {
    const h = Math.floor(seconds / 3600)
    const m = Math.round((seconds % 3600) / 60)
    return m ? `${h} h ${m} min` : `${h} h`
  }
  const d = Math.floor(seconds / 86_400)
  const h = Math.round((seconds % 86_400) / 3600)
  return h ? `${d} d ${h} h` : `${d} d`
}

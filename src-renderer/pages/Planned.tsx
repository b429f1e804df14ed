// Sections whose features are not in this build yet say so plainly instead of showing invented data.
import { EmptyState } from '../components/EmptyState'

const TEXT = {
  watch: {
    title: 'Watch',
    body: 'Scheduled re-scans are not available in this build yet. When they are, this page lists each schedule, its next run and the scans in progress.',
  },
  drift: {
    title: 'Drift',
    body: 'No drift recorded. Drift appears here once a target has been scanned more than once and a rule changed from pass to fail, or back.',
  },
} as const

export function PlannedPage({ page }: { page: keyof typeof TEXT }) {
  const t = TEXT[page]
  return (
    <>
      <header className="page-head">
        <h1>{t.title}</h1>
      </header>
      <EmptyState title={`Nothing in ${t.title} yet`} body={t.body} />
    </>
  )
}

// A scan's results under the judgement in force: the results table with excepted and attested rows marked,
// failures ticked for a bulk exception, both scores labelled, and the judgement panel in a rule's detail.
import { useEffect, useMemo, useState, type ReactNode } from 'react'
import type { ResultJudgement, ResultView, ScanView, Target } from '../../src-preload/contract'
import { useStore } from '../stores'
import { judgementSelectors } from '../stores/judgement-slice'
import { ResultsTable } from './ResultsTable'
import { ExceptionForm, JudgementPanel } from './JudgementPanel'
import { countsLine } from '../lib/judgement'

export function JudgedResults({
  target,
  scan,
  results,
  open,
  onSelect,
  detail,
}: {
  target: Target
  scan: ScanView
  results: ResultView[]
  open: ResultView | null
  onSelect(r: ResultView): void
  /** The rule detail panel, with the judgement panel to put inside it. */
  detail(r: ResultView, judgement: ReactNode): ReactNode
}) {
  const loaded = useStore(judgementSelectors.judgement(scan.id))
  const load = useStore((s) => s.loadJudgement)
  useEffect(() => void load(scan.id), [load, scan.id])
  const judgements = useMemo(
    () => new Map<string, ResultJudgement>((loaded?.data?.results ?? []).map((r) => [r.ruleId, r.judgement])),
    [loaded],
  )
  const [checked, setChecked] = useState<Set<string>>(new Set())
  const [bulk, setBulk] = useState(false)
  const failing = [...checked].filter((id) => results.find((r) => r.ruleId === id)?.status === 'fail')
  const s = loaded?.data?.summary
  return (
    <>
      {s && (
        <p className="judgement-summary" aria-label="Counts and scores">
          {countsLine(s.countsAfter)} — {s.scoreRawLabel}: <strong>{s.scoreRaw ?? 'n/a'}%</strong> ·{' '}
          {s.scoreAfterLabel}: <strong>{s.scoreAfter ?? 'n/a'}%</strong>
        </p>
      )}
      {loaded?.state === 'error' && (
        <p className="banner error" role="alert">
          Could not read the exceptions and attestations: {loaded.error}
        </p>
      )}
      {checked.size > 0 && (
        <div className="bulk-bar" role="region" aria-label="Selected rules">
          <span>
            {checked.size} selected ({failing.length} failing)
          </span>
          <button type="button" disabled={failing.length === 0} onClick={() => setBulk(true)}>
            Except {failing.length} failing…
          </button>
          <button type="button" className="link" onClick={() => setChecked(new Set())}>
            Clear
          </button>
        </div>
      )}
      {bulk && (
        <ExceptionForm
          target={target}
          rules={failing}
          scanId={scan.id}
          onDone={() => {
            setBulk(false)
            setChecked(new Set())
          }}
        />
      )}
      <div className="results-layout">
        <ResultsTable
          results={results}
          selected={open?.ruleId}
          onSelect={onSelect}
          judgements={judgements}
          checked={checked}
          onCheck={(id, on) =>
            setChecked((prev) => {
              const next = new Set(prev)
              if (on) next.add(id)
              else next.delete(id)
              return next
            })
          }
        />
        {open &&
          detail(
            open,
            <JudgementPanel
              target={target}
              result={open}
              scanId={scan.id}
              judgement={judgements.get(open.ruleId)}
            />,
          )}
      </div>
    </>
  )
}

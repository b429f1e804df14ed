// A target's page: scan it now (with live progress and cancel), its latest score and counts as a chart,
// the results table, a rule's detail, and the scan history.
import { lazy, Suspense, useCallback, useEffect, useState, type ReactNode } from 'react'
import type { KindView, Res, ResultView, ScanView } from '../../src-preload/contract'
import { EvidenceList } from '../components/EvidenceList'
import { api } from '../api/client'
import { useStore } from '../stores'
import { scanSelectors } from '../stores/scans-slice'
import { contentSelectors } from '../stores/content-slice'
import { targetSelectors } from '../stores/targets-slice'
import { ruleSelectors } from '../stores/rules-slice'
import { errorText } from '../stores/loadable'
import { KindBadge } from '../components/KindBadge'
import { ScoreBadge } from '../components/ScoreBadge'
import { JudgedResults } from '../components/JudgedResults'
import { EmptyState } from '../components/EmptyState'
import { HostKeyDialog, type HostKeyProbe } from '../components/HostKeyDialog'
import { ConnectionReport } from '../components/ConnectionReport'
import { needsRebind, RebindCredential } from '../components/RebindCredential'
import { SqlScanPanel } from './SqlScanPanel'
import { GithubScanInfo, PackScanPanel } from '../components/PackScanPanel'
import { LiveScanProgress } from '../components/LiveScanProgress'
import { ScanAccountWarning } from '../components/ScanAccountWarning'
import { ContentProfileSelects, useContentProfile } from '../components/ContentProfilePicker'
import { ScanHistory } from '../components/ScanHistory'
import { TailoringOptions, useAssignedPolicy } from '../components/AssignedPolicy'
import {
  contentText,
  detectedOs,
  OsContentWarning,
  PlatformMismatch,
  ScanBase,
} from '../components/ScanTruth'
import { platformMatch } from '../lib/platform'
import { when } from '../../src-preload/dates'
import { PastScanBanner, ScanFiles } from '../components/ScanFiles'
import { LoadFailed } from '../components/LoadFailed'

// The chart library loads after the page's text: the score and the results table never wait for it.
const StatusCountsChart = lazy(() =>
  import('../components/StatusCountsChart').then((m) => ({ default: m.StatusCountsChart })),
)

export function TargetDetailPage({ id, scanId }: { id: string; scanId?: string }) {
  const target = useStore(targetSelectors.byId(id))
  const kind = useStore(targetSelectors.kind(target?.kind))
  const policy = kind?.policy
  const live = useStore(scanSelectors.live(id))
  // The results shown are the latest scan's, even one whose rules did not apply; the score that stands is kept.
  const scoreScan = useStore((s) => s.latest[id])
  const attempt = useStore(scanSelectors.attempt(id))
  const latest = attempt?.state === 'done' ? attempt : scoreScan
  const loadedHistory = useStore(scanSelectors.history(id))
  // A past scan opened from the history, else the latest.
  const shownId = scanId ?? latest?.id
  const loadedResults = useStore(scanSelectors.results(shownId))
  const loadHistory = useStore((s) => s.loadHistory)
  const loadResults = useStore((s) => s.loadResults)
  const history = loadedHistory?.data ?? []
  const shown = loadedResults?.data ?? null
  const [selected, setSelected] = useState<ResultView | null>(null)
  const [report, setReport] = useState<Res<'targets.testConnection'> | null>(null)
  const [testing, setTesting] = useState(false)
  const [rebind, setRebind] = useState('')
  const [rebound, setRebound] = useState(false)
  const toast = useStore((s) => s.toast)
  const test = async () => {
    setTesting(true)
    try {
      setReport(await api.invoke('targets.testConnection', { id }))
    } catch (err) {
      const message = (err as Error).message
      if (needsRebind(message)) setRebind(message)
      else toast('error', message)
    } finally {
      setTesting(false)
    }
  }

  useEffect(() => {
    void loadHistory(id)
  }, [id, latest?.id, live?.scanId, loadHistory])
  useEffect(() => {
    if (shownId) void loadResults(shownId)
  }, [shownId, latest, loadResults])

  if (!target)
    return (
      <EmptyState
        title="Target not found"
        body="It may have been deleted."
        action={{ label: 'Back to targets', href: '#/targets' }}
      />
    )
  const counts = shown ? Object.entries(shown.scan.counts).map(([status, n]) => ({ status, n })) : []
  // A newer scan replaces the results: the open rule shows its new result, or closes if the rule is gone.
  const open = selected ? (shown?.results.find((r) => r.ruleId === selected.ruleId) ?? null) : null
  const last = history[0]

  return (
    <>
      <header className="page-head">
        <div>
          <h1>
            {target.name} <KindBadge kind={target.kind} />
          </h1>
          <p className="muted small mono">{target.address}</p>
        </div>
        <div className="head-actions">
          {policy?.testConnection && (
            <button type="button" className="button" disabled={testing} onClick={() => void test()}>
              {testing ? 'Testing…' : 'Test connection'}
            </button>
          )}
          <a className="button" href={`#/targets/${encodeURIComponent(id)}/edit`}>
            Edit
          </a>
        </div>
      </header>
      {report && <ConnectionReport report={report} />}
      {(rebind || (!rebound && last && last.state === 'failed' && needsRebind(last.error))) && (
        <RebindCredential
          targetId={id}
          message={rebind || last!.error}
          onDone={() => {
            setRebind('')
            setRebound(true)
            toast('info', 'Confirmed: the credential may be used at this address')
          }}
        />
      )}
      {/* The panel follows the kind's policy: content and profile, a rule pack to pick, or nothing to choose. */}
      {!kind ? null : kind.policy.content ? (
        <ScanPanel targetId={id} kind={kind} os={detectedOs(report)} history={history} />
      ) : kind.policy.rulePack === 'choose' ? (
        <SqlScanPanel targetId={id} kind={kind.kind} />
      ) : (
        <PackScanPanel targetId={id} pack={kind.policy.defaultPack} unit={kind.progressUnit} />
      )}
      {last && last.state !== 'done' && last.state !== 'running' && (
        <p className="banner error" role="alert">
          Last scan {last.state}: {last.error}
        </p>
      )}
      {[loadedHistory, loadedResults].map(
        (l, i) =>
          l?.state === 'error' && (
            <p key={i} className="banner error" role="alert">
              Could not read {i === 0 ? 'the scan history' : 'the latest results'}: {l.error}
            </p>
          ),
      )}
      {!shown ? (
        !live &&
        loadedResults?.state !== 'error' && (
          <EmptyState
            title={last ? 'No results yet' : 'Not scanned yet'}
            body={
              policy?.content
                ? 'Choose content and a profile above and start a scan.'
                : policy?.rulePack === 'choose'
                  ? 'Choose a rule pack above and start a scan.'
                  : 'Start a scan above: the built-in checks need nothing else.'
            }
          />
        )
      ) : (
        <>
          {scanId && <PastScanBanner scan={shown.scan} targetId={id} />}
          <ScanAccountWarning info={shown.scan.info} />
          <PlatformMismatch scan={shown.scan} kept={scoreScan} />
          <section className="summary" aria-label="Latest scan">
            <div className="score-box">
              <ScoreBadge score={shown.scan.score} size="large" />
              <ScanBase scan={shown.scan} />
              <span className="muted small">score on {when(shown.scan.startedAt)}</span>
              <RemediationButtons scan={shown.scan} />
              <ScanFiles scan={shown.scan} />
              <GithubScanInfo info={shown.scan.info} />
            </div>
            <div className="chart" aria-label="Results by status">
              <Suspense fallback={<div style={{ height: 140 }} />}>
                <StatusCountsChart counts={counts} />
              </Suspense>
            </div>
          </section>
          <JudgedResults
            target={target}
            scan={shown.scan}
            results={shown.results}
            open={open}
            onSelect={setSelected}
            detail={(r, judgement) => (
              <RuleDetailPanel
                sha256={shown.scan.contentSha256}
                packId={shown.scan.contentSha256 ? '' : shown.scan.profileId}
                result={r}
                onClose={() => setSelected(null)}
              >
                {judgement}
              </RuleDetailPanel>
            )}
          />
        </>
      )}
      <ScanHistory targetId={id} history={history} shownId={shown?.scan.id} />
    </>
  )
}

function ScanPanel(props: { targetId: string; kind: KindView; os: string; history: ScanView[] }) {
  const { targetId, kind } = props
  const live = useStore(scanSelectors.live(targetId))
  const toast = useStore((s) => s.toast)
  const all = useStore(contentSelectors.content)
  // The content last used on this target, else the one fitting the OS Test connection found.
  const lastUsed = props.history.find((s) => s.contentSha256)?.contentSha256
  const fitting = all.find((c) => props.os && platformMatch(contentText(c), props.os) === 'match')
  const choice = useContentProfile(lastUsed ?? fitting?.sha256)
  const { content, sha256: current, profileId } = choice
  const [tailoringId, setTailoringId] = useState('')
  const [probe, setProbe] = useState<HostKeyProbe | null>(null)
  // The target's assigned tailoring is its policy: the form starts on it (and its content and profile).
  const assigned = useAssignedPolicy(targetId, ({ tailoring: t }) => {
    if (!t) return
    choice.setSha256(t.contentSha256)
    choice.setProfileId(t.profileId)
    setTailoringId(t.id)
  })?.tailoring

  if (content.length === 0)
    return (
      <p className="banner">
        Import benchmark content on the <a href="#/variables">Variables</a> page to scan this target.
      </p>
    )
  const start = async (trustHostKey?: string) => {
    try {
      // An SSH host is asked for its key first: a new one is shown for trust, a changed one refuses the scan.
      if (kind.policy.hostKey && !trustHostKey) {
        const p = await api.invoke('targets.hostKey', { id: targetId })
        if (p.state !== 'trusted') return setProbe(p)
      }
      await api.invoke('scan.start', {
        targetId,
        sha256: current,
        profileId,
        tailoringId: tailoringId || undefined,
        trustHostKey,
      })
    } catch (err) {
      toast('error', (err as Error).message)
    }
  }
  const forget = async () => {
    if (!probe) return
    try {
      await api.invoke('knownHosts.forget', { host: probe.host, port: probe.port })
      setProbe(await api.invoke('targets.hostKey', { id: targetId }))
    } catch (err) {
      setProbe(null)
      toast('error', (err as Error).message)
    }
  }
  return (
    <section className="scan-panel" aria-label="Scan">
      <ContentProfileSelects choice={choice} />
      <OsContentWarning os={props.os} content={content.find((c) => c.sha256 === current)} />
      {kind.policy.tailoring && (
        <select aria-label="Tailoring" value={tailoringId} onChange={(e) => setTailoringId(e.target.value)}>
          <TailoringOptions choice={choice} assignedId={assigned?.id} />
        </select>
      )}
      {live ? (
        <LiveScanProgress live={live} />
      ) : (
        <button type="button" className="button primary" disabled={!profileId} onClick={() => void start()}>
          Scan now
        </button>
      )}
      <HostKeyDialog
        probe={probe}
        onCancel={() => setProbe(null)}
        onForget={() => void forget()}
        onTrust={(fp) => {
          setProbe(null)
          void start(fp)
        }}
      />
    </section>
  )
}

function FixView({ fixes }: { fixes: Res<'content.rule'>['fixes'] }) {
  const [system, setSystem] = useState(fixes[0]!.system)
  const fix = fixes.find((f) => f.system === system) ?? fixes[0]!
  return (
    <section aria-label="Fix">
      <h3>
        Fix{' '}
        {fixes.map((f) => (
          <button
            key={f.system}
            type="button"
            className={`chip-button ${f.system === fix.system ? 'on' : ''}`}
            aria-pressed={f.system === fix.system}
            onClick={() => setSystem(f.system)}
          >
            {f.system === 'bash' ? 'Shell' : 'Ansible'}
          </button>
        ))}
      </h3>
      <pre className="evidence fix-code">{fix.text}</pre>
      <p className="muted small">Values in [brackets] take the profile&apos;s or tailoring&apos;s setting.</p>
    </section>
  )
}

function RemediationButtons({ scan }: { scan: ScanView }) {
  const toast = useStore((s) => s.toast)
  const [busy, setBusy] = useState('')
  // The reason stays on the page (a toast fades): remediation can fail for reasons a person must act on.
  const [failure, setFailure] = useState('')
  if (!scan.contentSha256 || !(scan.counts.fail ?? 0)) return null
  const get = async (type: 'bash' | 'ansible') => {
    setBusy(type)
    setFailure('')
    try {
      const r = await api.invoke('scan.remediation', { scanId: scan.id, type })
      const saved = await api.saveText(r.fileName, 'text/plain', r.script)
      if (saved.saved) toast('info', `${saved.fileName}: fixes for ${r.failedRules} failed rules`)
    } catch (err) {
      setFailure(errorText(err))
      toast('error', errorText(err))
    } finally {
      setBusy('')
    }
  }
  return (
    <div className="remediation" aria-label="Remediation">
      <span className="muted small">Remediation for {scan.counts.fail} failed rules</span>
      <button type="button" className="button" disabled={!!busy} onClick={() => void get('bash')}>
        {busy === 'bash' ? 'Generating…' : 'Shell script'}
      </button>
      <button type="button" className="button" disabled={!!busy} onClick={() => void get('ansible')}>
        {busy === 'ansible' ? 'Generating…' : 'Ansible playbook'}
      </button>
      {failure && (
        <p className="banner error" role="alert">
          Remediation not generated: {failure}
        </p>
      )}
    </div>
  )
}

function RuleDetailPanel({
  sha256,
  packId,
  result,
  onClose,
  children,
}: {
  sha256: string
  /** The rule pack of a database scan (which has no SCAP content). */
  packId: string
  result: ResultView
  onClose(): void
  /** The judgement panel (exception or attestation) for this result. */
  children?: ReactNode
}) {
  const scapRule = useStore(contentSelectors.ruleText(sha256, result.ruleId))
  const packRule = useStore(ruleSelectors.packRule(packId, result.ruleId))
  const loadRuleText = useStore((s) => s.loadRuleText)
  const loadPackRule = useStore((s) => s.loadPackRule)
  // A scan of SCAP content reads the rule from the content; a database scan from its rule pack.
  const load = useCallback(() => {
    if (sha256) void loadRuleText(sha256, result.ruleId)
    else if (packId) void loadPackRule(packId, result.ruleId)
  }, [sha256, packId, result.ruleId, loadRuleText, loadPackRule])
  useEffect(load, [load])
  const loaded = sha256 ? scapRule : packId ? packRule : undefined
  const detail: (Res<'content.rule'> & Partial<Pick<Res<'rules.rule'>, 'remediation' | 'query'>>) | null =
    sha256
      ? (scapRule?.data ?? null)
      : packRule?.data
        ? {
            ...packRule.data,
            fixes: [],
            severity: packRule.data.severity as Res<'content.rule'>['severity'],
          }
        : null
  return (
    <aside className="rule-panel" aria-label="Rule detail">
      <button type="button" className="link close" onClick={onClose} aria-label="Close rule detail">
        ×
      </button>
      <h2>{result.title}</h2>
      <p>
        <span className={`status status-${result.status}`}>{result.status}</span>{' '}
        <span className={`sev sev-${result.severity}`}>{result.severity}</span>
      </p>
      <p className="muted small mono">{result.ruleId}</p>
      {(result.actual || result.expected) && (
        <p className="small">
          Found <strong>{result.actual || '–'}</strong>; expected {result.expected || '–'}
        </p>
      )}
      {loaded?.state === 'error' ? (
        <LoadFailed what="Could not read this rule's description" error={loaded.error} onRetry={load} />
      ) : (
        !detail &&
        loaded?.state === 'loading' && <p className="muted small">Reading the rule&apos;s description…</p>
      )}
      {detail && <p className="rule-text">{detail.description}</p>}
      {detail?.rationale && (
        <p className="rule-text">
          <strong>Rationale. </strong>
          {detail.rationale}
        </p>
      )}
      {(result.actual || result.expected) && (
        <p className="small">
          Found <code>{result.actual || '—'}</code>, expected <code>{result.expected || '—'}</code>
        </p>
      )}
      {result.evidence.length > 0 && (
        <>
          <h3>Evidence</h3>
          <EvidenceList checks={result.evidence} />
        </>
      )}
      {result.message && (
        <>
          {result.evidence.length === 0 && <h3>Evidence</h3>}
          <pre className="evidence">{result.message}</pre>
        </>
      )}
      {detail?.remediation && (
        <p className="rule-text">
          <strong>Remediation. </strong>
          {detail.remediation}
        </p>
      )}
      {detail?.query && <pre className="evidence">{detail.query}</pre>}
      {result.status === 'fail' && detail?.fixes && detail.fixes.length > 0 && (
        <FixView fixes={detail.fixes} />
      )}
      {!detail && result.idents.length > 0 && (
        <p className="small">
          {result.idents.map((r) => (
            <span className="chip" key={`${r.system}${r.id}`}>
              {r.system} {r.id}
            </span>
          ))}
        </p>
      )}
      {detail && (
        <p className="small">
          {detail.references.map((r) => (
            <span className="chip" key={`${r.system}${r.id}`}>
              {r.system} {r.id}
            </span>
          ))}
        </p>
      )}
      {children}
    </aside>
  )
}

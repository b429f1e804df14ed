// The judgement on one result, in its detail panel: an excepted failure says who accepted it, why and until
// when (edit, revoke); a failure can be excepted; a rule no scan could check can be attested. The same form
// excepts several rules at once from the results table's selection.
import { useState, type FormEvent } from 'react'
import type { ResultJudgement, ResultView, Target } from '../../src-preload/contract'
import { useStore } from '../stores'
import { errorText, fieldIssues } from '../stores/loadable'

const in90Days = () => new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10)

export function ExceptionForm({
  target,
  rules,
  scanId,
  existing,
  onDone,
}: {
  target: Target
  /** One rule (from its detail) or several (the table's selection). */
  rules: string[]
  scanId: string
  existing?: Extract<ResultJudgement, { kind: 'excepted' }>
  onDone(): void
}) {
  const saveOne = useStore((s) => s.saveException)
  const saveMany = useStore((s) => s.saveExceptions)
  const [scope, setScope] = useState<'target' | 'group' | 'all'>('target')
  const [group, setGroup] = useState(target.groups[0] ?? '')
  const [justification, setJustification] = useState(existing?.justification ?? '')
  const [approvedBy, setApprovedBy] = useState(existing?.approvedBy ?? '')
  const [expiresAt, setExpiresAt] = useState(existing?.expiresAt.slice(0, 10) ?? in90Days())
  const [long, setLong] = useState(false)
  const [issues, setIssues] = useState<Record<string, string>>({})
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setIssues({})
    setError('')
    const common = {
      scope,
      ...(scope === 'target' && { targetId: target.id }),
      ...(scope === 'group' && { group }),
      justification,
      approvedBy,
      expiresAt,
      allowLongExpiry: long,
    }
    try {
      if (rules.length === 1 || existing)
        await saveOne(
          { ...common, rulePattern: rules[0]!, ...(existing && { id: existing.exceptionId }) },
          scanId,
        )
      else await saveMany({ rules, exception: common }, scanId)
      onDone()
    } catch (err) {
      setIssues(fieldIssues(err))
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  const issue = (k: string) => issues[k] && <span className="field-error">{issues[k]}</span>
  return (
    <form className="judgement-form" aria-label="Exception" onSubmit={(e) => void submit(e)}>
      <h3>
        {existing
          ? 'Edit exception'
          : rules.length > 1
            ? `Except ${rules.length} failing rules`
            : 'Except this failure'}
      </h3>
      <label>
        Justification
        <textarea value={justification} onChange={(e) => setJustification(e.target.value)} rows={3} />
        {issue('justification')}
      </label>
      <label>
        Approved by
        <input value={approvedBy} onChange={(e) => setApprovedBy(e.target.value)} />
        {issue('approvedBy')}
      </label>
      <label>
        Expires on
        <input type="date" value={expiresAt} onChange={(e) => setExpiresAt(e.target.value)} />
        {issue('expiresAt')}
      </label>
      <label className="check">
        <input type="checkbox" checked={long} onChange={(e) => setLong(e.target.checked)} /> Allow more than a
        year
      </label>
      {!existing && (
        <label>
          Applies to
          <select value={scope} onChange={(e) => setScope(e.target.value as 'target')}>
            <option value="target">{target.name} only</option>
            {target.groups.length > 0 && <option value="group">A group</option>}
            <option value="all">Every target</option>
          </select>
        </label>
      )}
      {scope === 'group' && (
        <label>
          Group
          <select value={group} onChange={(e) => setGroup(e.target.value)}>
            {target.groups.map((g) => (
              <option key={g}>{g}</option>
            ))}
          </select>
        </label>
      )}
      {error && (
        <p className="banner error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {existing ? 'Save exception' : 'Add exception'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  )
}

function AttestationForm({
  target,
  result,
  scanId,
  onDone,
}: {
  target: Target
  result: ResultView
  scanId: string
  onDone(): void
}) {
  const save = useStore((s) => s.saveAttestation)
  const [status, setStatus] = useState<'passed' | 'failed'>('passed')
  const [explanation, setExplanation] = useState('')
  const [attestedBy, setAttestedBy] = useState('')
  const [frequency, setFrequency] = useState('quarterly')
  const [error, setError] = useState('')
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setError('')
    try {
      await save(
        { ruleId: result.ruleId, targetId: target.id, status, explanation, attestedBy, frequency },
        scanId,
      )
      onDone()
    } catch (err) {
      setError(errorText(err))
    }
  }
  return (
    <form className="judgement-form" aria-label="Attestation" onSubmit={(e) => void submit(e)}>
      <h3>Attest this check</h3>
      <label>
        Result
        <select value={status} onChange={(e) => setStatus(e.target.value as 'passed')}>
          <option value="passed">Passed</option>
          <option value="failed">Failed</option>
        </select>
      </label>
      <label>
        How it was verified
        <textarea value={explanation} onChange={(e) => setExplanation(e.target.value)} rows={3} />
      </label>
      <label>
        Attested by
        <input value={attestedBy} onChange={(e) => setAttestedBy(e.target.value)} />
      </label>
      <label>
        Renew
        <select value={frequency} onChange={(e) => setFrequency(e.target.value)}>
          {['monthly', 'quarterly', 'semiannually', 'annually'].map((f) => (
            <option key={f}>{f}</option>
          ))}
        </select>
      </label>
      {error && (
        <p className="banner error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary">
          Save attestation
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  )
}

export function JudgementPanel({
  target,
  result,
  scanId,
  judgement,
}: {
  target: Target
  result: ResultView
  scanId: string
  judgement: ResultJudgement | undefined
}) {
  const revoke = useStore((s) => s.revokeException)
  const toast = useStore((s) => s.toast)
  const [editing, setEditing] = useState(false)
  if (editing && (result.status === 'fail' || judgement?.kind === 'excepted'))
    return (
      <ExceptionForm
        target={target}
        rules={[result.ruleId]}
        scanId={scanId}
        existing={judgement?.kind === 'excepted' ? judgement : undefined}
        onDone={() => setEditing(false)}
      />
    )
  if (editing)
    return (
      <AttestationForm target={target} result={result} scanId={scanId} onDone={() => setEditing(false)} />
    )
  return (
    <section className="judgement" aria-label="Judgement">
      {judgement?.kind === 'excepted' && (
        <div className="excepted-note">
          <strong>Excepted</strong> until {judgement.expiresAt.slice(0, 10)}, approved by{' '}
          {judgement.approvedBy}: {judgement.justification}. The scan&apos;s result stays <em>fail</em>.
          <div className="actions">
            <button type="button" onClick={() => setEditing(true)}>
              Edit exception
            </button>
            <button
              type="button"
              onClick={() => revoke(judgement.exceptionId, scanId).catch((e) => toast('error', errorText(e)))}
            >
              Revoke exception
            </button>
          </div>
        </div>
      )}
      {judgement?.kind === 'attested' && (
        <p className="excepted-note">
          <strong>Attested {judgement.status}</strong> by {judgement.attestedBy} on{' '}
          {judgement.attestedAt.slice(0, 10)} ({judgement.frequency}, renew by{' '}
          {judgement.expiresAt.slice(0, 10)}): {judgement.explanation}
        </p>
      )}
      {judgement?.kind === 'attestation-lapsed' && <p className="banner warning">{judgement.warning}</p>}
      {!judgement && result.status === 'fail' && (
        <button type="button" onClick={() => setEditing(true)}>
          Except this failure…
        </button>
      )}
      {result.status === 'notchecked' && judgement?.kind !== 'attested' && (
        <button type="button" onClick={() => setEditing(true)}>
          Attest this check…
        </button>
      )}
    </section>
  )
}

// The SQL scanner for PostgreSQL and MySQL/MariaDB targets: a rule pack's queries run one by one in a
// read-only, time-bounded session; each result records what was found and what the rule wanted, and the raw
// rows of every query are kept as a JSON evidence artefact.
import { createHash } from 'node:crypto'
import type { Target } from '../../../../src-preload/contract'
import { AppError } from '../../errors'
import type { Vault } from '../../vault/vault'
import { PackFormatError, type Rule } from '../../rules/format'
import { DEFAULT_PACK, type RulePacks, type ResolvedPack } from '../../rules/registry'
import { loadSqlGuard, queryProblem } from '../../rules/sql-guard'
import type { RuleResult, ScanContext, ScanOutcome, ScanPlan, ScanRequest, Scanner } from '../scanner'
import { ConnectError, type SqlSecret, type SqlTarget, type SqlTimeouts } from './connect'
import { evaluate, normaliseRows, type Row } from './assertions'
import { openPostgresReadOnly } from './postgres'
import { openMysqlReadOnly } from './mysql'
import { privilegeWarning } from './privileges'
import { serverTlsOn, TLS_OFF_REASON } from './server-tls'
import { compareVersions, QueryError, type ReadOnlySession, type SessionOptions } from './read-only'

export const DEFAULT_TIMEOUT_MS = 5_000
/** Rows kept per rule in the evidence: enough to audit, bounded for a catalogue with thousands of roles. */
const EVIDENCE_ROWS = 500

export interface SqlScannerDeps {
  vault: Vault
  packs: RulePacks
  timeoutMs?: number
  /** The client's own connect and answer limits (tests shorten them; see SessionOptions.network). */
  network?: SqlTimeouts
}

/** What a privilege failure asks for when a rule does not name it itself. */
const DEFAULT_GRANT = {
  postgres: 'superuser, or membership in pg_read_all_settings and pg_read_all_stats',
  mysql: 'SELECT on the mysql schema and the PROCESS privilege',
} as const

export function openReadOnly(
  t: SqlTarget,
  secret: SqlSecret,
  opts: SessionOptions,
): Promise<ReadOnlySession> {
  return t.kind === 'postgres' ? openPostgresReadOnly(t, secret, opts) : openMysqlReadOnly(t, secret, opts)
}

/** The target's database secret from the vault; a locked vault or a deleted credential is said plainly. */
export async function sqlSecretFor(target: SqlTarget, vault: Vault): Promise<SqlSecret> {
  const ref = target.credentialId
  if (!ref) return {}
  const cred = vault.list().find((c) => c.id === ref)
  if (!cred) throw new AppError('not_found', 'The credential this target uses was deleted; pick another')
  if (vault.state() !== 'unlocked')
    throw new AppError('unavailable', `The vault is locked: unlock it to use ${cred.name}`)
  return vault.withSecret(cred.id, target, (s) => ({
    password: s.password?.toString('utf8'),
    cert: s.cert?.toString('utf8'),
    key: s.key?.toString('utf8'),
    passphrase: s.passphrase?.toString('utf8'),
  }))
}

export function sqlScanner(deps: SqlScannerDeps): Scanner {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const resolve = (id: string): ResolvedPack => {
    try {
      return deps.packs.resolve(id)
    } catch (err) {
      if (err instanceof PackFormatError)
        throw new AppError('not_found', err.message, [{ path: 'profileId', message: err.message }])
      throw err
    }
  }
  return {
    kinds: ['postgres', 'mysql'],

    plan(target: Target, req: ScanRequest): ScanPlan {
      if (target.kind !== 'postgres' && target.kind !== 'mysql')
        throw new AppError('unavailable', `The SQL scanner does not scan ${target.kind} targets`)
      const profileId = req.profileId ?? DEFAULT_PACK[target.kind]
      const pack = resolve(profileId)
      if (pack.kind !== target.kind)
        throw new AppError(
          'validation',
          `The rule pack ${pack.id} is for ${pack.kind} targets, not ${target.kind}`,
          [{ path: 'profileId', message: `A ${pack.kind} pack` }],
        )
      // The pack's rules and variables as resolved now: another import of the pack is another policy.
      const policyDigest = createHash('sha256')
        .update(JSON.stringify({ rules: pack.rules, values: pack.values }))
        .digest('hex')
      return { profileId, tailoringId: null, policyDigest }
    },

    async scan(stored: Target, plan: ScanPlan, ctx: ScanContext): Promise<ScanOutcome> {
      if (stored.kind !== 'postgres' && stored.kind !== 'mysql')
        throw new AppError('unavailable', `The SQL scanner does not scan ${stored.kind} targets`)
      // Its kind's schema checked these fields when the target was saved.
      const target = stored as SqlTarget
      const pack = resolve(plan.profileId)
      // The guard runs again on every rule just before it is sent: a pack row changed in the database
      // behind the importer's back is judged as strictly as an import.
      await loadSqlGuard()
      const secret = await sqlSecretFor(target, deps.vault)
      ctx.progress({ phase: 'connect', message: `Connecting to ${target.host}:${target.port}` })
      let session: ReadOnlySession
      try {
        session = await openReadOnly(target, secret, { timeoutMs, network: deps.network })
      } catch (err) {
        if (err instanceof ConnectError) throw new AppError('unavailable', err.message)
        if (err instanceof AppError) throw err
        // Cut while setting the session up (after login): say where, as a connect error would.
        throw new AppError(
          'unavailable',
          `The connection to ${target.name} (${target.host}:${target.port}) failed while starting the read-only session: ${(err as Error).message}`,
        )
      } finally {
        for (const k of Object.keys(secret) as (keyof SqlSecret)[]) delete secret[k]
      }
      const onAbort = () => session.abort()
      ctx.signal.addEventListener('abort', onAbort, { once: true })
      const startedAt = new Date().toISOString()
      const results: RuleResult[] = []
      const trail: Record<string, unknown>[] = []
      let warning: string | null
      try {
        try {
          warning = await privilegeWarning(target.kind, target.user, (q) => session.query(q, timeoutMs))
        } catch (err) {
          if (err instanceof QueryError && err.kind === 'lost') throw err
          // Not knowing is said too: the account may still be privileged.
          warning = `Could not read the scan account's privileges: ${(err as Error).message}`
        }
        if (warning) ctx.log('privileged scan account', { warning })
        const tlsOn = pack.rules.some((r) => r.applies.serverTls)
          ? await serverTlsOn(target.kind, session, timeoutMs)
          : null
        for (const [i, rule] of pack.rules.entries()) {
          if (ctx.signal.aborted) throw new AppError('unavailable', 'The scan was cancelled')
          ctx.progress({
            phase: 'rule',
            ruleId: rule.id,
            status: 'running',
            done: i,
            total: pack.rules.length,
          })
          // No retry after a lost connection: a second session would read another snapshot, and the scan's
          // results must all come from one read-only transaction. The scan fails and keeps nothing.
          const { result, evidence } = await checkRule(rule, session, pack, target, timeoutMs, tlsOn)
          if (ctx.signal.aborted) throw new AppError('unavailable', 'The scan was cancelled')
          results.push(result)
          trail.push(evidence)
          ctx.progress({
            phase: 'rule',
            ruleId: rule.id,
            status: result.status,
            done: i + 1,
            total: pack.rules.length,
          })
        }
      } finally {
        ctx.signal.removeEventListener('abort', onAbort)
        await session.close()
      }
      const evidence = {
        format: 'driftwatch-sql-evidence/1',
        target: {
          name: target.name,
          kind: target.kind,
          host: target.host,
          port: target.port,
          database: target.database,
          user: target.user,
          tls: target.tls,
        },
        server: { flavour: session.flavour, version: session.version },
        session: session.settings,
        ...(warning ? { privilegeWarning: warning } : {}),
        pack: { id: pack.id, title: pack.title, version: pack.version, benchmark: pack.benchmark },
        variables: pack.values,
        startedAt,
        finishedAt: new Date().toISOString(),
        rules: trail,
      }
      return {
        results,
        evidence: [
          {
            mediaType: 'application/json',
            name: 'query-rows.json',
            bytes: Buffer.from(JSON.stringify(evidence, null, 1)),
          },
        ],
        info: {
          host: `${target.host}:${target.port}`,
          server: session.version,
          flavour: session.flavour,
          pack: pack.id,
          packTitle: pack.title,
          ...(warning ? { privilegeWarning: warning } : {}),
        },
      }
    },
  }
}

function applies(
  rule: Rule,
  session: ReadOnlySession,
  kind: SqlTarget['kind'],
  tlsOn: boolean | null,
): string | null {
  const a = rule.applies
  if (a.serverTls && tlsOn === false) return TLS_OFF_REASON[kind]
  if (a.flavours && !a.flavours.includes(session.flavour))
    return `Applies to ${a.flavours.join(', ')}; this server is ${session.version}`
  if (a.minVersion && compareVersions(session.versionNumber, a.minVersion) < 0)
    return `Applies from version ${a.minVersion}; this server is ${session.version}`
  if (a.belowVersion && compareVersions(session.versionNumber, a.belowVersion) >= 0)
    return `Applies below version ${a.belowVersion}; this server is ${session.version}`
  return null
}

async function checkRule(
  rule: Rule,
  session: ReadOnlySession,
  pack: ResolvedPack,
  target: SqlTarget,
  defaultTimeoutMs: number,
  tlsOn: boolean | null = null,
): Promise<{ result: RuleResult; evidence: Record<string, unknown> }> {
  const base: RuleResult = {
    ruleId: rule.id,
    status: 'notchecked',
    severity: rule.severity,
    title: rule.title,
    actual: '',
    expected: '',
    message: '',
    idents: rule.references.map((r) => ({ system: r.system, id: r.id })),
  }
  // A manual check: nothing to run; a person attests it (judgement/attestations.ts).
  if (rule.manual || !rule.query || !rule.assert)
    return {
      result: { ...base, message: `Manual check: ${rule.manual ?? 'no query'}` },
      evidence: { id: rule.id, status: 'notchecked', manual: rule.manual ?? '' },
    }
  const refused = queryProblem(rule.query, target.kind)
  if (refused) {
    const message = `Refused by the SQL guard, not run: ${refused}`
    return {
      result: { ...base, status: 'error', message },
      evidence: { id: rule.id, query: rule.query, status: 'error', refused },
    }
  }
  const notFor = applies(rule, session, target.kind, tlsOn)
  if (notFor)
    return {
      result: { ...base, status: 'notapplicable', message: notFor },
      evidence: { id: rule.id, status: 'notapplicable', reason: notFor },
    }
  const timeout = rule.timeoutSeconds ? rule.timeoutSeconds * 1000 : defaultTimeoutMs
  const t0 = performance.now()
  let rows: Row[]
  try {
    rows = normaliseRows(await session.query(rule.query, timeout))
  } catch (err) {
    if (!(err instanceof QueryError)) throw err
    if (err.kind === 'lost')
      throw new AppError(
        'unavailable',
        `The connection to ${target.name} (${target.host}:${target.port}) was lost during ${rule.id}: ${err.message}`,
      )
    const ms = Math.round(performance.now() - t0)
    const status = err.kind === 'undefined' ? 'notapplicable' : 'error'
    const message =
      err.kind === 'privilege'
        ? `Insufficient privilege: this check needs ${rule.privilege ?? DEFAULT_GRANT[target.kind]}. The server said: ${err.message}`
        : err.kind === 'read-only'
          ? `The server refused a write: the query tried to change data inside the read-only transaction (${err.message})`
          : err.kind === 'undefined'
            ? `This server does not have what the check reads: ${err.message}`
            : err.message
    return {
      result: { ...base, status, message },
      evidence: {
        id: rule.id,
        query: rule.query,
        status,
        ms,
        error: { code: err.code, kind: err.kind, message: err.message },
      },
    }
  }
  const ms = Math.round(performance.now() - t0)
  const v = evaluate(rule.assert, rows, pack.values)
  return {
    result: { ...base, status: v.status, actual: v.actual, expected: v.expected, message: v.message },
    evidence: {
      id: rule.id,
      query: rule.query,
      status: v.status,
      actual: v.actual,
      expected: v.expected,
      ms,
      rowCount: rows.length,
      rows: rows.slice(0, EVIDENCE_ROWS),
    },
  }
}

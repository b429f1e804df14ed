// `driftwatch export` writes a report in one format (PDF, evidence JSON, OSCAL, HDF, CSV, or a signed bundle of
// all of them) where --out says; `driftwatch verify` checks a bundle's signature, hashes and audit log.
// The core renders the bytes; only this face, run by the user, decides which file they go to.
import { resolve } from 'node:path'
import { EXPORT_FORMATS, type ExportFormat, type ReportScope } from '../../src-preload/contract'
import { call, CliError, EXIT, type Command } from './common'
import { passphrase, processSource } from './prompt'
import { verifyBundle } from '../core/reports/verify'
import { readUserFile } from '../core/files/read-user-file'
import { saveStaged } from '../core/files/user-files'
import { AppError } from '../core/errors'

const MAX_BUNDLE_BYTES = 2 * 1024 * 1024 * 1024 - 1

export const exportCommand: Command = {
  name: 'export',
  usage: `export --format ${EXPORT_FORMATS.join('|')}`,
  summary: 'write the evidence report (PDF, JSON, OSCAL, HDF, CSV, signed bundle)',
  help: `Usage: driftwatch export --format FORMAT [scope] [engagement] [--out FILE] [--json]

Formats: pdf (the report, printed by Chromium), json (Driftwatch evidence JSON, schema in resources/),
oscal (OSCAL 1.0.6 Assessment Results), hdf (Heimdall), csv (findings), bundle (a .zip of all of them, the raw
evidence and the audit log, with a manifest of SHA-256 hashes signed by the vault's Ed25519 key), ckl / cklb
(DISA STIG Viewer 2 / 3 checklists of one target scanned with a STIG profile; fill in the manual checks and
bring them back with "driftwatch attest import FILE.ckl --target T --by NAME").

Scope (default: every target):
  --target NAME     a target's name or id (repeatable)
  --group NAME      every target of a group (repeatable)
  --profile ID      only scans of this XCCDF profile or rule pack (repeatable; SSG short names such as
                    "standard" work)
  --from DATE       scans started on or after DATE (2026-01-31 or an ISO time)
  --to DATE         scans started on or before DATE (a date alone means the whole day)
  --scan ID         report this scan of its target instead of the latest (repeatable, one per target;
                    ids from "driftwatch scans list")
  --no-drift        leave drift events out
  --compare A,B     add an appendix comparing two finished scans (ids from "driftwatch scans list"; any
                    targets): rules that differ first, status and found/expected on each side, scores
Engagement: --engagement NAME --auditor NAME --organisation NAME --notes TEXT
  --out FILE        where to write (default: the suggested file name in the current folder)

A bundle is signed with a key kept in the vault: the passphrase is asked for on a terminal or read from
$DRIFTWATCH_VAULT_PASSPHRASE. The same scope exported twice gives byte-identical JSON, OSCAL, HDF and CSV.`,
  options: {
    format: { type: 'string', short: 'f' },
    target: { type: 'string', multiple: true },
    group: { type: 'string', multiple: true },
    profile: { type: 'string', multiple: true },
    scan: { type: 'string', multiple: true },
    from: { type: 'string' },
    to: { type: 'string' },
    'no-drift': { type: 'boolean' },
    compare: { type: 'string' },
    engagement: { type: 'string' },
    auditor: { type: 'string' },
    organisation: { type: 'string' },
    notes: { type: 'string' },
    out: { type: 'string', short: 'o' },
  },
  async run(ctx) {
    const v = ctx.values
    const format = String(v.format ?? '')
    if (!(EXPORT_FORMATS as readonly string[]).includes(format))
      throw CliError.usage(
        format
          ? `unknown format "${format}": use one of ${EXPORT_FORMATS.join(', ')}`
          : `--format is required: one of ${EXPORT_FORMATS.join(', ')}`,
      )
    const refs = (v.target as string[] | undefined) ?? []
    const targetIds: string[] = []
    if (refs.length) {
      const { targets } = await call(ctx.core, 'targets.list', {})
      for (const ref of refs) {
        const t = targets.find((x) => x.id === ref || x.name.toLowerCase() === ref.toLowerCase())
        if (!t) {
          const message = `no target named "${ref}"`
          throw new CliError(message, { code: 'not_found', message, issues: [] })
        }
        targetIds.push(t.id)
      }
    }
    let compare: ReportScope['compare']
    if (v.compare !== undefined) {
      const ids = String(v.compare)
        .split(',')
        .map((x) => x.trim())
      if (ids.length !== 2 || !ids[0] || !ids[1])
        throw CliError.usage(
          `--compare takes two scan ids separated by a comma (A,B), not "${String(v.compare)}"`,
        )
      compare = { a: ids[0], b: ids[1] }
    }
    const scope: ReportScope = {
      compare,
      targetIds,
      groups: (v.group as string[] | undefined) ?? [],
      // Like "driftwatch scan": a bare SSG name means its XCCDF profile id.
      profileIds: ((v.profile as string[] | undefined) ?? []).map((p) =>
        /^[a-z0-9_-]+$/i.test(p) && !p.includes('_profile_') && !p.includes('-')
          ? `xccdf_org.ssgproject.content_profile_${p}`
          : p,
      ),
      scanIds: (v.scan as string[] | undefined) ?? [],
      from: v.from as string | undefined,
      to: v.to as string | undefined,
      includeDrift: v['no-drift'] !== true,
      engagement: {
        name: String(v.engagement ?? ''),
        auditor: String(v.auditor ?? ''),
        organisation: String(v.organisation ?? ''),
        notes: String(v.notes ?? ''),
      },
    }
    if (format === 'bundle') {
      const status = await call(ctx.core, 'vault.status', {})
      if (status.state === 'locked')
        await call(ctx.core, 'vault.unlock', { passphrase: await passphrase(processSource()) })
    }
    const res = await call(ctx.core, 'reports.export', { scope, format: format as ExportFormat }, (p) =>
      p.replace(/^scope\./, '--'),
    )
    const out = resolve(v.out ? String(v.out) : res.fileName)
    try {
      await saveStaged(ctx.core.downloads, res.download, out)
    } catch (err) {
      if (err instanceof AppError) throw new CliError(err.message, err.toApi())
      throw err
    }
    const { download: _id, ...shown } = res
    ctx.out.stdout(
      ctx.json
        ? JSON.stringify({ ...shown, path: out }, null, 2) + '\n'
        : `Wrote ${out} (${res.bytes} bytes, SHA-256 ${res.sha256})${format === 'pdf' || format === 'bundle' ? `\nPrinted by ${res.engine}` : ''}\n`,
    )
    return EXIT.ok
  },
}

export const verifyCommand: Command = {
  name: 'verify',
  usage: 'verify BUNDLE.zip [--key PUBLIC.pem]',
  summary: 'check an evidence bundle: signature, every hash, the audit log',
  help: `Usage: driftwatch verify BUNDLE.zip [--key PUBLIC.pem] [--json]
       driftwatch verify --audit-log [--json]

Checks the bundle's Ed25519 signature over manifest.json, the SHA-256 of every file it lists, files added
or missing, and the audit log's hash chain; names every file (and audit entry) that differs.
  --key FILE     also require that the bundle was signed by this public key (PEM)
  --audit-log    check this data folder's own audit log instead

Exit codes: 0 intact · 1 something differs or cannot be read · 64 wrong usage`,
  options: { key: { type: 'string' }, 'audit-log': { type: 'boolean' } },
  async run(ctx) {
    if (ctx.values['audit-log']) {
      const res = await call(ctx.core, 'audit.list', { limit: 10_000 })
      if (ctx.json) ctx.out.stdout(JSON.stringify(res, null, 2) + '\n')
      else if (res.intact)
        ctx.out.stdout(
          `The audit log is intact: ${res.entries.length} entries, each chained to the one before.\n`,
        )
      else
        ctx.out.stdout(`The audit log was tampered with:\n${res.problems.map((p) => `  ${p}`).join('\n')}\n`)
      return res.intact ? EXIT.ok : EXIT.error
    }
    const path = ctx.positionals[0]
    if (!path) throw CliError.usage('name the bundle to verify')
    let trustedKey: string | undefined
    if (ctx.values.key) {
      try {
        trustedKey = (await readUserFile(String(ctx.values.key), { maxBytes: 16 * 1024 })).bytes.toString(
          'utf8',
        )
      } catch (err) {
        throw CliError.usage(`--key: ${(err as Error).message}`)
      }
    }
    // Checked here rather than through a store: whoever received the bundle may have no Driftwatch data at all.
    let bytes: Buffer
    try {
      bytes = (await readUserFile(path, { maxBytes: MAX_BUNDLE_BYTES })).bytes
    } catch (err) {
      const message = (err as Error).message
      throw new CliError(message, { code: 'not_found', message, issues: [] })
    }
    const res = verifyBundle(bytes, { trustedKeyPem: trustedKey })
    if (ctx.json) ctx.out.stdout(JSON.stringify(res, null, 2) + '\n')
    else if (res.ok)
      ctx.out.stdout(
        `${path}: intact. ${res.files} files match the manifest, signed by ${res.signedBy}; the audit log is unbroken.\n`,
      )
    else
      ctx.out.stdout(
        `${path}: NOT intact (${res.problems.length} problem${res.problems.length === 1 ? '' : 's'}):\n` +
          res.problems.map((p) => `  ${p.file}: ${p.message}`).join('\n') +
          '\n',
      )
    return res.ok ? EXIT.ok : EXIT.error
  },
}

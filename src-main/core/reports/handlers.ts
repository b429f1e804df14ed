// The report channels: a live preview (the model the report view draws), exports in every format staged for
// the face to deliver (download, save dialog, --out) and recorded in the audit log, bundle verification of an
// uploaded file, and the audit log itself. No channel here takes or returns a filesystem path.
import { createHash } from 'node:crypto'
import type { Handlers } from '../dispatch'
import type { CoreContext } from '../context'
import type { ReportModel } from '../../../src-preload/contract'
import { AppError } from '../errors'
import { buildModel, type ModelDeps } from './model'
import { formatFor, formats } from './formats'
import type { ExportContext } from './format'
import type { FileStaging } from '../files/staging'
import { printTemplates, type PdfPrinter } from './pdf'
import { verifyBundle } from './verify'
import { describeWho, type AuditLog } from '../audit/log'
import type { SigningKeys } from '../vault/signing-key'
import { VaultError } from '../vault/vault'
import type { JudgementRepo } from '../store/judgement'
import { withJudgement } from './judgement'
import { FrozenReports } from './frozen'
import { scanFiles } from './scan-files'
import { withComparison } from './comparison'
import { withControls } from './controls'

type ReportHandlers = Pick<
  Handlers,
  'reports.preview' | 'reports.export' | 'reports.verify' | 'audit.list' | 'scan.download'
>

export interface ReportDeps extends CoreContext, ModelDeps {
  audit: AuditLog
  signing: SigningKeys
  printer: PdfPrinter
  rendererDir: string
  uploads: FileStaging
  downloads: FileStaging
  /** Exceptions and attestations, applied to every model (absent: reports show the scans alone). */
  judgement?: JudgementRepo
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60) || 'report'

/** The file name an export suggests: engagement, date and report id, so names sort and differ. */
export const defaultFileName = (model: ReportModel, extension: string) =>
  `${slug(model.engagement.name || 'driftwatch-report')}-${model.asOf.slice(0, 10)}-${model.reportId.slice(0, 8)}${extension}`

function signingError(err: unknown): never {
  if (err instanceof VaultError) {
    if (err.code === 'uninitialised')
      throw new AppError(
        'unavailable',
        'Evidence bundles are signed with a key kept in the vault: create the vault first',
      )
    if (err.code === 'locked')
      throw new AppError(
        'unavailable',
        'Evidence bundles are signed with a key kept in the vault: unlock the vault first',
      )
    throw new AppError('internal', err.message)
  }
  throw err
}

export function reportHandlers(deps: ReportDeps): ReportHandlers {
  const judged = (m: ReportModel) =>
    deps.judgement
      ? withJudgement(m, { judgement: deps.judgement, reports: deps.reports, clock: deps.clock })
      : m
  const exportContext: ExportContext = {
    formats,
    evidenceBytes(sha) {
      const b = deps.reports.evidenceBytes(sha)
      if (!b) throw new AppError('not_found', `Evidence ${sha} is no longer in the store`)
      return b
    },
    printPdf: async (model) => {
      const { headerTemplate, footerTemplate } = printTemplates(model)
      return deps.printer.print({ model, rendererDir: deps.rendererDir, headerTemplate, footerTemplate })
    },
    signingKey() {
      try {
        return deps.signing.ensure()
      } catch (err) {
        return signingError(err)
      }
    },
    async sign(data) {
      try {
        return await deps.signing.sign(data)
      } catch (err) {
        return signingError(err)
      }
    },
    auditEntries: () => deps.audit.entries(),
  }

  // A report is built once: the preview and each export of it render this frozen model.
  const built = new FrozenReports()
  const build = (scope: Parameters<typeof buildModel>[1]) =>
    built.put(withComparison(withControls(judged(buildModel(deps, scope))), scope.compare, deps))

  return {
    'reports.preview': ({ scope }) => build(scope),
    'scan.download': scanFiles(deps),
    'reports.export': async ({ scope, reportId, format }) => {
      const f = formatFor(format)
      if (!f) throw new AppError('validation', `Unknown format ${format}`)
      const model = reportId ? built.get(reportId) : build(scope ?? {})
      const fileName = defaultFileName(model, f.extension)
      // A bundle records its own export in the log it carries: the entry is written first, then the bundle.
      if (format === 'bundle') {
        try {
          deps.signing.ensure()
        } catch (err) {
          signingError(err)
        }
        deps.audit.append({
          action: 'report.exporting',
          subject: model.reportId,
          details: { format, fileName },
        })
      }
      const { bytes, engine } = await f.render(model, exportContext)
      const digest = createHash('sha256').update(bytes).digest('hex')
      const download = deps.downloads.put({
        fileName,
        mediaType: f.mediaType,
        bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length),
      })
      deps.audit.append({
        action: 'report.exported',
        subject: model.reportId,
        details: {
          format,
          fileName,
          sha256: digest,
          bytes: bytes.length,
          engine,
          targets: model.scope.targetIds,
          groups: model.scope.groups,
        },
      })
      return {
        download,
        fileName,
        mediaType: f.mediaType,
        bytes: bytes.length,
        sha256: digest,
        engine,
        reportId: model.reportId,
      }
    },
    'reports.verify': ({ uploadId, trustedKey }) => {
      const file = deps.uploads.take(uploadId)
      if (!file)
        throw new AppError('not_found', 'That upload is gone (each is used once): choose the bundle again')
      return verifyBundle(file.bytes, { trustedKeyPem: trustedKey })
    },
    'audit.list': ({ limit }) => {
      const entries = deps.audit.entries()
      const problems = deps.audit.verify()
      return {
        entries: entries
          .slice(-limit)
          .reverse()
          .map((e) => ({
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            by: describeWho(e),
            action: e.action,
            subject: e.subject,
            hash: e.hash,
          })),
        intact: problems.length === 0,
        problems: problems.map((p) => p.message),
      }
    },
  }
}

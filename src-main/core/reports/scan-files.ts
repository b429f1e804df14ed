// One past scan's files for a person to download: the ARF oscap wrote, the OpenSCAP HTML report made from it,
// and the scan's evidence JSON (the Driftwatch evidence report of that scan alone, so it carries rule text,
// the policy and the artefact hashes, not only raw rows).
import { createHash } from 'node:crypto'
import type { ParsedReq, Res } from '../../../src-preload/contract'
import { AppError, notFound } from '../errors'
import type { FileStaging } from '../files/staging'
import { generateHtmlReport } from '../scanners/ssh-oscap/html-report'
import { RemediationError } from '../scanners/ssh-oscap/remediation'
import { buildModel, type ModelDeps } from './model'
import { jsonFormat } from './json'

const ARF = 'application/xml+arf'

export function scanFiles(deps: ModelDeps & { downloads: FileStaging }) {
  return async ({ scanId, file }: ParsedReq<'scan.download'>): Promise<Res<'scan.download'>> => {
    const s = deps.scans.get(scanId)
    if (!s) throw notFound('That scan')
    if (s.state !== 'done')
      throw new AppError('validation', `This scan is ${s.state}: only a finished scan has files to download`)
    const target = deps.targets.get(s.targetId)
    const base = `${(target?.name ?? 'target').replace(/[^A-Za-z0-9._-]+/g, '-')}-${s.startedAt.slice(0, 19).replace(/:/g, '')}`
    let bytes: Buffer
    let fileName: string
    let mediaType: string
    if (file === 'evidence') {
      const model = buildModel(deps, { targetIds: [s.targetId], scanIds: [s.id], includeDrift: false })
      bytes = (await jsonFormat.render(model, undefined as never)).bytes
      fileName = `${base}-evidence.json`
      mediaType = 'application/json'
    } else {
      const arf = s.evidence ? deps.scans.evidence(s.evidence) : undefined
      if (!arf || arf.mediaType !== ARF)
        throw new AppError(
          'validation',
          'This scan has no ARF: only OpenSCAP scans (this computer, SSH hosts) write one. Download its evidence JSON instead',
        )
      if (file === 'arf') {
        bytes = arf.bytes
        fileName = `${base}-arf.xml`
        mediaType = 'application/xml'
      } else {
        try {
          bytes = Buffer.from(await generateHtmlReport(arf.bytes), 'utf8')
        } catch (err) {
          if (err instanceof RemediationError)
            throw new AppError(err.code === 'oscap_missing' ? 'unavailable' : 'internal', err.message)
          throw err
        }
        fileName = `${base}-openscap-report.html`
        mediaType = 'text/html'
      }
    }
    const download = deps.downloads.put({ fileName, mediaType, bytes })
    return {
      download,
      fileName,
      mediaType,
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    }
  }
}

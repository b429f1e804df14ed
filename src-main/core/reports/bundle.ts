// The evidence bundle (.zip): every other format, the raw evidence artefacts, the audit log, the JSON Schema,
// and manifest.json listing each file's SHA-256, signed with Ed25519 (manifest.sig) by the key the vault
// keeps; the public key travels beside it. verify.ts checks all of it and names any file that differs.
import { createHash } from 'node:crypto'
import type { ReportModel } from '../../../src-preload/contract'
import type { ExportContext, ExportFormat } from './format'
import { jsonBytes } from './format'
import { toJsonLines } from '../audit/log'
import { EVIDENCE_SCHEMA_FILE } from './json'
import evidenceSchema from '../../../resources/evidence-report-1.2.0.schema.json'

export const MANIFEST = 'manifest.json'
export const SIGNATURE = 'manifest.sig'
export const PUBLIC_KEY = 'signing-key.pub.pem'
export const AUDIT_LOG = 'audit-log.jsonl'
export const BUNDLE_KIND = 'driftwatch-evidence-bundle' as const

export interface Manifest {
  kind: typeof BUNDLE_KIND
  version: 1
  reportId: string
  asOf: string
  generator: string
  /** Every file in the bundle except the manifest, its signature and the public key, sorted by path. */
  files: { path: string; sha256: string; bytes: number }[]
  audit: { file: string; entries: number; head: string }
  signature: { algorithm: 'Ed25519'; file: string; publicKey: string; fingerprint: string }
}

/** Names inside the bundle for each format's file. */
export const bundleName = (f: ExportFormat) => (f.id === 'csv' ? 'findings.csv' : `report${f.extension}`)

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

export async function renderBundle(
  model: ReportModel,
  ctx: ExportContext,
): Promise<{ bytes: Buffer; engine: string }> {
  const chunks: Uint8Array[] = []
  let failure: Error | null = null
  // Loaded when a bundle is written, not when Driftwatch starts.
  const { Zip, ZipDeflate, ZipPassThrough } = await import('fflate')
  const zip = new Zip((err, data) => {
    if (err) failure = err
    else chunks.push(data)
  })
  const mtime = new Date(model.asOf)
  const files: Manifest['files'] = []
  const add = (path: string, data: Uint8Array, compress = true) => {
    const entry = compress ? new ZipDeflate(path, { level: 6 }) : new ZipPassThrough(path)
    entry.mtime = mtime
    zip.add(entry)
    entry.push(data, true)
    if (failure) throw failure
  }
  const addListed = (path: string, data: Uint8Array) => {
    files.push({ path, sha256: sha256(data), bytes: data.length })
    add(path, data)
  }

  let engine = ''
  for (const f of ctx.formats) {
    if (f.id === 'bundle' || f.inBundle === false) continue
    const out = await f.render(model, ctx)
    if (f.id === 'pdf') engine = out.engine
    addListed(bundleName(f), out.bytes)
  }
  for (const e of model.evidence) {
    const bytes = ctx.evidenceBytes(e.sha256)
    // The store keeps artefacts by hash; one that no longer hashes to its name must not be vouched for.
    if (sha256(bytes) !== e.sha256)
      throw new Error(`Evidence ${e.sha256} in the store is damaged: its bytes no longer match their SHA-256`)
    addListed(e.path, bytes)
    // Let other work (the UI, other requests) run between large artefacts.
    await new Promise((r) => setImmediate(r))
  }
  addListed(EVIDENCE_SCHEMA_FILE, jsonBytes(evidenceSchema))
  const entries = ctx.auditEntries()
  addListed(AUDIT_LOG, Buffer.from(toJsonLines(entries), 'utf8'))

  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  const manifestHead = {
    kind: BUNDLE_KIND as typeof BUNDLE_KIND,
    version: 1 as const,
    reportId: model.reportId,
    asOf: model.asOf,
    generator: `${model.generator.name} ${model.generator.version}`,
    files,
    audit: { file: AUDIT_LOG, entries: entries.length, head: entries.at(-1)?.hash ?? '0'.repeat(64) },
  }
  // The manifest names the key that signs it, so the key is settled first (made on first use).
  const signer = ctx.signingKey()
  const manifest: Manifest = {
    ...manifestHead,
    signature: {
      algorithm: 'Ed25519',
      file: SIGNATURE,
      publicKey: PUBLIC_KEY,
      fingerprint: signer.fingerprint,
    },
  }
  const manifestBytes = jsonBytes(manifest)
  const { signature, key } = await ctx.sign(manifestBytes)
  add(MANIFEST, manifestBytes)
  add(SIGNATURE, Buffer.from(signature.toString('base64') + '\n', 'utf8'), false)
  add(PUBLIC_KEY, Buffer.from(key.publicKeyPem, 'utf8'), false)
  zip.end()
  if (failure) throw failure
  return { bytes: Buffer.concat(chunks), engine: engine ? `bundle (PDF: ${engine})` : 'bundle' }
}

export const bundleFormat: ExportFormat = {
  id: 'bundle',
  label: 'Evidence bundle (.zip)',
  extension: '.zip',
  mediaType: 'application/zip',
  render: renderBundle,
}

// The shape every export format shares, and what the core hands them: one file per format, each turning the
// same report model into bytes. The registry (formats.ts) is a plain array of these.
import type { ExportFormat as FormatId, ReportModel } from '../../../src-preload/contract'
import type { AuditEntry } from '../audit/log'
import type { PublicSigningKey } from '../vault/signing-key'

export interface ExportContext {
  /** One evidence artefact's bytes by SHA-256 (read when needed, never all at once). */
  evidenceBytes(sha256: string): Buffer
  /** Prints the report view to PDF (Chromium through playwright-core, or Electron's printToPDF). */
  printPdf(model: ReportModel): Promise<{ pdf: Buffer; engine: string }>
  /** The report signing key's public half, made on first use (which needs the vault unlocked). */
  signingKey(): PublicSigningKey
  /** Signs with the report key kept in the vault (the vault must be unlocked). */
  sign(data: Buffer): Promise<{ key: PublicSigningKey; signature: Buffer }>
  auditEntries(): AuditEntry[]
  /** The other formats, for the bundle that carries them all. */
  formats: readonly ExportFormat[]
}

export interface Rendered {
  bytes: Buffer
  /** Which engine made it, where it matters (the PDF). */
  engine: string
}

export interface ExportFormat {
  id: FormatId
  label: string
  /** File name extension, with its dot. */
  extension: string
  mediaType: string
  /** False for a format that only some reports can take (a STIG checklist): left out of the bundle. */
  inBundle?: false
  render(model: ReportModel, ctx: ExportContext): Promise<Rendered>
}

/** JSON with two-space indentation and a final newline; key order is the order objects were built in. */
export const jsonBytes = (value: unknown): Buffer =>
  Buffer.from(JSON.stringify(value, null, 2) + '\n', 'utf8')

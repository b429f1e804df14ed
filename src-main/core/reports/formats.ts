// The export formats: a plain list; adding one is a new file and a line here.
import type { ExportFormat as FormatId } from '../../../src-preload/contract'
import type { ExportFormat } from './format'
import { jsonFormat } from './json'
import { oscalFormat } from './oscal'
import { hdfFormat } from './hdf'
import { csvFormat } from './csv'
import { pdfFormat } from './pdf'
import { bundleFormat } from './bundle'
import { cklFormat } from '../checklists/ckl'
import { cklbFormat } from '../checklists/cklb'

export const formats: readonly ExportFormat[] = [
  pdfFormat,
  jsonFormat,
  oscalFormat,
  hdfFormat,
  csvFormat,
  bundleFormat,
  cklFormat,
  cklbFormat,
]

export const formatFor = (id: FormatId): ExportFormat | undefined => formats.find((f) => f.id === id)

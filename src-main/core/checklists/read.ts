// Reads a STIG Viewer checklist someone filled in — CKL (XML) or CKLB (JSON) — for the status and comments of
// each rule. A checklist is a file from elsewhere: the XML goes through the hardened reader (no DTD, no entity,
// size / depth / count limits), the JSON is size-capped and checked field by field, and every refusal says why.
import { XmlReader, readXmlBytes } from '../scap/xml-reader'
import { ScapError } from '../scap/types'
import type { CklStatus } from './stig-vulns'
import { CKLB_STATUS } from './cklb'

export interface ChecklistEntry {
  /** The rule: Driftwatch's id when the checklist came from Driftwatch, else the STIG's own Rule_ID. */
  ruleId: string
  /** The STIG rule version ("UBTU-20-010000"). */
  stigId: string
  status: CklStatus
  comments: string
  findingDetails: string
}

export class ChecklistError extends Error {}

export const MAX_CHECKLIST_BYTES = 4 * 1024 * 1024
const MAX_VULNS = 20_000
const STATUSES = new Set<string>(['Open', 'NotAFinding', 'Not_Applicable', 'Not_Reviewed'])
const FROM_CKLB = new Map(Object.entries(CKLB_STATUS).map(([k, v]) => [v, k as CklStatus]))

/** Whether a file is a STIG checklist (XML, or a JSON object with "stigs") rather than a SAF attestation file. */
export const isChecklist = (text: string) =>
  /^\uFEFF?\s*</.test(text) || (/^\uFEFF?\s*\{/.test(text) && text.includes('"stigs"'))

/** A CKL or a CKLB, told apart by their first character. */
export function readChecklist(text: string): ChecklistEntry[] {
  if (Buffer.byteLength(text, 'utf8') > MAX_CHECKLIST_BYTES)
    throw new ChecklistError(`The checklist is larger than ${MAX_CHECKLIST_BYTES / 1024 / 1024} MiB`)
  const start = text.replace(/^\uFEFF/, '').trimStart()
  if (start.startsWith('<')) return readCkl(start)
  if (start.startsWith('{')) return readCklb(start)
  throw new ChecklistError(
    'This is neither a CKL (STIG Viewer 2 XML) nor a CKLB (STIG Viewer 3 JSON) checklist',
  )
}

export function readCkl(text: string): ChecklistEntry[] {
  const out: ChecklistEntry[] = []
  const path: string[] = []
  let buf = ''
  let attr = ''
  let vuln: { data: Map<string, string>; status: string; comments: string; details: string } | null = null
  const KEEP = new Set(['VULN_ATTRIBUTE', 'ATTRIBUTE_DATA', 'STATUS', 'COMMENTS', 'FINDING_DETAILS'])
  const reader: XmlReader = new XmlReader(
    {
      maxBytes: MAX_CHECKLIST_BYTES,
      maxDepth: 16,
      maxElements: 2_000_000,
      maxAttributeLength: 4096,
      maxTextLength: 1024 * 1024,
    },
    {
      open(tag) {
        const name = tag.local
        if (path.length === 0 && name !== 'CHECKLIST')
          throw new ChecklistError(
            `The file's root element is <${name.slice(0, 40)}>, not a STIG checklist's <CHECKLIST>`,
          )
        path.push(name)
        if (name === 'VULN') {
          if (out.length >= MAX_VULNS)
            throw new ChecklistError(`The checklist has more than ${MAX_VULNS} rules`)
          vuln = { data: new Map(), status: '', comments: '', details: '' }
        }
        if (vuln && KEEP.has(name)) {
          buf = ''
          reader.textOn()
        }
      },
      close(tag) {
        const name = tag.local
        if (vuln && KEEP.has(name)) {
          reader.textOff()
          if (name === 'VULN_ATTRIBUTE') attr = buf.trim()
          else if (name === 'ATTRIBUTE_DATA' && attr && !vuln.data.has(attr)) vuln.data.set(attr, buf)
          else if (name === 'STATUS') vuln.status = buf.trim()
          else if (name === 'COMMENTS') vuln.comments = buf
          else if (name === 'FINDING_DETAILS') vuln.details = buf
        }
        if (name === 'VULN' && vuln) {
          out.push(entry(vuln.data.get('Rule_ID') ?? '', vuln.data.get('Rule_Ver') ?? '', vuln, out.length))
          vuln = null
        }
        path.pop()
      },
      text(t) {
        buf += t
      },
      cdata(t) {
        buf += t
      },
    },
  )
  try {
    readXmlBytes(reader, Buffer.from(text, 'utf8'))
  } catch (err) {
    if (err instanceof ScapError)
      throw new ChecklistError(`The CKL checklist is not well-formed or too large: ${err.message}`)
    throw err
  }
  if (out.length === 0) throw new ChecklistError('The checklist lists no rules (no <VULN> element)')
  return out
}

function entry(
  ruleId: string,
  stigId: string,
  v: { status: string; comments: string; details: string },
  i: number,
): ChecklistEntry {
  const where = `Rule ${i + 1}${stigId ? ` (${stigId.slice(0, 60)})` : ''}`
  if (!ruleId.trim()) throw new ChecklistError(`${where} has no Rule_ID`)
  if (!STATUSES.has(v.status))
    throw new ChecklistError(
      `${where} has status "${v.status.slice(0, 40)}": a checklist status is Open, NotAFinding, Not_Applicable or Not_Reviewed`,
    )
  return {
    ruleId: ruleId.trim().slice(0, 200),
    stigId: stigId.trim().slice(0, 200),
    status: v.status as CklStatus,
    comments: v.comments.trim(),
    findingDetails: v.details.trim(),
  }
}

const str = (v: unknown) => (typeof v === 'string' ? v : '')

export function readCklb(text: string): ChecklistEntry[] {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (err) {
    throw new ChecklistError(`The CKLB checklist is not valid JSON: ${(err as Error).message.slice(0, 200)}`)
  }
  const stigs = (doc as { stigs?: unknown })?.stigs
  if (!Array.isArray(stigs)) throw new ChecklistError('The CKLB checklist has no "stigs" list')
  const out: ChecklistEntry[] = []
  stigs.forEach((s, si) => {
    const rules = (s as { rules?: unknown })?.rules
    if (!Array.isArray(rules))
      throw new ChecklistError(`STIG ${si + 1} of the CKLB checklist has no "rules" list`)
    for (const r of rules as Record<string, unknown>[]) {
      if (out.length >= MAX_VULNS) throw new ChecklistError(`The checklist has more than ${MAX_VULNS} rules`)
      const status = FROM_CKLB.get(str(r?.status))
      out.push(
        entry(
          str(r?.rule_id),
          str(r?.rule_version),
          { status: status ?? str(r?.status), comments: str(r?.comments), details: str(r?.finding_details) },
          out.length,
        ),
      )
    }
  })
  if (out.length === 0) throw new ChecklistError('The checklist lists no rules')
  return out
}

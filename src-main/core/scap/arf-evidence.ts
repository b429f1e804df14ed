// ARF results and their OVAL evidence in one streaming pass: the ARF reader keeps the OVAL results it would
// otherwise skip and hands every element to the OVAL results reader riding the same pass.
import type { EvidenceCheck } from '../model/evidence'
import { ArfParser, limitsOf, type ArfResults, type ArfSource } from './arf'
import type { Limits } from './limits'
import { evidenceOf, explained, neededItems } from './oval-evidence'
import { OvalResultsParser } from './oval-results'
import { readXml } from './xml-reader'

export interface ArfWithEvidence extends ArfResults {
  /** Rule id → what its OVAL check examined and found, for each rule that passed, failed or errored. */
  evidence: Map<string, EvidenceCheck[]>
}

/**
 * parseArf and ovalEvidence in one streaming pass: the results and, for each rule that passed, failed or
 * errored, its OVAL evidence in words (the same as ovalEvidence gives), reading the file once.
 */
export async function parseArfWithEvidence(
  source: ArfSource,
  opts: Limits & { signal?: AbortSignal } = {},
): Promise<ArfWithEvidence> {
  const lim = limitsOf(opts)
  const p = new ArfParser(lim)
  p.keepOval = true
  // A rule's check comes after its result in what oscap writes; a file that orders them otherwise keeps the
  // rule's OVAL parts until the end, where only explained rules get evidence.
  const oval = new OvalResultsParser(
    lim,
    (id) => {
      const r = p.current()
      return !r || r.ruleId !== id || !r.hasResult || explained(r.status)
    },
    neededItems,
    p.reader,
  )
  p.also = oval.handlers
  await readXml(p.reader, source, { maxBytes: lim.maxBytes, signal: opts.signal })
  const arf = p.finish()
  const wanted = arf.results.filter((r) => explained(r.status)).map((r) => r.ruleId)
  return { ...arf, evidence: wanted.length ? evidenceOf(oval.out, wanted) : new Map() }
}

// XmlReader.only(): the children a reader leaves out reach no handler, yet stay under every check and limit, so
// skipping a rule's many references costs little and lets nothing malformed or oversized through.
import { describe, expect, it } from 'vitest'
import {
  readXmlBytes,
  XML_DEFAULT_LIMITS,
  XmlReader,
  type XmlLimits,
} from '../../../src-main/core/scap/xml-reader'
import { ScapError } from '../../../src-main/core/scap/types'

/** Reads `xml`, keeping only `title` and `ident` below each `rule`; returns the elements and texts seen. */
function read(xml: string, limits: Partial<XmlLimits> = {}): string[] {
  const seen: string[] = []
  const reader: XmlReader = new XmlReader(
    { ...XML_DEFAULT_LIMITS, ...limits },
    {
      open: (t) => {
        seen.push(`<${t.local}>`)
        if (t.local === 'rule') reader.only(new Set(['title', 'ident']))
        if (t.local === 'title') reader.textOn()
      },
      close: (t) => {
        seen.push(`</${t.local}>`)
        if (t.local === 'title') reader.textOff()
      },
      text: (t) => void seen.push(t),
    },
  )
  readXmlBytes(reader, Buffer.from(xml))
  return seen
}

const refusal = (xml: string, limits: Partial<XmlLimits> = {}) => {
  try {
    read(xml, limits)
  } catch (e) {
    expect(e).toBeInstanceOf(ScapError)
    return (e as ScapError).message
  }
  throw new Error('accepted')
}

describe('XmlReader.only', () => {
  it('delivers the wanted children and none of the others, nor anything inside them', () => {
    const xml =
      '<b><rule><reference href="a">1</reference><title>T<x>in</x></title><reference/>' +
      '<description><p>skip <q>me</q></p></description><ident>I</ident></rule><after/></b>'
    expect(read(xml)).toEqual([
      '<b>',
      '<rule>',
      '<title>',
      'T',
      '<x>',
      'in',
      '</x>',
      '</title>',
      '<ident>',
      '</ident>',
      '</rule>',
      '<after>',
      '</after>',
      '</b>',
    ])
  })

  it('still refuses what is malformed inside a child left out', () => {
    expect(refusal('<b><rule><reference>x</referenc></rule></b>')).toMatch(
      /malformed at line 1, column \d+: unmatched closing tag: referenc, expected reference/,
    )
    expect(refusal('<b><rule><reference>&nope;</reference></rule></b>')).toMatch(/undefined entity/)
    expect(refusal('<b><rule><reference a="1" b=2>x</reference></rule></b>')).toMatch(/malformed start tag/)
    expect(refusal('<b><rule><reference><!DOCTYPE x></reference></rule></b>')).toBe(
      'The file declares a DOCTYPE; Driftwatch refuses DTDs and entities in SCAP content',
    )
  })

  it('counts the depth and the elements of a child left out against the limits', () => {
    expect(
      refusal('<b><rule><r>' + '<a>'.repeat(20) + '</a>'.repeat(20) + '</r></rule></b>', { maxDepth: 10 }),
    ).toBe('Elements nest deeper than the limit of 10 levels (line 1)')
    expect(refusal('<b><rule>' + '<r/>'.repeat(50) + '</rule></b>', { maxElements: 20 })).toMatch(
      /more than 20 elements/,
    )
  })
})

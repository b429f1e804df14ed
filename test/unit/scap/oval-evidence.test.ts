// OS evidence from OVAL results: hostile files are refused as every SCAP file is, and nothing that reads as a
// password hash reaches the words, whatever file the scanner collected it from.
import { describe, expect, it } from 'vitest'
import { ovalEvidence } from '../../../src-main/core/scap/oval-evidence'
import { itemWords, objectWords, redact, settingOf } from '../../../src-main/core/scap/oval-words'
import { ScapError } from '../../../src-main/core/scap/types'

const X = 'http://checklists.nist.gov/xccdf/1.2'
const rules = new Map([['r', 'fail' as const]])

describe('ovalEvidence on hostile input', () => {
  it('refuses a DOCTYPE before expanding anything', async () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><TestResult xmlns="${X}">&a;</TestResult>`
    await expect(ovalEvidence(Buffer.from(lol), rules)).rejects.toThrow(ScapError)
    await expect(ovalEvidence(Buffer.from(lol), rules)).rejects.toThrow(/DOCTYPE/)
  })

  it('keeps the size and element limits', async () => {
    const deep = `<TestResult xmlns="${X}">` + '<x>'.repeat(1000)
    await expect(ovalEvidence(Buffer.from(deep), rules)).rejects.toThrow(/deeper than the limit/)
    const big = `<TestResult xmlns="${X}">${'<x/>'.repeat(50)}</TestResult>`
    await expect(ovalEvidence(Buffer.from(big), rules, { maxElements: 10 })).rejects.toThrow(
      /more than 10 elements/,
    )
  })
})

describe('words', () => {
  const item = (name: string, fields: Record<string, string>) => ({
    name,
    attrs: {},
    text: '',
    children: Object.entries(fields).map(([k, v]) => ({ name: k, attrs: {}, text: v, children: [] })),
  })

  it('never print a password hash, from /etc/shadow or anywhere', () => {
    const shadow = objectWords(
      item('textfilecontent54_object', { filepath: '/etc/shadow', pattern: '^root:' }),
    )
    const line = itemWords(
      item('textfilecontent_item', {
        filepath: '/etc/shadow',
        text: 'root:$y$j9T$abc$def:19000:0:99999:7:::',
      }),
      shadow,
    )
    expect(line).not.toContain('$y$')
    expect(line).toContain('root:[hash removed]')
    expect(redact('user:$6$salt$hash:1', '/etc/passwd')).toBe('user:[hash removed]:1')
    expect(itemWords(item('password_item', { username: 'bob', password: 'x-secret' }), shadow)).not.toContain(
      'x-secret',
    )
  })

  it('read the setting a configuration-line pattern names', () => {
    expect(settingOf('^[\\s]*PermitRootLogin[\\s]+(.*)$')).toBe('PermitRootLogin')
    expect(settingOf('.*\\n[^#]*(PASS_WARN_AGE\\s+\\d+)\\s*\\n')).toBe('PASS_WARN_AGE')
    expect(settingOf('^\\s*\\[Coredump\\].*\\n^[ \\t]*(?i)Storage(?-i)[ \\t]*=[ \\t]*(.+?)')).toBe('Storage')
  })
})

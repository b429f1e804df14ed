// The three SCAP readers (datastream, ARF results, tailoring) share one hardened XML reader: the same hostile
// input is refused by each of them with the same code and the same words.
import { describe, expect, it } from 'vitest'
import { parseArf } from '../../../src-main/core/scap/arf'
import { parseDatastream } from '../../../src-main/core/scap/datastream'
import { readTailoring, TAILORING_LIMITS } from '../../../src-main/core/scap/tailoring'
import { ScapError } from '../../../src-main/core/scap/types'

const XCCDF = 'http://checklists.nist.gov/xccdf/1.2'
/** Each reader's own root element, so the refusal is the XML reader's and not a "not SCAP" one. */
const ROOTS = {
  datastream: [`<Benchmark xmlns="${XCCDF}" id="xccdf_t_benchmark_b"`, '</Benchmark>'],
  arf: [`<TestResult xmlns="${XCCDF}" id="xccdf_t_testresult_1"`, '</TestResult>'],
  tailoring: [`<Tailoring xmlns="${XCCDF}" id="xccdf_t_tailoring_1"`, '</Tailoring>'],
} as const
type Reader = keyof typeof ROOTS

// The same depth limit for all three, so the message (which names it) can be the same.
const DEPTH = TAILORING_LIMITS.maxDepth
const read: Record<Reader, (b: Buffer) => Promise<unknown>> = {
  datastream: (b) => parseDatastream(b, { maxDepth: DEPTH }),
  arf: (b) => parseArf(b, { maxDepth: DEPTH }),
  tailoring: async (b) => readTailoring(b),
}

async function refusal(reader: Reader, input: Buffer): Promise<{ code: string; message: string }> {
  const e = await read[reader](input).then(
    () => undefined,
    (err: unknown) => err,
  )
  expect(e, `${reader} accepted the input`).toBeInstanceOf(ScapError)
  return { code: (e as ScapError).code, message: (e as ScapError).message }
}

/** A document for `reader`: head, its root's start tag with `attrs`, body, its root's end tag. */
const doc = (reader: Reader, parts: { head?: string | Buffer; attrs?: string; body?: string }): Buffer => {
  const [open, close] = ROOTS[reader]
  const head = typeof parts.head === 'string' ? Buffer.from(parts.head) : (parts.head ?? Buffer.alloc(0))
  return Buffer.concat([head, Buffer.from(`${open}${parts.attrs ?? ''}>${parts.body ?? ''}${close}`)])
}

const DOCTYPE = 'The file declares a DOCTYPE; Driftwatch refuses DTDs and entities in SCAP content'
const hostile: [string, (r: Reader) => Buffer, { code: string; message: string }][] = [
  [
    'a DOCTYPE declaring an entity (billion laughs)',
    (r) =>
      doc(r, {
        head: '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
        body: '&b;',
      }),
    { code: 'doctype', message: DOCTYPE },
  ],
  [
    'an external entity',
    (r) => doc(r, { head: '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>', body: '&x;' }),
    { code: 'doctype', message: DOCTYPE },
  ],
  [
    'an external DTD',
    (r) => doc(r, { head: '<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd">' }),
    { code: 'doctype', message: DOCTYPE },
  ],
  [
    'elements nested too deep',
    (r) => doc(r, { body: '<a>'.repeat(10_000) + '</a>'.repeat(10_000) }),
    { code: 'too_deep', message: `Elements nest deeper than the limit of ${DEPTH} levels (line 1)` },
  ],
  [
    'a 2 MiB attribute',
    (r) => doc(r, { attrs: ` title="${'A'.repeat(2 * 1024 * 1024)}"` }),
    {
      code: 'too_large',
      message: 'The attributes of an element at line 1 are longer than the 1 MiB attribute limit',
    },
  ],
  [
    'a declared encoding other than UTF-8',
    (r) => doc(r, { head: '<?xml version="1.0" encoding="ISO-8859-1"?>' }),
    { code: 'malformed', message: 'The file declares encoding "ISO-8859-1"; SCAP content must be UTF-8' },
  ],
  [
    'bytes that are not UTF-8',
    (r) =>
      doc(r, {
        head: Buffer.concat([Buffer.from('<?xml version="1.0"?><!-- caf'), Buffer.from([0xe9, 0x20])]),
      }),
    {
      code: 'malformed',
      message: 'The file is not valid UTF-8 (bad byte sequence at byte 29); SCAP content must be UTF-8',
    },
  ],
  [
    'UTF-16',
    (r) => Buffer.from(`\uFEFF${ROOTS[r][0]}>${ROOTS[r][1]}`, 'utf16le'),
    { code: 'malformed', message: 'The file is UTF-16; SCAP content must be UTF-8' },
  ],
  [
    'an undefined entity',
    (r) => doc(r, { body: '&nope;' }),
    {
      code: 'malformed',
      message: expect.stringMatching(
        /^The XML is malformed at line 1, column \d+: undefined entity \(only the five XML entities/,
      ) as unknown as string,
    },
  ],
]

describe('one hardened XML reader behind datastreams, ARF results and tailoring files', () => {
  for (const [name, input, want] of hostile) {
    it(`each reader refuses ${name} with the same words`, async () => {
      const got = {
        datastream: await refusal('datastream', input('datastream')),
        arf: await refusal('arf', input('arf')),
        tailoring: await refusal('tailoring', input('tailoring')),
      }
      expect(got).toEqual({ datastream: want, arf: want, tailoring: want })
    })
  }

  it('reads each kind of file when nothing hostile is in it (the inputs above differ only in the attack)', async () => {
    await expect(parseDatastream(doc('datastream', {}))).resolves.toMatchObject({ benchmarks: [{}] })
    await expect(parseArf(doc('arf', { attrs: ' start-time="2024-01-01T00:00:00"' }))).resolves.toMatchObject(
      {
        results: [],
      },
    )
    const tailoring = doc('tailoring', {
      body: `<benchmark href="x"/><Profile id="xccdf_t_profile_p"><title>T</title></Profile>`,
    })
    expect(readTailoring(tailoring).profileId).toBe('xccdf_t_profile_p')
  })
})

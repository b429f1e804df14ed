// The streaming side of the datastream parser: the XML reader's handlers, the root check, the source
// data-stream wrapper (which component each checklist ref points at) and the text captures; everything in
// the XCCDF namespace is handed to the benchmark model.
import type { XmlAttr, XmlTag } from './xml-tokenizer'
import type { Limits } from './limits'
import { ScapError, type Benchmark } from './types'
import { attr } from './xml-util'
import { TextCapture, type CaptureMode } from './xccdf-text'
import { XmlReader } from './xml-reader'
import { BenchmarkModel, type ComponentRef, type Kind } from './xccdf-model'

const NS_DS = 'http://scap.nist.gov/schema/scap/source/1.2'
const NS_XCCDF = 'http://checklists.nist.gov/xccdf/1.2'
const NS_XLINK = 'http://www.w3.org/1999/xlink'

function xlinkHref(tag: XmlTag): string | undefined {
  for (const a of Object.values(tag.attributes) as XmlAttr[]) {
    if (a.uri === NS_XLINK && a.local === 'href') return a.value
  }
  return undefined
}

/** Components a datastream carries that the benchmark model never reads. */
const SKIPPED = new Set(['oval_definitions', 'ocil', 'cpe-list', 'Signature'])

export class DatastreamReader {
  readonly reader: XmlReader
  private readonly lim: Required<Limits>
  private readonly model: BenchmarkModel
  private sawRoot = false
  private readonly kinds: Kind[] = []
  private capture: TextCapture | null = null

  scapVersion = ''
  private collectionVersion = ''
  private dataStreamId = ''
  private dataStreamVersion = ''
  private componentId = ''
  /** component id → the data-stream and checklist component-ref that point at it. */
  private readonly refs = new Map<string, ComponentRef>()

  constructor(lim: Required<Limits>) {
    this.lim = lim
    this.model = new BenchmarkModel(lim, {
      startCapture: (mode, done) => this.startCapture(mode, done),
      componentId: () => this.componentId,
    })
    this.reader = new XmlReader(lim, {
      open: (t) => this.onOpen(t),
      close: (t) => this.onClose(t),
      text: (t) => this.onText(t),
      cdata: (t) => {
        if (this.capture) this.onText(t)
      },
    })
  }

  private onText(t: string): void {
    this.capture?.text(t)
  }

  private startCapture(mode: CaptureMode, done: (text: string) => void): Kind {
    const tooLong = () => this.reader.textTooLong()
    this.capture = new TextCapture(this.reader.depth, mode, done, this.lim.maxTextLength, tooLong)
    this.reader.textOn()
    return 'capture'
  }

  private onOpen(tag: XmlTag): void {
    if (this.capture) return this.capture.open(tag, this.reader.depth)
    if (!this.sawRoot) this.checkRoot(tag)
    const parent = this.kinds[this.kinds.length - 1]
    const kind = this.classify(tag, parent)
    // The checking engines' content (OVAL, OCIL, CPE) and signatures are read under every check, not built.
    if (kind === 'other' && tag.uri !== NS_XCCDF && tag.uri !== NS_DS && SKIPPED.has(tag.local))
      this.reader.skip()
    this.kinds.push(kind)
  }

  private onClose(tag: XmlTag): void {
    const c = this.capture
    if (c && this.reader.depth > c.depth) return c.close(tag, this.reader.depth)
    if (c) {
      this.capture = null
      this.reader.textOff()
      c.finish()
    }
    const kind = this.kinds.pop()
    this.model.close(kind)
  }

  private checkRoot(tag: XmlTag): void {
    this.sawRoot = true
    if (tag.uri === NS_DS && tag.local === 'data-stream-collection') {
      this.collectionVersion = attr(tag, 'schematron-version') ?? ''
      return
    }
    if (tag.uri === NS_XCCDF && tag.local === 'Benchmark') return
    if (tag.local === 'Benchmark' && tag.uri.startsWith('http://checklists.nist.gov/xccdf/')) {
      throw new ScapError(
        'not_scap',
        `The file is an XCCDF Benchmark in namespace ${tag.uri}; Driftwatch reads XCCDF 1.2`,
      )
    }
    throw new ScapError(
      'not_scap',
      `The file is XML but not SCAP content: its root element is {${tag.uri}}${tag.local}, not a source ` +
        'data-stream-collection or an XCCDF 1.2 Benchmark',
    )
  }

  private classify(tag: XmlTag, parent: Kind | undefined): Kind {
    if (tag.uri === NS_DS) return this.classifyDs(tag, parent)
    if (tag.uri !== NS_XCCDF) return 'other'
    return this.model.open(tag, parent)
  }

  private classifyDs(tag: XmlTag, parent: Kind | undefined): Kind {
    switch (tag.local) {
      case 'data-stream':
        this.dataStreamId = attr(tag, 'id') ?? ''
        this.dataStreamVersion = attr(tag, 'scap-version') ?? ''
        if (!this.scapVersion) this.scapVersion = this.dataStreamVersion
        return 'data-stream'
      case 'checklists':
        return parent === 'data-stream' ? 'checklists' : 'other'
      case 'component-ref': {
        const href = xlinkHref(tag)
        if (parent === 'checklists' && href?.startsWith('#') && !this.refs.has(href.slice(1))) {
          this.refs.set(href.slice(1), {
            dataStreamId: this.dataStreamId,
            refId: attr(tag, 'id') ?? '',
            scapVersion: this.dataStreamVersion,
          })
        }
        return 'other'
      }
      case 'component':
        this.componentId = attr(tag, 'id') ?? ''
        return 'other'
      default:
        return 'other'
    }
  }

  /** The benchmarks as plain data; without a data-stream version, the first a checklist ref gives. */
  finish(): Benchmark[] {
    const benchmarks = this.model.finish(this.refs)
    for (const b of benchmarks) {
      if (this.scapVersion) break
      const ref = b.componentId ? this.refs.get(b.componentId) : undefined
      this.scapVersion = ref?.scapVersion || this.collectionVersion
    }
    return benchmarks
  }
}

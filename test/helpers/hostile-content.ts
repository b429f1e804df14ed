// A hostile datastream for the hostile-content tests: the real (widened) Debian 11 datastream with payloads put
// into the title, description and rationale of one rule the standard profile evaluates, so a real scan of
// this computer carries them into results, the UI and reports. Every payload, if it ever ran, would set
// window.__pwned, raise a dialog and write "PWNED" into the page: the tests look for all three.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { widenedDebian11Datastream } from '../services/lib'

/** Fails on this machine and in CI (System.map is world-readable in Debian's images), so the PDF lists it. */
export const HOSTILE_RULE = 'xccdf_org.ssgproject.content_rule_file_permissions_systemmap'
export const HOSTILE_RULE_SHORT = 'file_permissions_systemmap'
/** What a payload would do if it ran; "PWNED" is spelt with char codes so only running it writes the word. */
export const JS =
  'window.__pwned=1;alert(document.domain);document.body.prepend(String.fromCharCode(80,87,78,69,68))'
export const RAN = 'PWNED'

const x = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** The title as text: markup that is only characters (escaped in the XML), shown literally. */
export const TITLE_TEXT = `System.map <script>${JS}</script><img src=x onerror="${JS}"> &lt;b&gt;`

/** Literal texts the description and rationale must show as characters. */
export const DESCRIPTION_LITERALS = [
  `<script>${JS}</script>`,
  `<img src=x onerror="${JS}">`,
  `<a href="javascript:${JS}">link</a>`,
  `<svg/onload=${JS}>`,
  '&lt;iframe srcdoc=x&gt;',
]
export const RATIONALE_LITERAL = `<body onload="${JS}">`

function payloads() {
  const title = x(TITLE_TEXT)
  // Real XHTML elements (the parser must drop or flatten them) and escaped markup (text that looks like tags).
  const description = [
    'Hostile description starts here.',
    `<html:script>${JS}</html:script>`,
    `<html:img src="x" onerror="${JS}"/>`,
    `<html:a href="javascript:${JS}">click for details</html:a>`,
    `<html:p onclick="${JS}" onmouseover="${JS}">Paragraph with handlers.</html:p>`,
    `<html:iframe src="javascript:${JS}"/>`,
    '<html:style>body{display:none}</html:style>',
    `Escaped: ${x(DESCRIPTION_LITERALS[0]!)} ${x(DESCRIPTION_LITERALS[1]!)} ${x(DESCRIPTION_LITERALS[2]!)}`,
    `Character references: &#60;svg/onload=${JS}&#62; and ${x(DESCRIPTION_LITERALS[4]!)}`,
    'Hostile description ends here.',
  ].join('\n')
  const rationale = `<html:img src="x" onerror="${JS}"/>Rationale text ${x(RATIONALE_LITERAL)} ends.`
  return { title, description, rationale }
}

/** Writes the hostile datastream into dir and returns its path. */
export async function hostileDatastream(dir: string): Promise<string> {
  const widened = await widenedDebian11Datastream(dir)
  const xml = readFileSync(widened, 'utf8')
  const start = xml.indexOf(`<xccdf-1.2:Rule selected="false" id="${HOSTILE_RULE}"`)
  const end = xml.indexOf('</xccdf-1.2:Rule>', start)
  if (start < 0 || end < 0) throw new Error(`${HOSTILE_RULE} is not in the Debian 11 datastream any more`)
  const p = payloads()
  let rule = xml.slice(start, end)
  const swap = (tag: string, body: string) => {
    const re = new RegExp(`<xccdf-1\\.2:${tag}>[\\s\\S]*?</xccdf-1\\.2:${tag}>`)
    if (!re.test(rule)) throw new Error(`${HOSTILE_RULE} has no <${tag}>`)
    rule = rule.replace(re, () => `<xccdf-1.2:${tag}>${body}</xccdf-1.2:${tag}>`)
  }
  swap('title', p.title)
  swap('description', p.description)
  swap('rationale', p.rationale)
  const out = join(dir, 'ssg-debian11-hostile-ds.xml')
  writeFileSync(out, xml.slice(0, start) + rule + xml.slice(end))
  return out
}

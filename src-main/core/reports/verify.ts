// Checks an evidence bundle: the manifest's Ed25519 signature, every listed file's SHA-256, files added or
// missing, and the audit log's hash chain against the head the signed manifest records. Each problem names
// the file (and, for the audit log, the entry) at fault. The zip itself is read strictly (zip-strict.ts) first.
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto'
import { fromJsonLines, verifyChain } from '../audit/log'
import { keyFingerprint } from '../vault/signing-key'
import { AUDIT_LOG, BUNDLE_KIND, MANIFEST, PUBLIC_KEY, SIGNATURE, type Manifest } from './bundle'
import { readZipStrictly } from './zip-strict'

export interface VerifyReport {
  ok: boolean
  files: number
  /** The fingerprint of the key that signed the manifest, for a person to compare with the one they trust. */
  signedBy: string
  problems: { file: string; message: string }[]
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

export function verifyBundle(zipBytes: Uint8Array, opts: { trustedKeyPem?: string } = {}): VerifyReport {
  const problems: VerifyReport['problems'] = []
  // A zip that can be read two ways is refused before anything in it is believed.
  const zip = readZipStrictly(zipBytes)
  if (zip.problems.length) return { ok: false, files: 0, signedBy: '', problems: zip.problems }
  const files = zip.files
  const text = (name: string) => {
    const data = files.get(name)
    return data ? Buffer.from(data).toString('utf8') : undefined
  }
  const manifestBytes = files.get(MANIFEST)
  if (!manifestBytes)
    return {
      ok: false,
      files: 0,
      signedBy: '',
      problems: [{ file: MANIFEST, message: 'missing: this is not a Driftwatch evidence bundle' }],
    }
  let manifest: Manifest
  try {
    manifest = JSON.parse(Buffer.from(manifestBytes).toString('utf8')) as Manifest
    if (manifest.kind !== BUNDLE_KIND || !Array.isArray(manifest.files)) throw new Error('wrong kind')
  } catch {
    return {
      ok: false,
      files: 0,
      signedBy: '',
      problems: [{ file: MANIFEST, message: 'is not a Driftwatch bundle manifest' }],
    }
  }

  // The signature: over the manifest's exact bytes, by the key in the bundle (and the trusted one, if given).
  const pem = text(PUBLIC_KEY)
  const sig = text(SIGNATURE)
  let signedBy = ''
  if (!pem) problems.push({ file: PUBLIC_KEY, message: 'missing: the signature cannot be checked' })
  else if (!sig) problems.push({ file: SIGNATURE, message: 'missing: the manifest is not signed' })
  else {
    try {
      signedBy = keyFingerprint(pem)
      const good = verifySignature(
        null,
        manifestBytes,
        createPublicKey(pem),
        Buffer.from(sig.trim(), 'base64'),
      )
      if (!good)
        problems.push({
          file: MANIFEST,
          message: `the signature in ${SIGNATURE} does not match: the manifest or its signature was changed`,
        })
      if (manifest.signature?.fingerprint && manifest.signature.fingerprint !== signedBy)
        problems.push({ file: PUBLIC_KEY, message: 'is not the key the manifest names' })
      if (opts.trustedKeyPem && keyFingerprint(opts.trustedKeyPem) !== signedBy)
        problems.push({
          file: PUBLIC_KEY,
          message: `was signed by ${signedBy}, not by the trusted key ${keyFingerprint(opts.trustedKeyPem)}`,
        })
    } catch (err) {
      problems.push({
        file: PUBLIC_KEY,
        message: `cannot be used to check the signature (${(err as Error).message})`,
      })
    }
  }

  const listed = new Set<string>()
  for (const f of manifest.files) {
    listed.add(f.path)
    const data = files.get(f.path)
    if (!data)
      problems.push({ file: f.path, message: 'is listed in the manifest but missing from the bundle' })
    else if (sha256(data) !== f.sha256)
      problems.push({
        file: f.path,
        message: `differs: its SHA-256 is ${sha256(data)}, the manifest says ${f.sha256}`,
      })
  }
  for (const name of [...files.keys()].sort())
    if (!listed.has(name) && name !== MANIFEST && name !== SIGNATURE && name !== PUBLIC_KEY)
      problems.push({ file: name, message: 'is in the bundle but not in the manifest (added after signing)' })

  const log = text(AUDIT_LOG)
  if (log !== undefined) {
    const { entries, problems: parse } = fromJsonLines(log)
    const chain = verifyChain(
      entries,
      manifest.audit ? { count: manifest.audit.entries, hash: manifest.audit.head } : undefined,
    )
    for (const p of [...parse, ...chain])
      problems.push({ file: `${AUDIT_LOG} entry ${p.seq}`, message: p.message })
  }

  return { ok: problems.length === 0, files: manifest.files.length, signedBy, problems }
}

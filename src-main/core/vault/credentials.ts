// The credentials in the vault: metadata anyone may read, secrets sealed under the data key (bound to their
// id and kind), handed out only at an address the credential is bound to and zero-filled after use; plus
// other sealed blobs (the report signing key) and confirming a credential at a new address.
import { randomUUID } from 'node:crypto'
import type { CredentialKind, Target } from '../../../src-preload/contract'
import type { CredMetaRow, CredRow, VaultRepo } from '../store/vault'
import { violation } from '../store/sql/engine'
import type { CredentialBindings } from './bindings'
import { BlobError, FORMAT_VERSION, open, pack, seal, unpack } from './crypto'
import { VaultError } from './errors'
import type { PassphraseGate } from './passphrase'
import type { MemberRow } from '../store/vault-members'
import { checkMeta, checkSecret, type MetaInput } from './secrets'
import type { VaultSession } from './session'
import type { CredentialMeta, SecretBuffers, VaultOptions } from './types'

const credAad = (id: string, kind: string) => `driftwatch-credential|v${FORMAT_VERSION}|${id}|${kind}`
const sealedAad = (purpose: string) => `driftwatch-sealed|v${FORMAT_VERSION}|${purpose}`

export class CredentialStore {
  constructor(
    private readonly opts: VaultOptions,
    private readonly repo: VaultRepo,
    private readonly bindings: CredentialBindings,
    private readonly session: VaultSession,
    private readonly gate: PassphraseGate,
    /** Whose passphrase confirms an address: the member who unlocked (or the only one). */
    private readonly confirmingMember: () => MemberRow,
  ) {}

  list(): CredentialMeta[] {
    return this.repo.credentials().map(toMeta)
  }

  get(id: string): CredentialMeta {
    return toMeta(this.credRow(id))
  }

  add(kind: CredentialKind, name: string, meta: MetaInput, secret: Record<string, string>): CredentialMeta {
    const checkedName = checkName(name)
    const key = this.session.requireKey(`add ${checkedName}`)
    this.checkNameFree(checkedName)
    const { fields, fingerprint } = checkSecret(kind, secret)
    const publicMeta = { ...checkMeta(meta), ...(fingerprint && { fingerprint }) }
    const id = randomUUID()
    const now = this.session.now()
    const plain = pack(fields)
    try {
      this.repo.addCredential({
        id,
        kind,
        name: checkedName,
        meta: JSON.stringify(publicMeta),
        ciphertext: seal(key, plain, credAad(id, kind)),
        at: now,
      })
    } catch (err) {
      throw uniqueViolation(err, checkedName)
    } finally {
      plain.fill(0)
    }
    this.remember(fields)
    this.session.activity()
    return this.get(id)
  }

  /** Renames, edits metadata, and/or rotates the secret (a new secret sets rotatedAt). */
  update(
    id: string,
    change: { name?: string; meta?: MetaInput; secret?: Record<string, string> },
  ): CredentialMeta {
    const current = this.get(id)
    const key = this.session.requireKey(`change ${current.name}`)
    const name = change.name === undefined ? current.name : checkName(change.name)
    if (name.toLowerCase() !== current.name.toLowerCase()) this.checkNameFree(name)
    const meta = { ...current.meta, ...(change.meta && checkMeta(change.meta)) }
    const rotated = change.secret ? checkSecret(current.kind, change.secret) : undefined
    if (rotated) {
      delete meta.fingerprint
      if (rotated.fingerprint) meta.fingerprint = rotated.fingerprint
    }
    const now = this.session.now()
    const plain = rotated ? pack(rotated.fields) : undefined
    try {
      this.repo.updateCredential(id, {
        name,
        meta: JSON.stringify(meta),
        ciphertext: plain && seal(key, plain, credAad(id, current.kind)),
        at: now,
      })
    } catch (err) {
      throw uniqueViolation(err, name)
    } finally {
      plain?.fill(0)
    }
    if (rotated) this.remember(rotated.fields)
    this.session.activity()
    return this.get(id)
  }

  remove(id: string): void {
    const current = this.get(id)
    this.session.requireKey(`remove ${current.name}`)
    this.repo.removeCredential(id)
    this.session.activity()
  }

  /**
   * The explicit act that lets a credential be used at a new address: the passphrase again (with the same
   * backoff as an unlock), then the target's address is bound to each credential. Returns what was bound.
   */
  async confirmAddress(
    passphrase: string,
    credentialIds: string[],
    target: Target,
  ): Promise<{ address: string | null; bound: { id: string; name: string; from: string[] }[] }> {
    this.session.requireRow()
    const creds = credentialIds.map((id) => this.get(id))
    this.session.requireKey(`confirm ${creds.map((c) => c.name).join(', ') || 'a credential'}`)
    const member = this.confirmingMember()
    ;(await this.gate.unwrap({ passphrase }, member, 'Wrong passphrase', 'confirm-address')).fill(0)
    const address = this.bindings.addressOf(target)
    const bound: { id: string; name: string; from: string[] }[] = []
    if (address !== null)
      for (const c of creds) {
        const from = this.bindings.addresses(c.id)
        if (this.bindings.add(c.id, address, 'confirmed')) bound.push({ id: c.id, name: c.name, from })
      }
    this.session.activity()
    return { address, bound }
  }

  /**
   * Decrypts into Buffers, hands them to `fn`, and zero-fills them when `fn` settles, also when it throws.
   * `fn` must not keep the Buffers (copy what must outlive the call).
   */
  async withSecret<T>(
    id: string,
    /**
     * The target the secret is for: it is handed out only at an address the credential is bound to (see
     * bindings.ts). null for secrets that go to no target (alert channels).
     */
    target: Target | null,
    fn: (secret: SecretBuffers) => T | Promise<T>,
  ): Promise<T> {
    const row = this.credRow(id)
    const key = this.session.requireKey(`use ${row.name}`)
    if (target) this.bindings.claim(row, target)
    let plain: Buffer
    try {
      plain = open(key, row.ciphertext, credAad(row.id, row.kind))
    } catch (err) {
      throw damaged(row.name, err)
    }
    try {
      let fields: SecretBuffers
      try {
        fields = unpack(plain)
      } catch (err) {
        throw damaged(row.name, err)
      }
      this.remember(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.toString('utf8')])))
      return await fn(fields)
    } finally {
      plain.fill(0)
    }
  }

  /**
   * Seals bytes that are not a credential (the report signing key) under the data key, bound to `purpose`,
   * so such a blob opens only for the same purpose. Needs the vault unlocked; `action` says why, for the error.
   */
  sealFor(purpose: string, plain: Buffer, action: string): Buffer {
    return seal(this.session.requireKey(action), plain, sealedAad(purpose))
  }

  /** Opens a blob from sealFor, hands it to `fn`, and zero-fills it when `fn` settles. */
  async withSealed<T>(
    purpose: string,
    blob: Buffer,
    action: string,
    fn: (plain: Buffer) => T | Promise<T>,
  ): Promise<T> {
    let plain: Buffer
    try {
      plain = open(this.session.requireKey(action), blob, sealedAad(purpose))
    } catch (err) {
      if (err instanceof VaultError) throw err
      throw damaged(purpose, err)
    }
    try {
      return await fn(plain)
    } finally {
      plain.fill(0)
    }
  }

  private credRow(id: string): CredRow {
    const row = this.repo.credential(id)
    if (!row) throw new VaultError('not_found', 'That credential does not exist (was it deleted?)')
    return row
  }

  private checkNameFree(name: string): void {
    if (this.repo.nameTaken(name)) throw duplicate(name)
  }

  /** Tells the redactor every secret handed out or stored, so no log line can carry it. */
  private remember(fields: Record<string, string>): void {
    for (const v of Object.values(fields)) this.opts.redactor?.registerSecret(v)
  }
}

function checkName(name: unknown): string {
  const n = typeof name === 'string' ? name.trim() : ''
  if (!n) throw new VaultError('invalid', 'name is required')
  if (n.length > 100) throw new VaultError('invalid', 'name is longer than 100 characters')
  return n
}

const duplicate = (name: string) =>
  new VaultError('duplicate_name', `A credential named "${name}" already exists`)

/** Another process (the CLI beside the app) can win the race between the name check and the insert. */
function uniqueViolation(err: unknown, name: string): unknown {
  return violation(err) === 'unique' ? duplicate(name) : err
}

function damaged(name: string, err: unknown): VaultError {
  if (err instanceof BlobError && err.kind === 'truncated')
    return new VaultError(
      'truncated',
      `The stored secret of "${name}" is truncated (${err.detail}); rotate it to store it again`,
    )
  return new VaultError(
    'tampered',
    `The stored secret of "${name}" was modified or damaged and cannot be trusted; ` +
      'rotate it to store it again',
  )
}

function toMeta(r: CredMetaRow): CredentialMeta {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    meta: JSON.parse(r.meta) as CredentialMeta['meta'],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    rotatedAt: r.rotated_at,
  }
}

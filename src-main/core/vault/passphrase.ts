// Every passphrase attempt goes through here: the member's header read (refusing damage and downgrades) before
// any key is derived, the member's wrong-passphrase backoff shared by
// every process on the store, and the audit event; also the strength rule.
import type { MemberRow, VaultMembersRepo } from '../store/vault-members'
import { backoffDelay, type FailureRecord } from './control'
import {
  BlobError,
  checksum,
  FORMAT_VERSION,
  KDF_MINIMUM,
  open,
  seal,
  type Header,
  type ScryptCost,
} from './crypto'
import { deriveMemberKey, memberAad, secretKind, type MemberSecret } from './members'
import { RESTORE, VaultError } from './errors'
import { readHeader } from './header'
import { MIN_PASSPHRASE, type PassphraseAttempt, type PassphraseEvent, type VaultOptions } from './types'

/** Binds a wrap from before members (schema 20) to its header, so neither can be swapped alone. */
export const KEY_AAD = 'driftwatch-vault-key|'
// A known value sealed under the data key: how a key from the keychain is checked before it is trusted.
export const CHECK_AAD = `driftwatch-vault-check|v${FORMAT_VERSION}`

export class PassphraseGate {
  constructor(
    private readonly opts: VaultOptions,
    private readonly members: VaultMembersRepo,
  ) {}

  /** A member's header, checked before any key derivation; tests may lower the floor, never below it. */
  header(row: MemberRow): Header {
    return readHeader(row, this.floor())
  }

  floor(): ScryptCost {
    return this.opts.unsafeKdfForTests ?? KDF_MINIMUM
  }

  /**
   * Derives the member's key-encryption key and opens their wrap of the data key. Wrong passphrases are counted
   * per member in the store, which every process shares, so restarting does not reset the backoff and one
   * member's typos never make another wait; while a member's backoff runs, their attempts are refused before
   * any derivation. A wrap from before members is rewrapped bound to its member once it opened.
   */
  async unwrap(
    secret: MemberSecret,
    member: MemberRow,
    wrongMessage: string,
    attempt: PassphraseAttempt,
  ): Promise<Buffer> {
    const header = this.header(member)
    if (secretKind(secret) !== member.secret_kind)
      throw new VaultError(
        'invalid',
        member.secret_kind === 'key-file'
          ? `Vault member "${member.name}" unlocks with a key file, not a passphrase`
          : `Vault member "${member.name}" unlocks with a passphrase, not a key file`,
      )
    const at = member.next_attempt_at ? Date.parse(member.next_attempt_at) : 0
    const waitMs = Math.max(0, at - this.opts.clock.now().getTime())
    if (waitMs > 0) {
      this.tell({ type: 'refused', attempt, member: member.name, waitMs })
      throw new VaultError(
        'backoff',
        `Too many wrong passphrases for "${member.name}": wait ${Math.ceil(waitMs / 1000)} s before trying again`,
      )
    }
    const kek = await deriveMemberKey(secret, header.kdf)
    try {
      const aad = member.bound ? memberAad(member, member.header) : KEY_AAD + member.header
      const dk = open(kek, member.wrapped_key, aad)
      this.members.clearFailures(member.id)
      if (!member.bound) {
        const wrapped = seal(kek, dk, memberAad(member, member.header))
        this.members.rewrap(member.id, member.header, checksum(member.header, wrapped), wrapped)
      }
      return dk
    } catch (err) {
      // The checksum vouched for the record, so a failure here is the passphrase (or deliberate tampering,
      // which cannot be told from it without the passphrase).
      if (err instanceof BlobError && err.kind === 'truncated')
        throw new VaultError('truncated', `The vault's wrapped key is truncated; ${RESTORE}`)
      if (!(err instanceof BlobError)) throw err
      const failure = this.recordFailure(member.id)
      this.tell({ type: 'wrong', attempt, member: member.name, ...failure })
      throw new VaultError(
        'wrong_passphrase',
        failure.delayMs > 0
          ? `${wrongMessage} (${failure.failures} wrong in a row: the next try must wait ${Math.ceil(failure.delayMs / 1000)} s)`
          : wrongMessage,
      )
    } finally {
      kek.fill(0)
    }
  }

  /** Counts a wrong passphrase for this member; from the FREE_ATTEMPTS-th on, each further attempt waits. */
  private recordFailure(memberId: string): FailureRecord {
    let delayMs = 0
    const failures = this.members.updateFailures(memberId, (before) => {
      const n = before + 1
      delayMs = backoffDelay(n)
      const now = this.opts.clock.now()
      return {
        failures: n,
        lastFailureAt: now.toISOString(),
        nextAttemptAt: delayMs ? new Date(now.getTime() + delayMs).toISOString() : null,
      }
    })
    return { failures, delayMs }
  }

  private tell(event: PassphraseEvent): void {
    try {
      this.opts.onPassphrase?.(event)
    } catch {
      // Auditing must not turn a refused passphrase into another error.
    }
  }
}

export function checkPassphrase(p: string): void {
  const length = [...p.normalize('NFKC')].length
  if (length < MIN_PASSPHRASE)
    throw new VaultError(
      'weak_passphrase',
      `Use a passphrase of at least ${MIN_PASSPHRASE} characters (this one has ${length}); ` +
        'several words are easy to remember',
    )
}

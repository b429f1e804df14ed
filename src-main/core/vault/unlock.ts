// Creating, unlocking and re-keying the vault: a random data key wrapped once per member by a key derived from
// that member's passphrase or key file (scrypt, with the member's header's parameters); adding and removing
// members; and a lock that lands during a derivation always wins.
import { randomBytes, randomUUID } from 'node:crypto'
import type { VaultRepo } from '../store/vault'
import type { MemberRow, NewMember, VaultMembersRepo } from '../store/vault-members'
import type { VaultControl } from './control'
import { canonical, checksum, KDF_DEFAULT, newHeader, seal } from './crypto'
import { RESTORE, VaultError } from './errors'
import {
  checkMemberName,
  checkMemberSecret,
  deriveMemberKey,
  FIRST_MEMBER,
  memberAad,
  secretKind,
  toMemberInfo,
  type MemberInfo,
  type MemberSecret,
} from './members'
import { CHECK_AAD, checkPassphrase, type PassphraseGate } from './passphrase'
import type { RememberedKey } from './remembered'
import { REASON_TEXT, type VaultSession } from './session'
import { DEFAULT_AUTO_LOCK_MINUTES, type VaultOptions } from './types'

export class Unlocker {
  constructor(
    private readonly opts: VaultOptions,
    private readonly repo: VaultRepo,
    private readonly members: VaultMembersRepo,
    private readonly control: VaultControl,
    private readonly session: VaultSession,
    private readonly gate: PassphraseGate,
    private readonly remembered: RememberedKey,
  ) {}

  /** Creates the vault with its first member and leaves it unlocked. */
  async init(secret: MemberSecret, opts: { member?: string; by?: string } = {}): Promise<void> {
    if (this.session.row()) throw alreadyInitialised()
    const name = checkMemberName(opts.member ?? FIRST_MEMBER)
    checkMemberSecret(secret)
    const orphans = this.repo.credentialCount()
    if (orphans > 0)
      // A new data key could never open them: creating a vault here would quietly lose them for good.
      throw new VaultError(
        'header_corrupt',
        `The vault record is missing but ${orphans} stored credential${orphans === 1 ? ' is' : 's are'} ` +
          `still here; ${RESTORE} rather than creating a new vault, which could not open them`,
      )
    const epoch = this.session.epoch
    const dk = randomBytes(32)
    try {
      const member = await this.wrapFor(name, secret, dk, opts.by ?? '')
      // Another face may have created it while scrypt ran.
      if (this.session.row()) throw alreadyInitialised()
      this.repo.create({
        keyCheck: seal(dk, Buffer.from('ok'), CHECK_AAD),
        autoLockMinutes: DEFAULT_AUTO_LOCK_MINUTES,
        at: this.session.now(),
        member,
      })
    } catch (err) {
      dk.fill(0)
      throw err
    }
    if (epoch !== this.session.epoch) {
      dk.fill(0)
      this.session.notify('locked', this.session.lastLock)
      return
    }
    this.session.setKey(dk, name)
    this.session.notify('unlocked', 'init')
  }

  /**
   * Checks the member's passphrase or key file (even when unlocked), then unlocks as that member; `remember`
   * keeps the key on this device.
   */
  async unlock(secret: MemberSecret, opts: { member?: string; remember?: boolean } = {}): Promise<void> {
    this.session.requireRow()
    const member = this.member(opts.member)
    if (opts.remember) this.remembered.requireKeychain()
    const epoch = this.session.epoch
    const generation = this.control.generation()
    const dk = await this.gate.unwrap(secret, member, 'Wrong passphrase', 'unlock')
    const lockedBy = this.session.lockedSince(epoch, generation)
    if (lockedBy) {
      dk.fill(0)
      throw new VaultError(
        'locked',
        `The vault was locked ${REASON_TEXT[lockedBy]} while the passphrase was being checked; ` +
          'unlock it again',
      )
    }
    if (opts.remember) this.remembered.store(dk)
    this.session.setKey(dk, member.name)
    this.session.notify('unlocked', 'unlock')
  }

  /**
   * Re-wraps the data key under the member's new passphrase (and a fresh salt); no other member's wrap and no
   * credential is touched. The member is the one named, else the one who unlocked, else the only one.
   */
  async changePassphrase(current: string, next: string, opts: { member?: string } = {}): Promise<void> {
    checkPassphrase(next)
    if (next.normalize('NFKC') === current.normalize('NFKC'))
      throw new VaultError('invalid', 'The new passphrase is the same as the current one')
    this.session.requireRow()
    const member = this.member(opts.member ?? this.session.member ?? undefined)
    const epoch = this.session.epoch
    const dk = await this.gate.unwrap(
      { passphrase: current },
      member,
      'The current passphrase is wrong; the passphrase was not changed',
      'change-passphrase',
    )
    try {
      const fresh = await this.wrapFor(member.name, { passphrase: next }, dk, member.added_by, member.id)
      this.members.rewrap(member.id, fresh.header, fresh.checksum, fresh.wrapped_key)
    } catch (err) {
      dk.fill(0)
      throw err
    }
    // The new passphrase is in force either way; a lock that came meanwhile still wins.
    if (epoch !== this.session.epoch) {
      dk.fill(0)
      return
    }
    this.session.setKey(dk, member.name)
    this.session.notify('unlocked', 'passphrase')
  }

  /** Wraps the data key this process holds once more, for a new member; nothing else is rewrapped. */
  async addMember(rawName: string, secret: MemberSecret, by: string): Promise<MemberInfo> {
    const name = checkMemberName(rawName)
    checkMemberSecret(secret)
    if (this.members.byName(name)) throw duplicateMember(name)
    // A copy: a lock during the key derivation zero-fills the session's key, which must not be what is wrapped.
    const dk = Buffer.from(this.session.requireKey(`add the member "${name}"`))
    const epoch = this.session.epoch
    try {
      const member = await this.wrapFor(name, secret, dk, by)
      if (epoch !== this.session.epoch)
        throw new VaultError(
          'locked',
          `The vault was locked while "${name}" was being added; nothing was added`,
        )
      if (this.members.byName(name)) throw duplicateMember(name)
      // Audited in the same transaction: a member the audit log cannot record is not added.
      this.members.insert(member, () =>
        this.opts.onMembers?.({ type: 'added', name, kind: member.secret_kind }),
      )
      this.session.activity()
      return toMemberInfo(member)
    } finally {
      dk.fill(0)
    }
  }

  /** Deletes the member's wrap (only that); refused for the last member, whose loss would lose the vault. */
  removeMember(name: string): MemberInfo {
    const member = this.members.byName(name)
    if (!member) throw this.noSuchMember(name)
    this.session.requireKey(`remove the member "${member.name}"`)
    // Audited in the same transaction: a removal the audit log cannot record does not happen.
    const audit = () =>
      this.opts.onMembers?.({ type: 'removed', name: member.name, kind: member.secret_kind })
    if (!this.members.removeUnlessLast(member.id, audit))
      throw new VaultError(
        'invalid',
        `"${member.name}" is the vault's last member: add another member before removing this one, or no one ` +
          'could unlock the vault again',
      )
    this.session.activity()
    return toMemberInfo(member)
  }

  listMembers(): MemberInfo[] {
    return this.members.list().map(toMemberInfo)
  }

  /** The member an unlock is for: the one named, else the default, else the only one. */
  member(named?: string): MemberRow {
    const name = named ?? this.opts.defaultMember
    if (name !== undefined) {
      const m = this.members.byName(name)
      if (!m) throw this.noSuchMember(name)
      return m
    }
    const all = this.members.list()
    const only = all.length === 1 ? this.members.byId(all[0]!.id) : undefined
    if (only) return only
    if (all.length === 0)
      throw new VaultError('header_corrupt', `The vault has no member left to unlock it; ${RESTORE}`)
    throw new VaultError(
      'invalid',
      `This vault has ${all.length} members (${all.map((m) => m.name).join(', ')}): say which one you are ` +
        '(--member NAME)',
    )
  }

  private noSuchMember(name: string): VaultError {
    const names = this.members.list().map((m) => m.name)
    return new VaultError(
      'not_found',
      `The vault has no member named "${name}"${names.length ? ` (its members: ${names.join(', ')})` : ''}`,
    )
  }

  /** A member record holding a new wrap of `dk` under `secret`, with fresh parameters and salt. */
  private async wrapFor(
    name: string,
    secret: MemberSecret,
    dk: Buffer,
    by: string,
    id: string = randomUUID(),
  ): Promise<NewMember> {
    const header = newHeader(this.opts.unsafeKdfForTests ?? KDF_DEFAULT)
    const text = canonical(header)
    const kek = await deriveMemberKey(secret, header.kdf)
    try {
      const wrapped = seal(kek, dk, memberAad({ id, name }, text))
      return {
        id,
        name,
        secret_kind: secretKind(secret),
        header: text,
        checksum: checksum(text, wrapped),
        wrapped_key: wrapped,
        added_at: this.session.now(),
        added_by: by,
      }
    } finally {
      kek.fill(0)
    }
  }
}

const duplicateMember = (name: string) =>
  new VaultError('duplicate_name', `The vault already has a member named "${name}"`)

const alreadyInitialised = () =>
  new VaultError('already_initialised', 'The vault already exists; unlock it instead')

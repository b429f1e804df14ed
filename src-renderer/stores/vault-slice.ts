// The vault as the renderer knows it: its state and the credentials' names and metadata — never a secret.
import type { StateCreator } from 'zustand'
import type {
  CredentialInput,
  CredentialMeta,
  Req,
  VaultMember,
  VaultStatus,
} from '../../src-preload/contract'
import { api } from '../api/client'
import { errorText } from './loadable'
import type { State } from './index'

export interface VaultSlice {
  vault: VaultStatus | null
  credentials: CredentialMeta[]
  /** Why the vault's state or the credentials could not be read ('' when they were). */
  vaultError: string
  credentialsError: string
  /** The vault's members (names and how each unlocks; readable while locked), null until loaded. */
  vaultMembers: VaultMember[] | null
  vaultMembersError: string
  loadVault(): Promise<void>
  loadVaultMembers(): Promise<void>
  /** Wraps the vault key for one more member with their own passphrase (the vault must be unlocked). */
  addVaultMember(name: string, passphrase: string): Promise<VaultMember>
  /** That member can no longer unlock; refused for the last one. */
  removeVaultMember(name: string): Promise<void>
  loadCredentials(): Promise<void>
  initVault(passphrase: string): Promise<void>
  /** `member`: who is unlocking, on a vault several people and workers share. */
  unlockVault(passphrase: string, remember: boolean, member?: string): Promise<void>
  lockVault(): Promise<void>
  changePassphrase(current: string, next: string): Promise<void>
  setAutoLock(minutes: number): Promise<void>
  forgetDevice(): Promise<void>
  createCredential(input: CredentialInput): Promise<CredentialMeta>
  updateCredential(req: Req<'credentials.update'>): Promise<CredentialMeta>
  removeCredential(id: string): Promise<void>
}

export const createVaultSlice: StateCreator<State, [['zustand/devtools', never]], [], VaultSlice> = (
  set,
  get,
) => {
  const withStatus = async (p: Promise<VaultStatus>) => {
    set({ vault: await p })
    await get().loadCredentials()
  }
  return {
    vault: null,
    credentials: [],
    vaultError: '',
    credentialsError: '',
    vaultMembers: null,
    vaultMembersError: '',
    async loadVaultMembers() {
      try {
        const { members } = await api.invoke('vault.members', {})
        set({ vaultMembers: members, vaultMembersError: '' })
      } catch (err) {
        set({ vaultMembersError: errorText(err) })
      }
    },
    async addVaultMember(name, passphrase) {
      const m = await api.invoke('vault.addMember', { name, passphrase })
      await Promise.all([get().loadVaultMembers(), get().loadVault()])
      return m
    },
    async removeVaultMember(name) {
      await api.invoke('vault.removeMember', { name })
      await Promise.all([get().loadVaultMembers(), get().loadVault()])
    },
    async loadVault() {
      try {
        set({ vault: await api.invoke('vault.status', {}), vaultError: '' })
      } catch (err) {
        set({ vaultError: errorText(err) })
      }
    },
    async loadCredentials() {
      try {
        const { credentials } = await api.invoke('credentials.list', {})
        set({ credentials, credentialsError: '' })
      } catch (err) {
        set({ credentialsError: errorText(err) })
      }
    },
    initVault: (passphrase) => withStatus(api.invoke('vault.init', { passphrase })),
    unlockVault: (passphrase, remember, member) =>
      withStatus(api.invoke('vault.unlock', { passphrase, remember, ...(member && { member }) })),
    lockVault: () => withStatus(api.invoke('vault.lock', {})),
    changePassphrase: (current, next) => withStatus(api.invoke('vault.changePassphrase', { current, next })),
    setAutoLock: (minutes) => withStatus(api.invoke('vault.setAutoLock', { minutes })),
    forgetDevice: () => withStatus(api.invoke('vault.forgetDevice', {})),
    async createCredential(input) {
      const c = await api.invoke('credentials.create', { credential: input })
      await get().loadCredentials()
      return c
    },
    async updateCredential(req) {
      const c = await api.invoke('credentials.update', req)
      await get().loadCredentials()
      return c
    },
    async removeCredential(id) {
      await api.invoke('credentials.remove', { id })
      await get().loadCredentials()
    },
  }
}

export const vaultSelectors = {
  status: (s: State) => s.vault,
  members: (s: State) => s.vaultMembers,
  membersError: (s: State) => s.vaultMembersError,
  state: (s: State) => s.vault?.state ?? null,
  credentials: (s: State) => s.credentials,
  vaultError: (s: State) => s.vaultError,
  credentialsError: (s: State) => s.credentialsError,
}

// Binds each credential to the addresses it was first used at, so moving a target (or pointing a new one at
// another server) cannot pull its secret out: using it elsewhere needs the passphrase again.
import type { Target } from '../../../src-preload/contract'
import type { Sql } from '../store/sql/engine'
import { CredentialBindingsRepo, type BindingHow } from '../store/credential-bindings'
import { AppError } from '../errors'

/**
 * The normal forms of a binding address, for kinds to build theirs with (each kind's descriptor says where its
 * secrets go: scanners/kind.ts bindingAddress). The migration that bound credentials already in use writes the
 * same normal forms in SQL: keep the two in step.
 */
export function hostPortBinding(host: string, port: number): string {
  const h = host.toLowerCase().replace(/[[\]]/g, '')
  return `${h.includes(':') ? `[${h}]` : h}:${port}`
}

/** An API base URL (GitHub's), lower-cased and without trailing slashes. */
export const urlBinding = (url: string): string => url.trim().toLowerCase().replace(/\/+$/, '')

/** Where a target's secrets go (host:port, an API URL), or null when they never leave this computer. */
export type BindingAddress = (t: Target) => string | null

/** The issue path a face looks for to offer "confirm with the passphrase" instead of a plain error. */
export const REBIND_ISSUE = 'rebindCredential'

/** A credential asked for at an address it is not bound to: refused until a person confirms. */
export class CredentialAddressError extends AppError {
  constructor(
    readonly credentialId: string,
    readonly credentialName: string,
    readonly boundTo: string[],
    readonly address: string,
  ) {
    const message =
      `Credential "${credentialName}" is bound to ${boundTo.join(', ')}; confirm to use it at ${address} ` +
      '(enter the vault passphrase again; on the command line add --rebind-credential)'
    super('forbidden', message, [{ path: REBIND_ISSUE, message }])
    this.name = 'CredentialAddressError'
  }
}

export type { BindingHow }

export class CredentialBindings {
  private readonly repo: CredentialBindingsRepo

  constructor(
    sql: Sql,
    private readonly now: () => string,
    /** Asked of the target's kind (the registry), so this room never branches on a kind. */
    readonly addressOf: BindingAddress,
  ) {
    this.repo = new CredentialBindingsRepo(sql)
  }

  addresses(credentialId: string): string[] {
    return this.repo.addresses(credentialId)
  }

  /**
   * Allows handing out the credential for `target`: binds it on its first use, passes at a bound address,
   * and throws CredentialAddressError anywhere else. One transaction, so two processes racing on a first
   * use cannot both bind.
   */
  claim(cred: { id: string; name: string }, target: Target): void {
    const address = this.addressOf(target)
    if (address === null) return
    this.repo.atomically(() => {
      const bound = this.addresses(cred.id)
      if (bound.includes(address)) return
      if (bound.length > 0) throw new CredentialAddressError(cred.id, cred.name, bound, address)
      this.add(cred.id, address, 'first-use')
    })
  }

  /** Whether `target` may use the credential now, without binding anything. */
  allows(credentialId: string, target: Target): boolean {
    const address = this.addressOf(target)
    if (address === null) return true
    const bound = this.addresses(credentialId)
    return bound.length === 0 || bound.includes(address)
  }

  /** Adds an address a person confirmed; false when it was bound already. */
  add(credentialId: string, address: string, how: BindingHow): boolean {
    return this.repo.add(credentialId, address, how, this.now())
  }
}

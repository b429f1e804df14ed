// The set-up most database tests start from: a new vault, a password credential for a PostgreSQL server's
// superuser, and a postgres target that uses it (TLS verified against the server's CA when it is hardened).
import type { Core } from '../../src-main/core/app'
import type { PgService } from '../services/lib'
import { call } from './core'

export interface VaultTargetOptions {
  passphrase: string
  /** The credential's name in the vault (default "pg admin"). */
  credentialName?: string
  /** The target's name (default "billing-pg"). */
  targetName?: string
}

export async function vaultWithPostgresTarget(
  core: Core,
  pgs: PgService,
  opts: VaultTargetOptions,
): Promise<{ targetId: string; credentialId: string }> {
  await call(core, 'vault.init', { passphrase: opts.passphrase })
  const cred = await call(core, 'credentials.create', {
    credential: {
      kind: 'db-password',
      name: opts.credentialName ?? 'pg admin',
      username: pgs.user,
      secret: { password: pgs.password },
    },
  })
  const tls = pgs.hardened
    ? { tls: 'verify-full' as const, caFile: pgs.caCertPath!, database: pgs.database }
    : { tls: 'disable' as const }
  const target = await call(core, 'targets.create', {
    target: {
      kind: 'postgres',
      name: opts.targetName ?? 'billing-pg',
      host: pgs.host,
      port: pgs.port,
      user: pgs.user,
      ...tls,
      credentialId: cred.id,
    },
  })
  return { targetId: target.id, credentialId: cred.id }
}

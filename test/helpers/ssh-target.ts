// An SSH target on a test sshd that logs in as root with that server's own key, stored in the (unlocked) vault.
import { readFileSync } from 'node:fs'
import type { Core } from '../../src-main/core/app'
import type { SshdService } from '../services/lib'
import { call } from './core'

/** The key credential for `sshd`'s root login; its id. */
export async function rootKeyCredential(core: Core, sshd: SshdService, name: string): Promise<string> {
  const key = await call(core, 'credentials.create', {
    credential: { kind: 'ssh-key', name, secret: { privateKey: readFileSync(sshd.privateKeyPath, 'utf8') } },
  })
  return key.id
}

/** A target named `name` scanning `sshd` as root by key; its id. */
export async function rootKeyTarget(core: Core, sshd: SshdService, name: string): Promise<string> {
  const credentialId = await rootKeyCredential(core, sshd, `${name} root key`)
  const target = await call(core, 'targets.create', {
    target: { kind: 'ssh', name, host: '127.0.0.1', port: sshd.port, user: 'root', credentialId },
  })
  return target.id
}

// An SSH target on a test sshd that logs in as root with that server's own key, stored in the (unlocked) vault,
// in-process or through the CLI.
import { expect } from 'vitest'
import { readFileSync } from 'node:fs'
import type { Core } from '../../src-main/core/app'
import type { SshdService } from '../services/lib'
import { call } from './core'
import { runCli } from './cli'
import { floorCostVault } from './vault-cost'

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

/**
 * A data folder set up through the CLI for `driftwatch scan` of SSH hosts: the content imported and a vault made
 * at the lowest cost the CLI accepts (helpers/vault-cost.ts). `cli(...)` runs a command on it and expects exit 0;
 * `addRootKeyTarget` registers `sshd` as a target logging in as root with the server's key (credential and target
 * both named `name`; `extra` goes to `targets add`, e.g. --group).
 */
export async function cliScanFolder(dataDir: string, passphrase: string, datastream: string) {
  const env = { DRIFTWATCH_VAULT_PASSPHRASE: passphrase }
  const cli = async (...args: string[]) => {
    const r = await runCli([...args, '--data-dir', dataDir], { env })
    expect(r.code, r.stderr).toBe(0)
    return r.stdout
  }
  await cli('content', 'import', datastream)
  await floorCostVault(dataDir, passphrase)
  const addRootKeyTarget = async (name: string, sshd: SshdService, ...extra: string[]) => {
    const key = await cli(
      'vault',
      'add',
      '--kind',
      'ssh-key',
      '--name',
      name,
      '--file',
      sshd.privateKeyPath,
      '--json',
    )
    await cli(
      ...[
        'targets',
        'add',
        '--kind',
        'ssh',
        '--name',
        name,
        '--host',
        '127.0.0.1',
        '--port',
        String(sshd.port),
      ],
      ...['--user', 'root', '--credential', (JSON.parse(key) as { id: string }).id, ...extra],
    )
  }
  return { env, cli, addRootKeyTarget }
}

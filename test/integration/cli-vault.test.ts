// `driftwatch vault` as a script would use it: passphrase from the environment, secrets on stdin or in
// files, never on the command line; clear errors; and no secret in anything the command prints.
import { describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { hostname, userInfo } from 'node:os'
import { runCli } from '../helpers/cli'
import { useTmpDirs } from '../helpers/tmp-dir'
import { ed25519KeyPair } from '../helpers/ssh-keys'

const tmp = useTmpDirs('all')
const PASS = 'cli vault passphrase 123'
const SECRET = `canary-cli-secret-${Date.now()}`

describe('driftwatch vault', () => {
  it('members: each unlocks with their own passphrase or key file; a removal is listed by `audit` with who', async () => {
    const dir = tmp.make('dw-cli-members-')
    const BOB = 'bob passphrase for the cli'
    const cli = (
      args: string[],
      input?: string,
      e: NodeJS.ProcessEnv = { DRIFTWATCH_VAULT_PASSPHRASE: PASS },
    ) => runCli([...args, '--data-dir', dir], { env: e, input })
    expect((await cli(['vault', 'init'])).stdout).toContain('unlocked by its member "owner"')
    const bob = await cli(['vault', 'members', 'add', 'bob', '--secret-stdin'], `${BOB}\n`)
    expect([bob.code, bob.stdout]).toEqual([
      0,
      'Added vault member "bob" (unlocks with their own passphrase).\n',
    ])
    const keyFile = join(dir, 'watch-east.key')
    writeFileSync(keyFile, randomBytes(64), { mode: 0o600 })
    // Two members now: whoever acts says who they are.
    const unnamed = await cli(['vault', 'members', 'add', 'watch-east', '--key-file', keyFile])
    expect(unnamed.stderr).toContain(
      'This vault has 2 members (bob, owner): say which one you are (--member NAME)',
    )
    expect(
      (await cli(['--member', 'owner', 'vault', 'members', 'add', 'watch-east', '--key-file', keyFile])).code,
    ).toBe(0)
    const list = await cli(['vault', 'members', 'list'])
    expect(list.stdout.split('\n')[0]).toMatch(/^NAME\s+UNLOCKS WITH\s+ADDED\s+ADDED BY$/)
    expect(list.stdout).toMatch(/\nwatch-east\s+key-file\s+\S+\s+owner \(vault member\)/)

    const asBob = await cli(['vault', 'unlock', '--member', 'bob'], undefined, {
      DRIFTWATCH_VAULT_PASSPHRASE: BOB,
    })
    expect(asBob.stdout).toBe('Passphrase accepted for member "bob": 0 credentials.\n')
    const asWorker = await cli(
      ['vault', 'unlock', '--member', 'watch-east', '--key-file', keyFile],
      undefined,
      {},
    )
    expect(asWorker.stdout).toBe('Key file accepted for member "watch-east": 0 credentials.\n')

    expect((await cli(['vault', 'members', 'remove', 'bob', '--member', 'owner'])).code).toBe(0)
    const gone = await cli(['vault', 'unlock', '--member', 'bob'], undefined, {
      DRIFTWATCH_VAULT_PASSPHRASE: BOB,
    })
    expect([gone.code, gone.stderr]).toEqual([
      1,
      'driftwatch vault: The vault has no member named "bob" (its members: owner, watch-east)\n',
    ])
    const audit = await cli(['audit'])
    expect(audit.stdout.split('\n')[0]).toMatch(/^SEQ\s+AT\s+WHO\s+ACTION\s+SUBJECT$/)
    const removal = audit.stdout.split('\n').find((l) => l.includes('vault.member-removed'))
    expect(removal).toContain(`owner (vault member) · ${userInfo().username}@${hostname()}, via cli`)
    expect(audit.stdout).toContain('The hash chain is intact.\n')
    for (const r of [bob, list, asBob, audit]) expect(r.stdout + r.stderr).not.toContain(BOB)
  }, 60_000)

  it('inits, adds from stdin and from a key file, lists, and removes', async () => {
    const dir = tmp.make('dw-cli-vault-')
    const env = { DRIFTWATCH_VAULT_PASSPHRASE: PASS }
    const cli = (args: string[], input?: string, e: NodeJS.ProcessEnv = env) =>
      runCli([...args, '--data-dir', dir], { env: e, input })

    const noPass = await cli(['vault', 'init'], undefined, {})
    expect(noPass.code).toBe(64)
    expect(noPass.stderr).toContain('set DRIFTWATCH_VAULT_PASSPHRASE or pipe it on stdin')

    const init = await cli(['vault', 'init'])
    expect(init.code).toBe(0)
    expect(init.stdout).toContain('Vault created')
    expect((await cli(['vault', 'init'])).stderr).toContain('The vault already exists')

    const added = await cli(
      ['vault', 'add', '--kind', 'db-password', '--name', 'billing', '--username', 'ro', '--secret-stdin'],
      `${SECRET}\n`,
    )
    expect(added.code).toBe(0)
    expect(added.stdout).toMatch(/^Added database password "billing"/)

    const keyFile = join(dir, 'id_ed25519')
    writeFileSync(keyFile, ed25519KeyPair().private)
    const keyAdded = await cli(['vault', 'add', '--kind', 'ssh-key', '--name', 'root key', '--file', keyFile])
    expect(keyAdded.code).toBe(0)
    expect(keyAdded.stdout).toMatch(/ssh-ed25519 SHA256:/)

    const list = await cli(['vault', 'list', '--json'])
    const creds = JSON.parse(list.stdout) as { name: string; username: string }[]
    expect(creds.map((c) => c.name)).toEqual(['billing', 'root key'])
    expect(list.stdout).not.toContain(SECRET)
    expect((await cli(['vault', 'list'])).stdout).toMatch(/^NAME\s+KIND\s+USER/)

    const wrong = await cli(['vault', 'unlock'], undefined, {
      DRIFTWATCH_VAULT_PASSPHRASE: 'wrong passphrase!!',
    })
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toBe('driftwatch vault: Wrong passphrase\n')
    expect((await cli(['vault', 'unlock'])).stdout).toBe(
      'Passphrase accepted for member "owner": 2 credentials.\n',
    )

    expect((await cli(['vault', 'remove', 'billing'])).stdout).toBe('Removed "billing"\n')
    expect(JSON.parse((await cli(['vault', 'list', '--json'])).stdout)).toHaveLength(1)
    expect((await cli(['vault', 'remove', 'billing'])).stderr).toContain('no credential named "billing"')

    for (const r of [init, added, keyAdded, list, wrong]) expect(r.stdout + r.stderr).not.toContain(SECRET)
  }, 60_000)

  it('takes no secret as an argument', async () => {
    const r = await runCli(['vault', 'add', '--kind', 'db-password', '--name', 'x', '--password', 'oops'])
    expect(r.code).toBe(64)
    expect(r.stderr).toContain("Unknown option '--password'")
  })
})

// Covers issue 15 item 7: wrong passphrases are audited (who and when, never what was typed) and, after three
// in a row, further attempts wait, twice as long each time; the count lives in the store, so a restarted
// process (or another one on the same data folder) waits too. Credential and rule-pack changes are audited.
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { DB_FILE } from '../../../src-main/core/app'
import { call, callError, fakeClock, useCores } from '../../helpers/core'
import { useTmpDirs } from '../../helpers/tmp-dir'
import { FAST_KDF, PASS } from './support'

const cores = useCores()
const tmp = useTmpDirs()
const WRONG = 'wrong-passphrase-canary-7f3a'

const audit = (dataDir: string) => {
  const db = new Database(join(dataDir, DB_FILE), { readonly: true })
  try {
    return db.prepare('SELECT at, actor, action, subject, details FROM audit_log ORDER BY seq').all() as {
      at: string
      actor: string
      action: string
      subject: string
      details: string
    }[]
  } finally {
    db.close()
  }
}

describe('wrong passphrases', () => {
  it('are audited and backed off, and a restarted process still waits', async () => {
    const dataDir = tmp.make('dw-backoff-')
    const clock = fakeClock('2031-03-01T10:00:00.000Z')
    const first = cores.open({ dataDir, clock, face: 'serve', unsafeKdfForTests: FAST_KDF })
    await call(first, 'vault.init', { passphrase: PASS })
    await call(first, 'vault.lock', {})

    for (const n of [1, 2]) {
      const e = await callError(first, 'vault.unlock', { passphrase: WRONG })
      expect(e).toMatchObject({ code: 'unauthorized', message: 'Wrong passphrase' })
      clock.advance(1000 * n)
    }
    const third = await callError(first, 'vault.unlock', { passphrase: WRONG })
    expect(third.message).toBe('Wrong passphrase (3 wrong in a row: the next try must wait 5 s)')
    // Even the right passphrase waits: the backoff is checked before the passphrase is.
    const waiting = await callError(first, 'vault.unlock', { passphrase: PASS })
    expect(waiting).toMatchObject({
      code: 'unauthorized',
      message: 'Too many wrong passphrases for "owner": wait 5 s before trying again',
    })
    first.close()

    // A script that restarts Driftwatch to reset the count gets nowhere.
    const second = cores.open({ dataDir, clock, face: 'cli', unsafeKdfForTests: FAST_KDF })
    expect((await callError(second, 'vault.unlock', { passphrase: PASS })).message).toMatch(/wait 5 s/)
    clock.advance(5000)
    const fourth = await callError(second, 'vault.unlock', { passphrase: WRONG })
    expect(fourth.message).toMatch(/4 wrong in a row: the next try must wait 10 s/)
    clock.advance(10_000)
    expect((await call(second, 'vault.unlock', { passphrase: PASS })).state).toBe('unlocked')
    // A right passphrase clears the count.
    await call(second, 'vault.lock', {})
    expect((await callError(second, 'vault.unlock', { passphrase: WRONG })).message).toBe('Wrong passphrase')

    const rows = audit(dataDir)
    const wrong = rows.filter((r) => r.action === 'vault.wrong-passphrase')
    expect(wrong.map((r) => [r.actor, r.at])).toEqual([
      ['serve', '2031-03-01T10:00:00.000Z'],
      ['serve', '2031-03-01T10:00:01.000Z'],
      ['serve', '2031-03-01T10:00:03.000Z'],
      ['cli', '2031-03-01T10:00:08.000Z'],
      ['cli', '2031-03-01T10:00:18.000Z'],
    ])
    expect(wrong.map((r) => JSON.parse(r.details) as { failures: number }).map((d) => d.failures)).toEqual([
      1, 2, 3, 4, 1,
    ])
    expect(rows.filter((r) => r.action === 'vault.backoff').map((r) => JSON.parse(r.details))).toEqual([
      { attempt: 'unlock', member: 'owner', failures: 3, waitSeconds: 5 },
      { attempt: 'unlock', member: 'owner', failures: 4, waitSeconds: 10 },
    ])
    expect(JSON.stringify(rows)).not.toContain(WRONG)
  })

  it('count for changing the passphrase too', async () => {
    const dataDir = tmp.make('dw-backoff-change-')
    const core = cores.open({ dataDir, unsafeKdfForTests: FAST_KDF })
    await call(core, 'vault.init', { passphrase: PASS })
    for (let i = 0; i < 3; i++)
      await callError(core, 'vault.changePassphrase', { current: WRONG, next: 'a brand new passphrase' })
    expect(
      (await callError(core, 'vault.changePassphrase', { current: PASS, next: 'a brand new passphrase' }))
        .message,
    ).toMatch(/^Too many wrong passphrases for "owner": wait \d+ s/)
    const attempts = audit(dataDir)
      .filter((r) => r.action === 'vault.wrong-passphrase')
      .map((r) => (JSON.parse(r.details) as { attempt: string }).attempt)
    expect(attempts).toEqual(['change-passphrase', 'change-passphrase', 'change-passphrase'])
  })
})

describe('the audit log', () => {
  it('records credential changes and rule-pack imports and removals, never a secret', async () => {
    const dataDir = tmp.make('dw-audit-changes-')
    const core = cores.open({ dataDir, unsafeKdfForTests: FAST_KDF })
    await call(core, 'vault.init', { passphrase: PASS })
    const secret = 'db-password-canary-91c2'
    const c = await call(core, 'credentials.create', {
      credential: {
        kind: 'db-password',
        name: 'reader',
        username: 'ro',
        notes: '',
        secret: { password: secret },
      },
    })
    await call(core, 'credentials.update', {
      id: c.id,
      name: 'reader-2',
      secret: { password: `${secret}-new` },
    })
    await call(core, 'credentials.remove', { id: c.id })
    const pack = JSON.stringify({
      id: 'acme-extra',
      title: 'Acme extras',
      kind: 'postgres',
      rules: [
        {
          id: 'acme-ssl',
          title: 'SSL is on',
          query: "SELECT current_setting('ssl') AS value",
          assert: { type: 'equals', value: 'on' },
        },
      ],
    })
    await call(core, 'rules.import', { text: pack })
    await call(core, 'rules.import', { text: pack, replace: true })
    await call(core, 'rules.remove', { id: 'acme-extra' })
    const rows = audit(dataDir)
    expect(rows.map((r) => [r.action, r.subject])).toEqual(
      expect.arrayContaining([
        ['credential.created', c.id],
        ['credential.updated', c.id],
        ['credential.removed', c.id],
        ['rule-pack.imported', 'acme-extra'],
        ['rule-pack.removed', 'acme-extra'],
      ]),
    )
    expect(JSON.parse(rows.find((r) => r.action === 'credential.updated')!.details)).toEqual({
      name: 'reader-2',
      kind: 'db-password',
      rotated: true,
    })
    expect(
      rows.filter((r) => r.action === 'rule-pack.imported').map((r) => JSON.parse(r.details).replace),
    ).toEqual([false, true])
    expect(JSON.stringify(rows)).not.toContain(secret)
  })
})

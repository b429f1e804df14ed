// Vault unlock at the parameters new vaults get (KDF_DEFAULT; aim 0.5–1 s on this machine) beside one scrypt
// at Node's usual cost (N=2^14) — the ratio is how much dearer each guess is made — and sealing and opening
// 1,000 secrets beside the bare SQLite statements that store and read the same blobs.
import { it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes, scrypt } from 'node:crypto'
import { openDatabase } from '../src-main/core/store/db'
import { sqliteSql } from '../src-main/core/store/sql/sqlite'
import { Vault } from '../src-main/core/vault/vault'
import { systemClock, systemTimers } from '../src-main/core/ports'
import { KDF_DEFAULT, scryptMemory } from '../src-main/core/vault/crypto'
import { report, time } from './report'

const PASS = 'correct horse battery staple'
const SECRETS = 1000
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

it('vault: unlock and secrets', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-vault-'))
  const db = openDatabase(join(dir, 'driftwatch.db'))
  const vault = new Vault(sqliteSql(db), { clock: systemClock, timers: systemTimers })
  await vault.init(PASS)
  const unlocks: number[] = []
  for (let i = 0; i < 5; i++) {
    vault.lock('manual')
    unlocks.push(await time(() => vault.unlock(PASS)))
  }
  const baselines: number[] = []
  for (let i = 0; i < 5; i++)
    baselines.push(
      await time(
        () =>
          new Promise<void>((ok, fail) =>
            scrypt(PASS, randomBytes(16), 32, { N: 2 ** 14, r: 8, p: 1 }, (e) => (e ? fail(e) : ok())),
          ),
      ),
    )

  const ids: string[] = []
  const add = await time(() => {
    for (let i = 0; i < SECRETS; i++)
      ids.push(vault.add('db-password', `db-${i}`, {}, { password: `password-number-${i}` }).id)
  })
  const use = await time(async () => {
    for (const id of ids) await vault.withSecret(id, null, (s) => s.password?.length)
  })

  // The same rows and blob sizes through bare statements: what storage alone costs.
  const blobSize = (
    db.prepare('SELECT length(ciphertext) AS n FROM credentials LIMIT 1').get() as { n: number }
  ).n
  db.exec('CREATE TABLE bare (id TEXT PRIMARY KEY, name TEXT UNIQUE COLLATE NOCASE, blob BLOB) STRICT')
  const ins = db.prepare('INSERT INTO bare VALUES (?, ?, ?)')
  const bareInsert = await time(() => {
    for (let i = 0; i < SECRETS; i++) ins.run(String(i), `db-${i}`, randomBytes(blobSize))
  })
  const sel = db.prepare('SELECT blob FROM bare WHERE id = ?')
  const bareSelect = await time(() => {
    for (let i = 0; i < SECRETS; i++) sel.get(String(i))
  })
  vault.close()
  db.close()
  rmSync(dir, { recursive: true, force: true })

  const { N, r, p } = KDF_DEFAULT
  const mib = Math.round(scryptMemory(KDF_DEFAULT) / 2 ** 20)
  console.log(
    `vault kdf: scrypt N=2^${Math.log2(N)} r=${r} p=${p} (${mib} MiB); ` +
      `unlocks (ms): ${unlocks.map((u) => u.toFixed(0)).join(', ')}`,
  )
  report('vault', [
    {
      figure: 'unlock (median of 5)',
      ms: median(unlocks),
      baselineMs: median(baselines),
      baseline: 'one scrypt at N=2^14, r=8, p=1, median of 5',
    },
    {
      figure: `add ${SECRETS} secrets (validate, seal, insert)`,
      ms: add,
      baselineMs: bareInsert,
      baseline: `bare INSERT of ${blobSize}-byte blobs`,
    },
    {
      figure: `open ${SECRETS} secrets (withSecret)`,
      ms: use,
      baselineMs: bareSelect,
      baseline: 'bare SELECT by id',
    },
  ])
}, 120_000)

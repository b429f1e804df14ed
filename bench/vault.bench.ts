// Vault unlock at the parameters new vaults get (scrypt N=2^17, r=8, p=2; aim 0.5–1 s), beside one scrypt
// at Node's default cost (N=2^14) — the work an attacker's guess costs us, times the ratio — and sealing
// and opening 1,000 secrets.
import { it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes, scryptSync } from 'node:crypto'
import { openDatabase } from '../src-main/core/store/db'
import { Vault } from '../src-main/core/vault/vault'
import { systemClock, systemTimers } from '../src-main/core/ports'
import { KDF_DEFAULT } from '../src-main/core/vault/crypto'
import { report, time } from './report'

const PASS = 'correct horse battery staple'

it('vault: unlock and secrets', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-vault-'))
  const db = openDatabase(join(dir, 'driftwatch.db'))
  const vault = new Vault(db, { clock: systemClock, timers: systemTimers })
  await vault.init(PASS)
  const unlocks: number[] = []
  for (let i = 0; i < 5; i++) {
    vault.lock('manual')
    unlocks.push(await time(() => vault.unlock(PASS)))
  }
  const median = unlocks.sort((a, b) => a - b)[2]!
  const baseline = await time(() => scryptSync(PASS, randomBytes(16), 32))

  const ids: string[] = []
  const seal = await time(() => {
    for (let i = 0; i < 1000; i++)
      ids.push(vault.add('db-password', `db-${i}`, {}, { password: `pw-${i}` }).id)
  })
  const openAll = await time(async () => {
    for (const id of ids) await vault.withSecret(id, (s) => s.password?.length)
  })
  const direct = await time(() => {
    const rows = db.prepare('SELECT ciphertext FROM credentials').all()
    return rows.length
  })
  vault.close()
  db.close()
  rmSync(dir, { recursive: true, force: true })

  console.log(
    `vault kdf: scrypt N=2^${Math.log2(KDF_DEFAULT.N)} r=${KDF_DEFAULT.r} p=${KDF_DEFAULT.p}; unlocks (ms): ${unlocks.map((u) => u.toFixed(0)).join(', ')}`,
  )
  report('vault', [
    {
      figure: 'unlock (median of 5)',
      ms: median,
      baselineMs: baseline,
      baseline: 'one scrypt at N=2^14, r=8, p=1',
    },
    { figure: 'seal 1,000 secrets (add)', ms: seal, baselineMs: direct, baseline: 'reading the 1,000 rows' },
    {
      figure: 'open 1,000 secrets (withSecret)',
      ms: openAll,
      baselineMs: direct,
      baseline: 'reading the 1,000 rows',
    },
  ])
}, 120_000)

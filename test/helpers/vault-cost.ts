// The vault cost for tests whose `driftwatch` children (CLI, serve, watch) open a vault the test set up: the
// lowest the product accepts when it reads a vault (KDF_MINIMUM, scrypt N=2^17), so each child's unlock costs
// half of one at the default (N=2^18, 0.75 CPU-s here). Nothing of the product is weakened: the children are
// told nothing, and read the vault exactly as they read a user's. About a hundred such unlocks run in a suite.
// Tests of the vault itself (cli-vault, e2e/vault) keep making theirs as a user does, at the default.
import { createCore } from '../../src-main/core/app'
import { KDF_MINIMUM } from '../../src-main/core/vault/crypto'
import { call } from './core'

export const FLOOR_KDF = { N: KDF_MINIMUM.N, r: KDF_MINIMUM.r, p: KDF_MINIMUM.p }

/** Makes the vault of `dataDir` at FLOOR_KDF, in-process, where a test had `driftwatch vault init` do it. */
export async function floorCostVault(dataDir: string, passphrase: string): Promise<void> {
  const core = createCore({ face: 'cli', dataDir, unsafeKdfForTests: FLOOR_KDF })
  try {
    await call(core, 'vault.init', { passphrase })
  } finally {
    await core.close()
  }
}

// Database scan speed: a full built-in pack scanned through the core (connect, read-only session, every rule,
// evidence, one SQLite commit) per server, beside running the same queries one by one with `psql` /
// `mariadb` (one client process per query, as a shell script of checks would).
import { it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore } from '../src-main/core/app'
import { builtInPacks } from '../src-main/core/rules/registry'
import {
  startMariadb,
  startPostgres,
  stopAll,
  type MariadbService,
  type PgService,
} from '../test/services/lib'
import { call } from '../test/helpers/core'
import { report, time, type Figure } from './report'

const RUNS = 5
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!

function cliArgs(svc: PgService | MariadbService, kind: 'postgres' | 'mysql', query: string) {
  if (kind === 'postgres') {
    const tls = svc.caCertPath ? `sslmode=verify-full sslrootcert=${svc.caCertPath}` : 'sslmode=disable'
    return {
      cmd: 'psql',
      args: [
        '-X',
        '-A',
        '-t',
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        query,
        `host=${svc.host} port=${svc.port} user=${svc.user} dbname=${svc.database} ${tls}`,
      ],
      env: { ...process.env, PGPASSWORD: svc.password },
    }
  }
  const tls = svc.caCertPath ? [`--ssl-ca=${svc.caCertPath}`, '--ssl-verify-server-cert'] : ['--skip-ssl']
  return {
    cmd: 'mariadb',
    args: [
      '--no-defaults',
      `--host=${svc.host}`,
      `--port=${svc.port}`,
      `--user=${svc.user}`,
      ...tls,
      '-N',
      '-e',
      query,
    ],
    env: { ...process.env, MYSQL_PWD: svc.password },
  }
}

it('db-scan: full built-in pack per server', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-db-bench-'))
  const core = createCore({ face: 'cli', dataDir: dir, unsafeKdfForTests: { N: 1024, r: 8, p: 1 } })
  try {
    const [pgDefault, pgHardened, mariaDefault, mariaHardened] = await Promise.all([
      startPostgres({ name: 'bench' }),
      startPostgres({ name: 'bench-h', hardened: true }),
      startMariadb({ name: 'bench' }),
      startMariadb({ name: 'bench-h', hardened: true }),
    ])
    await call(core, 'vault.init', { passphrase: 'bench passphrase 1' })
    const servers = [
      { label: 'PostgreSQL 15 (plain TCP)', kind: 'postgres' as const, svc: pgDefault },
      { label: 'PostgreSQL 15 (TLS verify-full)', kind: 'postgres' as const, svc: pgHardened },
      { label: 'MariaDB 10.11 (plain TCP)', kind: 'mysql' as const, svc: mariaDefault },
      { label: 'MariaDB 10.11 (TLS verify-full)', kind: 'mysql' as const, svc: mariaHardened },
    ]
    const figures: Figure[] = []
    for (const [i, { label, kind, svc }] of servers.entries()) {
      const cred = await call(core, 'credentials.create', {
        credential: { kind: 'db-password', name: `c${i}`, secret: { password: svc.password } },
      })
      const target = await call(core, 'targets.create', {
        target: {
          kind,
          name: `t${i}`,
          host: svc.host,
          port: svc.port,
          user: svc.user,
          database: svc.database,
          credentialId: cred.id,
          tls: svc.caCertPath ? 'verify-full' : 'disable',
          caFile: svc.caCertPath ?? '',
        },
      })
      const pack = builtInPacks().find((p) => p.kind === kind)!
      let counts: Record<string, number> = {}
      const ours: number[] = []
      for (let r = 0; r < RUNS; r++)
        ours.push(
          await time(async () => {
            const { scanId } = await call(core, 'scan.start', { targetId: target.id })
            await core.idle()
            const res = await call(core, 'scan.results', { scanId })
            if (res.scan.state !== 'done') throw new Error(`${label}: ${res.scan.error}`)
            counts = res.scan.counts
          }),
        )
      // Every query of the pack, one client process each (MySQL-only variables make a few exit non-zero on MariaDB).
      const queries = pack.rules.flatMap((r) => (r.query ? [r.query] : []))
      let failures = 0
      const baseline = await time(() => {
        for (const q of queries) {
          const c = cliArgs(svc, kind, q)
          if (spawnSync(c.cmd, c.args, { env: c.env, stdio: 'ignore' }).status !== 0) failures++
        }
      })
      const ms = median(ours)
      console.log(
        `db-scan ${label}: ${pack.id}, ${pack.rules.length} rules ${JSON.stringify(counts)}; ` +
          `median of ${RUNS} scans ${ms.toFixed(1)} ms (first ${ours[0]!.toFixed(1)} ms); ` +
          `${queries.length} client runs ${baseline.toFixed(0)} ms (${failures} exited non-zero)`,
      )
      figures.push({
        figure: `${label}: full ${pack.id} scan, ${pack.rules.length} rules`,
        ms,
        baselineMs: baseline,
        baseline: `${kind === 'postgres' ? 'psql -c' : 'mariadb -e'} per query, ${queries.length} processes`,
      })
    }
    report('db-scan', figures)
  } finally {
    core.close()
    await stopAll()
    rmSync(dir, { recursive: true, force: true })
  }
}, 300_000)

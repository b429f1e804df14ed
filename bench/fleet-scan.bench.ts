// Fleet scan: 24 SSH "hosts" (24 sshd on loopback ports of this machine, each with its own host key and root
// key) scanned as one group through the core's group scan, its lanes chosen by the adaptive limit
// (core/util/adaptive-limit.ts), beside `oscap-ssh` run for the same hosts from a shell loop (xargs -P) with as
// many at once as this machine has CPUs (what the limit starts from; `nproc` is what a person would pass).
// Prints wall time, the CPU this process (the Driftwatch core) used, its peak RSS, the lanes the limit chose
// over time, the event-loop delay p99 during the scan (what a UI request would have waited), and the same
// figures of the oscap-ssh loop (its ssh/scp/bash processes).
//
// Every "host" is this machine, so each host's oscap runs here too: both sides are bound by these 2 cores, not
// by the network, and wall time is about the oscap CPU of 24 runs divided by the cores free. More lanes than
// cores would only time-slice, and the event loop's delay says so: the limit backs off. On real hosts oscap
// runs remotely and a lane mostly waits, so the loop keeps up and the limit grows.
import { it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import type { LimitChange } from '../src-main/core/util/adaptive-limit'
import { createCore } from '../src-main/core/app'
import { startSshd, stopAll, widenedDebian11Datastream, type SshdService } from '../test/services/lib'
import { call } from '../test/helpers/core'
import { importContentFile } from '../test/helpers/files'
import { report } from './report'

const HOSTS = 24
const LANES = availableParallelism()
const PROFILE = 'xccdf_org.ssgproject.content_profile_standard'

it(`fleet scan: ${HOSTS} SSH hosts as one group beside oscap-ssh in a shell loop`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-fleet-bench-'))
  // The limit's choices come out in the group scan's debug line.
  const lanes: LimitChange[][] = []
  const core = createCore({
    face: 'cli',
    dataDir: join(dir, 'data'),
    unsafeKdfForTests: { N: 1024, r: 8, p: 1 },
    logger: {
      log: (_level, msg, fields) => {
        if (msg === 'group scan ended') lanes.push(fields?.lanes as LimitChange[])
      },
    },
  })
  try {
    const hosts: SshdService[] = []
    for (let i = 0; i < HOSTS; i += 6)
      hosts.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(6, HOSTS - i) }, (_, k) => startSshd({ name: `fleet-${i + k}` })),
        )),
      )
    const ds = await widenedDebian11Datastream(dir)
    const { sha256 } = await importContentFile(core, ds)
    await call(core, 'vault.init', { passphrase: 'bench fleet scan passphrase' })
    const trust: Record<string, string> = {}
    for (const [i, h] of hosts.entries()) {
      const key = await call(core, 'credentials.create', {
        credential: {
          kind: 'ssh-key',
          name: `fleet key ${i}`,
          secret: { privateKey: readFileSync(h.privateKeyPath, 'utf8') },
        },
      })
      const t = await call(core, 'targets.create', {
        target: {
          kind: 'ssh',
          name: `fleet-${i}`,
          host: '127.0.0.1',
          port: h.port,
          user: 'root',
          credentialId: key.id,
          groups: ['fleet'],
        },
      })
      trust[t.id] = h.hostKeyFingerprintSha256
    }
    // Pins every host key and lets oscap validate the content once, as a first scan of a new fleet would.
    await call(core, 'scan.startGroup', { group: 'fleet', sha256, profileId: PROFILE, trustHostKeys: trust })
    await core.idle()

    // Driftwatch: the group scan, with this process's CPU and RSS sampled while it runs.
    const load0 = loadavg()[0]!
    let peakRss = process.memoryUsage().rss
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50)
    const loop = monitorEventLoopDelay({ resolution: 10 })
    loop.enable()
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    await call(core, 'scan.startGroup', { group: 'fleet', sha256, profileId: PROFILE })
    await core.idle()
    const oursMs = performance.now() - t0
    const cpu = process.cpuUsage(cpu0)
    loop.disable()
    clearInterval(sampler)
    const lagP99 = loop.percentile(99) / 1e6 - 10
    const lagMax = loop.max / 1e6 - 10
    const chosen = lanes.at(-1) ?? []
    const { scans } = await call(core, 'scans.latest', {})
    const done = scans.filter((s) => s.state === 'done').length
    if (done !== HOSTS) throw new Error(`${done} of ${HOSTS} scans done`)

    // oscap-ssh for the same hosts, LANES at a time from a shell loop, under /usr/bin/time for its CPU and RSS.
    const knownHosts = join(dir, 'known_hosts')
    writeFileSync(knownHosts, hosts.map((h) => `[127.0.0.1]:${h.port} ${h.hostPublicKey}\n`).join(''))
    const list = join(dir, 'hosts.txt')
    writeFileSync(list, hosts.map((h) => `${h.port} ${h.privateKeyPath}\n`).join(''))
    const one =
      `oscap-ssh root@127.0.0.1 "$0" xccdf eval --profile ${PROFILE} --results-arf ${dir}/arf-"$0".xml ${ds} ` +
      `>/dev/null 2>&1; rc=$?; [ $rc -eq 0 ] || [ $rc -eq 2 ]`
    const script = `xargs -P ${LANES} -L 1 sh -c 'SSH_ADDITIONAL_OPTIONS="-i $1 -o UserKnownHostsFile=${knownHosts} -o BatchMode=yes" ${one.replace(/'/g, `'\\''`)}' < ${list}`
    const t1 = performance.now()
    const r = spawnSync('/usr/bin/time', ['-v', 'sh', '-c', script], { encoding: 'utf8' })
    const theirsMs = performance.now() - t1
    if (r.status !== 0) throw new Error(`the oscap-ssh loop failed: ${r.stderr.slice(-2000)}`)
    const field = (name: string) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(r.stderr)?.[1] ?? NaN)
    const theirCpuMs = (field('User time \\(seconds\\)') + field('System time \\(seconds\\)')) * 1000
    const theirRssMiB = field('Maximum resident set size \\(kbytes\\)') / 1024
    const load1 = loadavg()[0]!

    const ourCpuMs = (cpu.user + cpu.system) / 1000
    const over = chosen
      .map((c) => `${(c.atMs / 1000).toFixed(1)} s ${c.limit}${c.reason === 'start' ? '' : ` (${c.reason})`}`)
      .join(' → ')
    console.log(
      `fleet-scan: ${HOSTS} hosts, ${LANES} CPUs, load ${load0.toFixed(1)} → ${load1.toFixed(1)}\n` +
        `  Driftwatch lanes over time (adaptive limit): ${over}\n` +
        `  event-loop delay during the fleet scan: p99 ${lagP99.toFixed(0)} ms, max ${lagMax.toFixed(0)} ms\n` +
        `  Driftwatch: wall ${(oursMs / 1000).toFixed(1)} s, CPU of the Driftwatch process ${(ourCpuMs / 1000).toFixed(1)} s ` +
        `(${(ourCpuMs / HOSTS).toFixed(0)} ms per host), peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB\n` +
        `  oscap-ssh loop: wall ${(theirsMs / 1000).toFixed(1)} s, CPU of its ssh/scp/shell processes ${(theirCpuMs / 1000).toFixed(1)} s, ` +
        `largest RSS of one of them ${theirRssMiB.toFixed(0)} MiB\n` +
        "  (each host's oscap runs under its sshd on this machine, counted on neither side)",
    )
    report('fleet-scan', [
      {
        figure: `${HOSTS} SSH hosts as one group (adaptive lanes), wall`,
        ms: oursMs,
        baselineMs: theirsMs,
        baseline: `oscap-ssh for the same hosts, xargs -P ${LANES}`,
      },
      {
        figure: 'CPU of the scanning side',
        ms: ourCpuMs,
        baselineMs: theirCpuMs,
        baseline: 'CPU of the oscap-ssh loop (bash, ssh, scp)',
      },
    ])
  } finally {
    core.close()
    await stopAll()
    rmSync(dir, { recursive: true, force: true })
  }
}, 1_800_000)

// Scanning this computer end to end with the real oscap and the Debian 11 SSG datastream (widened to
// Debian 12): progress, results committed with evidence, parity with a plain oscap run, cancel, crash marks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createCore, type Core } from '../../src-main/core/app'
import type { EventPayload } from '../../src-preload/contract'
import { widenedDebian11Datastream } from '../services/lib'
import { useTmpDirs } from '../helpers/tmp-dir'
import { withDataStore } from '../helpers/data-store'
import { laneStore } from '../helpers/store-lane'
import { call } from '../helpers/core'
import { importContentFile } from '../helpers/files'
import { runCli } from '../helpers/cli'
import { oscapSync } from '../helpers/oscap'
import { parse as parseYaml } from 'yaml'

const PROFILE = 'xccdf_org.ssgproject.content_profile_standard'
const tmp = useTmpDirs('all')
let dir: string
let dataDir: string
let ds: string
let core: Core
let sha256: string
let targetId: string

/** The temp dirs a scan announced (its progress names the folder it works in), and that still exist. */
const leftBehind = (progress: EventPayload<'scan.progress'>[]) => {
  const dirs = progress.flatMap((p) =>
    p.phase === 'rule' ? [] : (/^Working in (\S+) on /.exec(p.message)?.[1] ?? []),
  )
  expect(dirs.length).toBe(1)
  return dirs.filter((d) => existsSync(d))
}

beforeAll(async () => {
  dir = tmp.make('dw-scan-local-')
  dataDir = join(dir, 'data')
  ds = await widenedDebian11Datastream(dir)
  core = createCore({ face: 'cli', dataDir })
  sha256 = (await importContentFile(core, ds)).sha256
  targetId = (
    await call(core, 'targets.create', { target: { kind: 'local', name: 'laptop', groups: ['fleet'] } })
  ).id
}, 60_000)

afterAll(() => core?.close())

async function scanAndWait(req: { tailoringId?: string } = {}) {
  const progress: EventPayload<'scan.progress'>[] = []
  let finished: EventPayload<'scan.finished'> | undefined
  const off = core.subscribe((name, p) => {
    if (name === 'scan.progress') progress.push(p as EventPayload<'scan.progress'>)
    if (name === 'scan.finished') finished = p as EventPayload<'scan.finished'>
  })
  const { scanId } = await call(core, 'scan.start', { targetId, sha256, profileId: PROFILE, ...req })
  await core.idle()
  off()
  return { scanId, progress, finished: finished! }
}

describe('scanning this computer', () => {
  it('streams per-rule progress, commits results with the ARF as evidence, and matches a plain oscap run', async () => {
    const { scanId, progress, finished } = await scanAndWait()
    expect(finished).toMatchObject({ scanId, state: 'done', error: '' })
    const rules = progress.filter((p) => p.phase === 'rule')
    expect(rules.length).toBeGreaterThan(20)
    expect(rules.at(-1)!.done).toBe(rules.length)

    const { scan, results } = await call(core, 'scan.results', { scanId })
    const pass = results.filter((r) => r.status === 'pass').length
    const fail = results.filter((r) => r.status === 'fail').length
    expect(pass + fail).toBeGreaterThan(0)
    expect(scan.score).toBe(Math.round((pass / (pass + fail)) * 1000) / 10)
    expect(results.every((r) => r.title && r.title !== r.ruleId)).toBe(true)

    // The evidence is the ARF itself, stored by its SHA-256.
    expect(scan.evidence).toMatch(/^[0-9a-f]{64}$/)

    // Parity: the same statuses as oscap run directly on the same content and profile.
    const plain = join(dir, 'plain-arf.xml')
    const plainRun = oscapSync(['xccdf', 'eval', '--profile', PROFILE, '--results-arf', plain, ds])
    expect([0, 2], plainRun.stderr).toContain(plainRun.status)
    const xml = readFileSync(plain, 'utf8')
    const expected = new Map(
      [...xml.matchAll(/<rule-result[^>]*idref="([^"]+)"[\s\S]*?<result>(\w+)<\/result>/g)]
        .filter((m) => m[2] !== 'notselected')
        .map((m) => [m[1]!, m[2]!]),
    )
    expect(new Map(results.map((r) => [r.ruleId, r.status]))).toEqual(expected)
    expect(leftBehind(progress)).toEqual([])
  }, 120_000)

  it('cancels: the scan is marked cancelled, nothing is stored, the temp dir is gone', async () => {
    const progress: EventPayload<'scan.progress'>[] = []
    const finishedP = new Promise<EventPayload<'scan.finished'>>((resolve) => {
      const off = core.subscribe((name, p) => {
        if (name === 'scan.progress') progress.push(p as EventPayload<'scan.progress'>)
        if (name === 'scan.progress' && (p as EventPayload<'scan.progress'>).phase === 'rule')
          void core.invoke('scan.cancel', { scanId: (p as EventPayload<'scan.progress'>).scanId })
        if (name === 'scan.finished') {
          off()
          resolve(p as EventPayload<'scan.finished'>)
        }
      })
    })
    const { scanId } = await call(core, 'scan.start', { targetId, sha256, profileId: PROFILE })
    const finished = await finishedP
    await core.idle()
    expect(finished).toMatchObject({ scanId, state: 'cancelled' })
    expect((await call(core, 'scan.results', { scanId })).results).toEqual([])
    expect(leftBehind(progress)).toEqual([])
  }, 120_000)

  it('refuses a second scan of the same target while one runs', async () => {
    const first = await call(core, 'scan.start', { targetId, sha256, profileId: PROFILE })
    const second = await core.invoke('scan.start', { targetId, sha256, profileId: PROFILE })
    expect(second.ok).toBe(false)
    expect(!second.ok && second.error.message).toBe('laptop is already being scanned')
    await call(core, 'scan.cancel', { scanId: first.scanId })
    await core.idle()
  }, 60_000)

  // One store per computer only: on a store many processes share (the PostgreSQL lane), a scan still running may
  // be another process's, so a start marks none; the watchers mark the scans of a watcher gone silent
  // (watch-shared.test.ts). A CLI or serve process on a shared store registers nowhere yet, so a scan it left
  // running when it crashed stays running there (README, "A team's store on PostgreSQL").
  it('marks a scan left running by a crash as interrupted at the next start', async (ctx) => {
    ctx.skip(laneStore(dataDir) !== undefined, 'a shared store marks no scan at start')
    core.close()
    withDataStore(dataDir, (sql) =>
      sql.run(
        sql.q.insertInto('scans').values({
          id: 'crashed',
          target_id: targetId,
          trigger: 'manual',
          state: 'running',
          profile_id: PROFILE,
          started_at: 't',
        }),
      ),
    )
    core = createCore({ face: 'cli', dataDir })
    const { scans } = await call(core, 'scans.list', { targetId })
    expect(scans.find((s) => s.id === 'crashed')).toMatchObject({
      state: 'interrupted',
      error: 'Driftwatch stopped during this scan',
    })
  })

  it('driftwatch scan exits 2 when some rules fail, and scans a group', async () => {
    core.close()
    const r = await runCli([
      'scan',
      'fleet',
      '--content',
      sha256.slice(0, 12),
      '--profile',
      'standard',
      '--data-dir',
      dataDir,
    ])
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/^laptop: score [\d.]+% · \d+ pass · \d+ fail/)
    expect(r.code).toBe(/ 0 fail /.test(r.stdout) ? 0 : 2)
    // A cap on the adaptive lanes is a whole number from 1 to 16, refused before anything starts.
    const capped = await runCli(['scan', 'fleet', '--concurrency', '0', '--data-dir', dataDir])
    expect(capped.code).toBe(64)
    expect(capped.stderr).toContain('--concurrency takes a whole number of scans at a time, 1 to 16')
    core = createCore({ face: 'cli', dataDir })
  }, 120_000)
})

describe('remediation', () => {
  it('exports shell and Ansible fixes for the failed rules of a scan, and shows a failed rule its fix', async () => {
    const { scanId } = await scanAndWait()
    const { results } = await call(core, 'scan.results', { scanId })
    const failed = results.filter((r) => r.status === 'fail').map((r) => r.ruleId)
    expect(failed.length).toBeGreaterThan(0)

    const bash = await call(core, 'scan.remediation', { scanId, type: 'bash' })
    expect(bash.fileName).toMatch(/^laptop-\d{4}-\d{2}-\d{2}-remediation\.sh$/)
    expect(bash.failedRules).toBe(failed.length)
    // oscap writes one block per failed rule that has a fix; a passing rule gets none.
    const fixed = failed.filter((id) => bash.script.includes(`for '${id}'`))
    expect(fixed.length).toBeGreaterThan(0)
    const passed = results.find((r) => r.status === 'pass')!.ruleId
    expect(bash.script).not.toContain(`for '${passed}'`)
    const script = join(tmp.make('dw-fix-'), 'fix.sh')
    writeFileSync(script, bash.script)
    execFileSync('bash', ['-n', script]) // syntactically valid shell

    const ansible = await call(core, 'scan.remediation', { scanId, type: 'ansible' })
    // A valid playbook for all hosts (here the failed rules have no Ansible fix, so its task list is empty).
    const play = parseYaml(ansible.script) as { hosts?: string; tasks?: unknown[] | null }[]
    expect(play[0]!.hosts).toBe('all')
    expect(ansible.fileName).toMatch(/\.yml$/)

    // The rule detail carries the benchmark's own fix snippets (shown for failed rules in the UI).
    const details = await Promise.all(
      results.map((r) => call(core, 'content.rule', { sha256, ruleId: r.ruleId })),
    )
    const bashFix = details.flatMap((d) => d.fixes).find((f) => f.system === 'bash')
    expect(bashFix?.text.length).toBeGreaterThan(10)
  }, 60_000)

  it('driftwatch remediation writes the script for the latest scan', async () => {
    const out = join(tmp.make('dw-fix-cli-'), 'laptop.sh')
    const r = await runCli(['remediation', 'laptop', '--type', 'bash', '--out', out, '--data-dir', dataDir])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/laptop\.sh: fixes for \d+ failed rules of laptop/)
    expect(readFileSync(out, 'utf8')).toMatch(/^#!\/usr\/bin\/env bash/)
  })

  it('refuses remediation for a scan with nothing failed or no ARF, saying why', async () => {
    const env = await core.invoke('scan.remediation', { scanId: 'no-such-scan', type: 'bash' })
    expect(env.ok).toBe(false)
    expect(!env.ok && env.error.message).toBe('That scan was not found')
  })
})

describe('scanning a group', () => {
  it('scans every target a few at a time, each with its own progress; one failure does not stop the others', async () => {
    const group = 'branch-office'
    const ids: string[] = []
    for (const name of ['office-1', 'office-2', 'office-3'])
      ids.push((await call(core, 'targets.create', { target: { kind: 'local', name, groups: [group] } })).id)
    // A host nothing answers for: its scan fails, the others go on.
    const dead = await call(core, 'targets.create', {
      target: { kind: 'ssh', name: 'office-gone', host: '127.0.0.1', port: 1, user: 'root', groups: [group] },
    })
    let running = 0
    let most = 0
    const progressed = new Set<string>()
    const ended = new Map<string, string>()
    const off = core.subscribe((name, p) => {
      const e = p as { scanId: string; targetId: string; state?: string }
      if (name === 'scan.progress' && !progressed.has(e.scanId)) {
        progressed.add(e.scanId)
        most = Math.max(most, ++running)
      }
      if (name === 'scan.finished') {
        running--
        ended.set(e.targetId, e.state!)
      }
    })
    const r = await call(core, 'scan.startGroup', { group, sha256, profileId: PROFILE, concurrency: 2 })
    expect(r.queued.map((q) => q.name).sort()).toEqual(['office-1', 'office-2', 'office-3', 'office-gone'])
    expect(r.skipped).toEqual([])
    await core.idle()
    off()
    expect(most).toBe(2)
    expect(progressed.size).toBe(4)
    expect(ids.map((id) => ended.get(id))).toEqual(['done', 'done', 'done'])
    expect(ended.get(dead.id)).toBe('failed')

    // Without content the hosts cannot be planned: each is named as skipped, nothing starts.
    const none = await call(core, 'scan.startGroup', { group })
    expect(none.queued).toEqual([])
    expect(none.skipped.map((x) => x.reason)).toContain(
      'office-1 has no assigned tailoring: choose content and a profile, or assign a tailoring to it',
    )
    const unknown = await core.invoke('scan.startGroup', { group: 'no-such-group' })
    expect(!unknown.ok && unknown.error.message).toBe('The group "no-such-group" was not found')
  }, 120_000)

  it('cancelling a group scan cancels the running scan and starts none of the queued targets', async () => {
    const group = 'cancelled-office'
    const ids: string[] = []
    for (const name of ['cancel-1', 'cancel-2', 'cancel-3'])
      ids.push((await call(core, 'targets.create', { target: { kind: 'local', name, groups: [group] } })).id)
    const started = new Set<string>()
    const ended = new Map<string, string>()
    let named: (id: string) => void = () => undefined
    const groupScanId = new Promise<string>((resolve) => (named = resolve))
    const off = core.subscribe((name, p) => {
      const e = p as { targetId: string; state?: string }
      // The first scan's first progress can come before scan.startGroup's answer: cancel once both are here.
      if (name === 'scan.progress' && !started.has(e.targetId)) {
        started.add(e.targetId)
        void groupScanId.then((id) => core.invoke('scan.cancelGroup', { groupScanId: id }))
      }
      if (name === 'scan.finished') ended.set(e.targetId, e.state!)
    })
    const r = await call(core, 'scan.startGroup', { group, sha256, profileId: PROFILE, concurrency: 1 })
    named(r.groupScanId)
    await core.idle()
    off()
    expect(started.size).toBe(1)
    expect([...ended.values()]).toEqual(['cancelled'])
    expect(await call(core, 'scan.cancelGroup', { groupScanId: r.groupScanId })).toEqual({ cancelled: false })
  }, 60_000)
})

describe('an oscap that crashes', () => {
  // oscap 1.3's probe threads can segfault when a process they read vanishes (seen on this machine under load):
  // a wrapper earlier on PATH crashes the first CRASHES runs with SIGSEGV, then runs the real oscap.
  const crashing = (crashes: number) => {
    const bin = tmp.make('dw-oscap-crash-')
    const count = join(bin, 'runs')
    writeFileSync(count, '')
    writeFileSync(
      join(bin, 'oscap'),
      [
        '#!/bin/sh',
        `if [ "$1" = xccdf ] && [ "$2" = eval ]; then`,
        `  n=$(wc -c < '${count}'); printf x >> '${count}'`,
        `  if [ "$n" -lt ${crashes} ]; then kill -SEGV $$; fi`,
        'fi',
        'exec /usr/bin/oscap "$@"',
        '',
      ].join('\n'),
      { mode: 0o755 },
    )
    const before = process.env.PATH
    process.env.PATH = `${bin}:${before}`
    return { runs: () => readFileSync(count, 'utf8').length, restore: () => (process.env.PATH = before) }
  }

  it('runs oscap once more after a crash, says so in the progress, and keeps the second run’s results', async () => {
    const wrapper = crashing(1)
    try {
      const { scanId, progress, finished } = await scanAndWait()
      expect(wrapper.runs()).toBe(2)
      expect(finished.state).toBe('done')
      expect(progress.map((p) => (p.phase === 'rule' ? '' : p.message))).toContain(
        'oscap crashed (SIGSEGV) on this computer before it finished; running it again, once',
      )
      const { results } = await call(core, 'scan.results', { scanId })
      expect(results.length).toBeGreaterThan(10)
      expect(leftBehind(progress)).toEqual([])
    } finally {
      wrapper.restore()
    }
  })

  it('reports a second crash as the scan’s error, stores nothing and leaves no temp dir', async () => {
    const wrapper = crashing(2)
    try {
      const { scanId, progress, finished } = await scanAndWait()
      expect(wrapper.runs()).toBe(2)
      expect(finished.state).toBe('failed')
      expect(finished.error).toMatch(/^oscap failed \(exit SIGSEGV\), twice/)
      const scan = (await call(core, 'scans.list', { targetId })).scans.find((x) => x.id === scanId)
      expect(scan).toMatchObject({ state: 'failed', score: null })
      expect(leftBehind(progress)).toEqual([])
    } finally {
      wrapper.restore()
    }
  })
})

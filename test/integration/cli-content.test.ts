// `driftwatch content` and `driftwatch tailoring` as an auditor scripts them, on the real Debian 11 SSG
// datastream: import, browse, import a SCAP Workbench tailoring, export it for oscap; and assignment rules.
import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli, ROOT } from '../helpers/cli'
import { useTmpDirs } from '../helpers/tmp-dir'
import { useCores, call, callError } from '../helpers/core'
import { importContentFile } from '../helpers/files'

const DS = '/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml'
const WORKBENCH = join(ROOT, 'test/fixtures/tailoring/scap-workbench.xml')
const tmp = useTmpDirs('all')
const cores = useCores()

describe('driftwatch content and tailoring', () => {
  it('imports, lists profiles and Values, and round-trips a SCAP Workbench tailoring through oscap', async () => {
    const dir = tmp.make('dw-cli-content-')
    const cli = (...args: string[]) => runCli([...args, '--data-dir', dir])

    const found = await cli('content', 'import')
    expect(found.code).toBe(0)
    expect(found.stdout).toContain('ssg-debian11-ds.xml')

    const imported = await cli('content', 'import', DS)
    expect(imported.code).toBe(0)
    expect(imported.stdout).toMatch(
      /^Imported ssg-debian11-ds\.xml \([0-9a-f]{12}\): Guide to the Secure Configuration of Debian 11/,
    )
    // Importing the same bytes again is the same content, not a second copy.
    await cli('content', 'import', DS)
    expect(JSON.parse((await cli('content', 'list', '--json')).stdout)).toHaveLength(1)

    const profiles = await cli('content', 'profiles', 'ssg-debian11-ds.xml')
    expect(profiles.stdout).toMatch(/^standard\s+44\s+Standard System Security Profile for Debian 11$/m)
    const values = JSON.parse(
      (await cli('content', 'values', 'ssg-debian11-ds.xml', '--profile', 'standard', '--json')).stdout,
    )
    const idle = values.find((v: { id: string }) => v.id.endsWith('sshd_idle_timeout_value'))
    expect(idle).toMatchObject({ type: 'number', profileSelector: '5_minutes', profileValue: '300' })

    const imp = await cli(
      'tailoring',
      'import',
      WORKBENCH,
      '--name',
      'Workbench policy',
      '--content',
      'ssg-debian11-ds.xml',
    )
    expect(imp.code, imp.stderr).toBe(0)
    expect(imp.stdout).toBe(
      'Imported "Workbench policy": 4 changes to xccdf_org.ssgproject.content_profile_standard\n',
    )

    const out = join(dir, 'policy.xml')
    expect((await cli('tailoring', 'export', 'workbench policy', '--out', out)).code).toBe(0)
    const xml = readFileSync(out, 'utf8')
    expect(xml).toContain(
      '<xccdf:refine-value idref="xccdf_org.ssgproject.content_value_sshd_idle_timeout_value" selector="15_minutes"/>',
    )
    const info = execFileSync('oscap', ['info', '--profiles', out], { encoding: 'utf8' })
    expect(info).toContain('xccdf_org.ssgproject.content_profile_standard_customized')

    const bad = await cli(
      'tailoring',
      'import',
      join(ROOT, 'package.json'),
      '--name',
      'x',
      '--content',
      'ssg-debian11-ds.xml',
    )
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/malformed|not/i)
  }, 60_000)

  it('validates a tailoring against the benchmark and checks what it is assigned to', async () => {
    const core = cores.open()
    const c = await importContentFile(core, DS)
    const target = await call(core, 'targets.create', {
      target: { kind: 'local', name: 'laptop', groups: ['fleet'] },
    })
    const base = { sha256: c.sha256, baseProfileId: 'xccdf_org.ssgproject.content_profile_standard' }
    const bad = await callError(core, 'tailorings.save', {
      ...base,
      name: 'Bad',
      changes: {
        refineValues: { 'xccdf_org.ssgproject.content_value_sshd_idle_timeout_value': '7_minutes' },
      },
    })
    expect(bad.code).toBe('validation')
    expect(bad.message).toMatch(/^Unknown selector '7_minutes'; valid selectors: /)
    const ghost = await callError(core, 'tailorings.save', {
      ...base,
      name: 'Ghost',
      changes: {},
      targets: ['nope'],
    })
    expect(ghost.message).toBe('No target with id nope: it may have been deleted')

    const saved = await call(core, 'tailorings.save', {
      ...base,
      name: 'Fleet',
      changes: { setValues: { 'xccdf_org.ssgproject.content_value_sshd_idle_timeout_value': '900' } },
      targets: [target.id],
      groups: ['fleet'],
    })
    expect(saved).toMatchObject({
      targets: [target.id],
      groups: ['fleet'],
      profileId: `${base.baseProfileId}_customized`,
    })
    expect(saved.diff).toEqual([
      {
        kind: 'value',
        id: 'xccdf_org.ssgproject.content_value_sshd_idle_timeout_value',
        title: 'SSH session Idle time',
        from: '300',
        to: '900',
      },
    ])
    const dup = await callError(core, 'tailorings.save', { ...base, name: 'fleet', changes: {} })
    expect(dup.code).toBe('conflict')
  }, 60_000)
})

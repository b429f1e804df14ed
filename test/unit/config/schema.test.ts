// The JSON Schema of driftwatch.yml: the published file is what the code generates from the kinds registry,
// and an exported setup is valid against it while a file with an unknown key or a wrong kind field is not.
import { describe, expect, it } from 'vitest'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020'
import { parse } from 'yaml'
import { applyFile } from '../../../src-main/cli/config'
import { exportConfig } from '../../../src-main/core/config/export'
import { golden, ROOT, UPDATE_HINT } from '../../golden/golden-files'
import { call, useCores } from '../../helpers/core'
import { useTmpDirs } from '../../helpers/tmp-dir'

const cores = useCores()
const tmp = useTmpDirs()
const FILE = 'resources/driftwatch-config.schema.json'

describe('driftwatch-config.schema.json', () => {
  it('is the schema the code generates (`npm run golden:update` rewrites it, never the test)', () => {
    expect(readFileSync(join(ROOT, FILE), 'utf8'), `${FILE} ${UPDATE_HINT}`).toBe(golden(FILE).generate())
  })

  it('accepts an exported setup and refuses unknown keys and wrong kind fields', async () => {
    const core = cores.open({ unsafeKdfForTests: { N: 1024, r: 8, p: 1 } })
    await call(core, 'vault.init', { passphrase: 'schema test passphrase' })
    const file = join(tmp.make('dw-schema-'), 'driftwatch.yml')
    writeFileSync(
      file,
      `credentials:
  - { name: pg, kind: db-password, secret: { password: "\${PW}" } }
targets:
  - { name: db, kind: postgres, host: 127.0.0.1, user: a, credentialId: pg, tls: disable, policy: { pack: postgres-cis } }
  - { name: gh, kind: github, org: acme }
schedules:
  - { target: db, every: 15m }
  - { target: gh, daily: ["01:00"] }
alerts:
  - { name: hook, kind: webhook, url: "http://127.0.0.1:9/x", secret: { env: KEY } }
`,
    )
    await applyFile(core, file, { PW: 'p', KEY: 'k' })
    const exported = parse((await exportConfig(core)).yaml) as Record<string, unknown>
    const validate = new Ajv2020({ strict: false }).compile(
      JSON.parse(readFileSync(join(ROOT, FILE), 'utf8')),
    )
    expect(validate(exported), JSON.stringify(validate.errors)).toBe(true)
    const targets = exported.targets as Record<string, unknown>[]
    expect(validate({ ...exported, extra: 1 })).toBe(false)
    expect(validate({ ...exported, targets: [{ ...targets[0], org: 'acme' }] })).toBe(false)
    // A host key pin belongs to SSH targets only.
    const pin = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDOsRhNgMmXJwqYCwjxsC24D1UYiHEtnwrpKQpp2yK/2'
    const ssh = { name: 'web', kind: 'ssh', host: '127.0.0.1', user: 'root', hostKey: pin }
    expect(validate({ ...exported, targets: [ssh] }), JSON.stringify(validate.errors)).toBe(true)
    expect(validate({ ...exported, targets: [{ ...targets[0], hostKey: pin }] })).toBe(false)
    // Content by file (pinned or not) and report exports; a content entry's unknown key is refused.
    const content = [
      { name: 'ssg', file: 'ssg-debian12-ds.xml', sha256: 'a'.repeat(64) },
      { name: 'x', file: '/c.xml' },
    ]
    const reports = [
      { name: 'w', cadence: 'weekly', day: 'mon', at: '07:30', formats: ['pdf'], folder: 'out' },
      { name: 'm', cadence: 'monthly', day: 31 },
    ]
    expect(validate({ ...exported, content, reports }), JSON.stringify(validate.errors)).toBe(true)
    expect(validate({ ...exported, content: [{ name: 'x', file: 'a.xml', sha: 'b' }] })).toBe(false)
    expect(validate({ ...exported, reports: [{ name: 'y', cadence: 'yearly', day: 1 }] })).toBe(false)
  })
})

// Redaction: secret values the vault handed out and secret-shaped text never reach a log line.
import { describe, expect, it } from 'vitest'
import { MAX_REMEMBERED, Redactor, redactingLogger } from '../../../src-main/core/vault/redact'
import { jsonLogger } from '../../../src-main/core/ports'

describe('registered secrets', () => {
  it('are masked until the vault locks', () => {
    const r = new Redactor()
    r.registerSecret('hunter2-but-longer')
    expect(r.redact('auth failed for hunter2-but-longer at db')).toBe('auth failed for [redacted] at db')
    r.forgetSecrets()
    expect(r.redact('hunter2-but-longer')).toBe('hunter2-but-longer')
  })

  it('are masked URL-encoded and JSON-escaped too, and whole when one contains another', () => {
    const r = new Redactor()
    r.registerSecret('p@ss w/"rd"')
    r.registerSecret('p@ss')
    expect(r.redact('postgres://u:p%40ss%20w%2F%22rd%22@db')).toBe('postgres://u:[redacted]@db')
    expect(r.redact('{"detail":"p@ss w/\\"rd\\""}')).toBe('{"detail":"[redacted]"}')
    expect(r.redact('got p@ss w/"rd" and p@ss')).toBe('got [redacted] and [redacted]')
  })

  it('are not registered when too short to tell from ordinary words', () => {
    const r = new Redactor()
    r.registerSecret('abc')
    expect(r.redact('abc')).toBe('abc')
  })

  it('are kept up to a bound, forgetting the oldest first', () => {
    const r = new Redactor()
    for (let i = 0; i <= MAX_REMEMBERED; i++) r.registerSecret(`secret-number-${i}`)
    expect(r.redact('secret-number-0')).toBe('secret-number-0')
    expect(r.redact('secret-number-1')).toBe('[redacted]')
    expect(r.redact(`secret-number-${MAX_REMEMBERED}`)).toBe('[redacted]')
  })
})

describe('secret-shaped text', () => {
  const r = new Redactor()

  it('masks private key blocks, whole or cut short', () => {
    for (const type of ['OPENSSH ', 'RSA ', 'EC ', 'ENCRYPTED ', '']) {
      const pem = [
        `-----BEGIN ${type}PRIVATE KEY-----`,
        'b3BlbnNzaC1rZXktdjEAAAA',
        `-----END ${type}PRIVATE KEY-----`,
      ].join('\n')
      expect(r.redact(`key: ${pem} end`)).toBe('key: [redacted] end')
    }
    expect(r.redact('loaded -----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn')).toBe('loaded [redacted]')
    expect(r.redact('-----BEGIN CERTIFICATE-----')).toBe('-----BEGIN CERTIFICATE-----')
  })

  it('masks GitHub tokens of every kind', () => {
    for (const prefix of ['ghp', 'gho', 'ghu', 'ghs', 'ghr'])
      expect(r.redact(`token ${prefix}_abcdefghijklmnopqrstuvwxyz0123456789 used`)).toBe(
        'token [redacted] used',
      )
    expect(r.redact('github_pat_11ABCDEFG0123456789_abcdef')).toBe('[redacted]')
  })

  it('masks password=, passwd:, PGPASSWORD= and other secret-named pairs, quoted or not', () => {
    expect(r.redact('PGPASSWORD=s3cret psql -h db')).toBe('PGPASSWORD=[redacted] psql -h db')
    expect(r.redact('MYSQL_PWD=s3cret mysql')).toBe('MYSQL_PWD=[redacted] mysql')
    expect(r.redact('passwd: hunter2')).toBe('passwd: [redacted]')
    expect(r.redact('password: "two words"')).toBe('password: [redacted]')
    expect(r.redact('{"password":"x y","user":"ro"}')).toBe('{"password":[redacted],"user":"ro"}')
    expect(r.redact('db_password=abc&user=ro')).toBe('db_password=[redacted]&user=ro')
    expect(r.redact('?access_token=abc123&x=1')).toBe('?access_token=[redacted]&x=1')
    expect(r.redact('client_secret: abc')).toBe('client_secret: [redacted]')
    expect(r.redact('Authorization: Bearer abc.def')).toBe('Authorization: Bearer [redacted]')
  })

  it('masks the password of user:password@ in URLs, even one holding an @', () => {
    expect(r.redact('postgres://ro:s3cret@db.internal:5432/x')).toBe(
      'postgres://ro:[redacted]@db.internal:5432/x',
    )
    expect(r.redact('mysql://ro:p@ss@db/x')).toBe('mysql://ro:[redacted]@db/x')
    expect(r.redact('redis://:s3cret@cache')).toBe('redis://:[redacted]@cache')
  })

  it('leaves ordinary audit text alone', () => {
    for (const text of [
      'nothing to hide here',
      'pass: 12 rules, fail: 3',
      'tokens: 5, token_count: 9',
      'https://db.internal:5432/x and user@example.com',
      'key ssh-ed25519 SHA256:abc (ghp_…)',
    ])
      expect(r.redact(text)).toBe(text)
  })
})

describe('deep redaction and the logger', () => {
  it('redacts every string of a log line, nested fields and errors included', () => {
    const lines: string[] = []
    const r = new Redactor()
    r.registerSecret('canary-in-log-42')
    const err = new Error('connect failed: canary-in-log-42')
    redactingLogger(
      jsonLogger((l) => lines.push(l)),
      r,
    ).log('error', 'failed with canary-in-log-42', {
      error: { message: 'pw canary-in-log-42', list: ['canary-in-log-42'] },
      cause: err,
    })
    expect(lines.join('')).not.toContain('canary-in-log-42')
    expect(JSON.parse(lines[0]!)).toMatchObject({
      msg: 'failed with [redacted]',
      error: { message: 'pw [redacted]', list: ['[redacted]'] },
      cause: { name: 'Error', message: 'connect failed: [redacted]' },
    })
  })

  it('keeps a hostile "__proto__" key as data: redacted, never an object prototype', () => {
    const r = new Redactor()
    r.registerSecret('proto-secret-9')
    const hostile = JSON.parse('{"__proto__": {"polluted": "proto-secret-9"}, "ok": "fine"}') as object
    const out = r.redactDeep(hostile) as Record<string, unknown>
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ polluted: '[redacted]' })
    expect((out as { polluted?: unknown }).polluted).toBeUndefined()
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":"[redacted]"},"ok":"fine"}')
  })

  it('survives cycles, redacts shared objects each time, and never prints binary data', () => {
    const r = new Redactor()
    r.registerSecret('shared-secret')
    const shared = { s: 'shared-secret' }
    const cyclic: Record<string, unknown> = { name: 'x' }
    cyclic.self = cyclic
    const when = new Date('2030-01-01T00:00:00Z')
    expect(r.redactDeep({ a: shared, b: shared, cyclic, raw: Buffer.from('shared-secret'), when })).toEqual({
      a: { s: '[redacted]' },
      b: { s: '[redacted]' },
      cyclic: { name: 'x', self: '[circular]' },
      raw: '[13 bytes]',
      when,
    })
  })
})

// Redaction: secret values the vault handed out and secret-shaped text never reach a log line.
import { describe, expect, it } from 'vitest'
import { Redactor, redactingLogger } from '../../../src-main/core/vault/redact'
import { jsonLogger } from '../../../src-main/core/ports'

describe('Redactor', () => {
  it('masks registered secrets until the vault locks', () => {
    const r = new Redactor()
    r.registerSecret('hunter2-but-longer')
    expect(r.redact('auth failed for hunter2-but-longer at db')).toBe('auth failed for [redacted] at db')
    r.forgetSecrets()
    expect(r.redact('hunter2-but-longer')).toBe('hunter2-but-longer')
  })

  it('always masks secret-shaped text', () => {
    const r = new Redactor()
    const pem =
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\n-----END OPENSSH PRIVATE KEY-----'
    expect(r.redact(`key: ${pem} end`)).toBe('key: [redacted] end')
    expect(r.redact('token ghp_abcdefghijklmnopqrstuvwxyz0123456789 used')).toBe('token [redacted] used')
    expect(r.redact('github_pat_11ABCDEFG0123456789_abcdef')).toBe('[redacted]')
    expect(r.redact('PGPASSWORD=s3cret psql')).toBe('PGPASSWORD=[redacted] psql')
    expect(r.redact('password: "two words"')).toBe('password: [redacted]')
    expect(r.redact('postgres://ro:s3cret@db.internal:5432/x')).toBe(
      'postgres://ro:[redacted]@db.internal:5432/x',
    )
    expect(r.redact('nothing to hide here')).toBe('nothing to hide here')
  })

  it('redacts every string of a log line, nested fields included', () => {
    const lines: string[] = []
    const r = new Redactor()
    r.registerSecret('canary-in-log-42')
    redactingLogger(
      jsonLogger((l) => lines.push(l)),
      r,
    ).log('error', 'failed with canary-in-log-42', {
      error: { message: 'pw canary-in-log-42', list: ['canary-in-log-42'] },
    })
    expect(lines.join('')).not.toContain('canary-in-log-42')
    expect(JSON.parse(lines[0]!)).toMatchObject({
      msg: 'failed with [redacted]',
      error: { list: ['[redacted]'] },
    })
  })
})

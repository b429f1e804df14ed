// The passphrase strength meter on the create-vault form: its verdicts for passphrases a person would type.
import { describe, expect, it } from 'vitest'
import { estimateStrength } from '../../../src-renderer/lib/strength'

describe('estimateStrength', () => {
  it('asks for 12 characters first, counting what was typed', () => {
    expect(estimateStrength('')).toMatchObject({ score: 0, label: 'Too short', bits: 0 })
    expect(estimateStrength('abcdefghijk')).toMatchObject({
      score: 0,
      label: 'Too short',
      hint: 'Use at least 12 characters (11 so far).',
    })
  })

  it.each([
    ['aaaaaaaaaaaa', 'Weak'],
    ['abcdefghijklmnop', 'Weak'],
    ['password1234', 'Weak'],
    ['Password1234!', 'Weak'],
    ['kX9#mQ2$vL7p', 'Good'],
    ['correct horse battery staple', 'Strong'],
    ['Tr0ub4dor&3-xylophone-Quiet', 'Strong'],
  ])('%j is %s', (passphrase, label) => {
    expect(estimateStrength(passphrase).label).toBe(label)
  })

  it('never scores runs and repeats above varied characters of the same length and classes', () => {
    const run = estimateStrength('abcdefghijklmnopqrst')
    const varied = estimateStrength('qzmxkwbtrvplhdnfyjgc')
    expect(run.bits).toBeLessThan(varied.bits)
  })

  it('discounts common words, and credits several words separated by spaces or dashes', () => {
    expect(estimateStrength('xqzvwpassword').bits).toBeLessThan(estimateStrength('xqzvwkqmtrbn').bits)
    expect(estimateStrength('mauve-ladder-quietly').bits).toBeGreaterThan(
      estimateStrength('mauveladderquietly').bits,
    )
  })

  it('keeps score, label and hint consistent across the bands', () => {
    const bands = ['Too short', 'Weak', 'Fair', 'Good', 'Strong']
    for (const p of ['short', 'aaaaaaaaaaaa', 'kX9#mQ2$vL7p', 'correct horse battery staple', 'fairly-okay1'])
      expect(bands[estimateStrength(p).score]).toBe(estimateStrength(p).label)
  })
})

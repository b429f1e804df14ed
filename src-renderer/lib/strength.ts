// A local estimate of passphrase strength for the create-vault form: rough entropy from length and
// character classes, discounted for repeats, sequences and very common words. It never leaves the renderer.
const COMMON = [
  'password',
  'passwort',
  'qwerty',
  'letmein',
  'welcome',
  'admin',
  'secret',
  'dragon',
  'monkey',
  'iloveyou',
  'driftwatch',
  'changeme',
  'abc123',
  '123456',
  'football',
  'baseball',
  'master',
  'login',
  'princess',
  'sunshine',
]

export interface Strength {
  score: 0 | 1 | 2 | 3 | 4
  label: 'Too short' | 'Weak' | 'Fair' | 'Good' | 'Strong'
  bits: number
  hint: string
}

export function estimateStrength(p: string): Strength {
  if (p.length < 12)
    return { score: 0, label: 'Too short', bits: 0, hint: `Use at least 12 characters (${p.length} so far).` }
  let pool = 0
  if (/[a-z]/.test(p)) pool += 26
  if (/[A-Z]/.test(p)) pool += 26
  if (/[0-9]/.test(p)) pool += 10
  if (/[^A-Za-z0-9]/.test(p)) pool += 33
  // Repeats and runs carry little information: count each run of a repeated or sequential char once.
  let effective = 1
  for (let i = 1; i < p.length; i++) {
    const d = p.charCodeAt(i) - p.charCodeAt(i - 1)
    if (d !== 0 && Math.abs(d) !== 1) effective++
  }
  let bits = effective * Math.log2(Math.max(pool, 2))
  const lower = p.toLowerCase()
  for (const w of COMMON) if (lower.includes(w)) bits -= w.length * 3
  // Several words separated by spaces or dashes are easy to remember and hard to guess: credit length.
  if (/\S+[\s-]+\S+[\s-]+\S+/.test(p)) bits += 10
  bits = Math.max(0, Math.round(bits))
  if (bits < 40)
    return { score: 1, label: 'Weak', bits, hint: 'Add more words or characters; avoid common words.' }
  if (bits < 60)
    return { score: 2, label: 'Fair', bits, hint: 'Longer is better: a short sentence works well.' }
  if (bits < 80) return { score: 3, label: 'Good', bits, hint: 'Good. A few more characters make it strong.' }
  return { score: 4, label: 'Strong', bits, hint: 'Strong.' }
}

// Counts as a reader scans them after the judgement: "fail 12 · excepted 3 · pass 40".
const ORDER = ['fail', 'excepted', 'error', 'pass', 'notchecked', 'notapplicable', 'informational', 'fixed']

export const countsLine = (c: Record<string, number>): string =>
  [...ORDER.filter((k) => c[k]), ...Object.keys(c).filter((k) => !ORDER.includes(k) && c[k])]
    .map((k) => `${k} ${c[k]}`)
    .join(' · ')

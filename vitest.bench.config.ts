// `npm run bench`: benchmarks are plain files under bench/ that print their figures; speed is never asserted.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    reporters: ['verbose'],
  },
})

// Test runner configuration: unit tests run everywhere; integration and e2e tests start their own
// real servers (test/services) and Chromium, so they run one file at a time on this 2-core machine.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    reporters: ['default'],
    typecheck: { enabled: false },
  },
})

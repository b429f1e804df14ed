// Test runner configuration: unit tests run everywhere; integration and e2e tests start their own
// real servers (test/services) and Chromium, so they run one file at a time on this 2-core machine.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // UI polls wait for real work (a vault unlock runs scrypt for ~0.7 s); a busy CI core needs headroom.
    expect: { poll: { timeout: 10_000 } },
    reporters: ['default'],
    typecheck: { enabled: false },
  },
})

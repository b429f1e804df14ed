// Test runner configuration. Two lanes:
// - "unit" (test/unit, test/security): plain Node, no shared servers, runs two files at a time. About half
//   of its wall time is spent waiting (timers, child processes), so the second worker roughly halves it.
// - "servers" (test/integration, test/e2e): start their own real servers (test/services) and Chromium and
//   include timing-bound checks (network faults, crash safety, timeouts); one file at a time.
// Vitest runs the lanes one after the other.
import { defineConfig } from 'vitest/config'

const shared = {
  testTimeout: 30_000,
  hookTimeout: 120_000,
  // UI polls wait for real work (a vault unlock runs scrypt for ~0.7 s); a busy CI core needs headroom.
  expect: { poll: { timeout: 10_000 } },
  typecheck: { enabled: false },
}

export default defineConfig({
  test: {
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { ...shared, name: 'unit', include: ['test/unit/**/*.test.ts', 'test/security/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          ...shared,
          name: 'servers',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          fileParallelism: false,
        },
      },
    ],
  },
})

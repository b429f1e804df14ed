// Test runner configuration. Two lanes run side by side, one file at a time each, so a 2-core machine keeps
// both cores busy without piling real servers on top of each other: lane "servers" holds the integration
// tests (PostgreSQL, MariaDB, sshd, oscap), lane "app" the unit, security and browser tests. Files whose
// assertions measure time (network faults, crash safety, disk full) run last, alone, once both lanes are done.
import { defineConfig } from 'vitest/config'

const ALONE = [
  'test/integration/network-faults.test.ts',
  'test/integration/crash-safety.test.ts',
  'test/integration/disk-full.test.ts',
]

const common = {
  testTimeout: 30_000,
  hookTimeout: 120_000,
  fileParallelism: false,
  // UI polls wait for real work (a vault unlock runs scrypt for ~0.7 s); a busy CI core needs headroom.
  expect: { poll: { timeout: 10_000 } },
  typecheck: { enabled: false },
}

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          ...common,
          name: 'app',
          include: ['test/unit/**/*.test.ts', 'test/security/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...common,
          name: 'servers',
          include: ['test/integration/**/*.test.ts'],
          exclude: ALONE,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: { ...common, name: 'alone', include: ALONE, sequence: { groupOrder: 1 } },
      },
    ],
  },
})

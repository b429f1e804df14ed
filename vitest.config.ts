// Test runner configuration: three projects sharing two workers.
// - "unit" (test/unit, test/security): plain Node, no shared servers.
// - "servers" (test/integration, test/e2e): each file starts its own real servers (test/services: free ports,
//   its own temp dirs) and its own Chromium, so two files can run side by side; they run alongside "unit".
// - "serial": the files whose checks are bound to time or to the whole machine (killing processes mid-write,
//   cutting connections after so many bytes, filling a disk): after the others, one at a time, on a quiet
//   machine.
// About half of the suite's wall time is spent waiting (child processes, servers starting, timers), which is
// why two workers on two cores roughly halve it.
import { defineConfig } from 'vitest/config'

const shared = {
  testTimeout: 30_000,
  hookTimeout: 120_000,
  // UI polls wait for real work (a vault unlock runs scrypt for ~0.7 s); a busy CI core needs headroom.
  expect: { poll: { timeout: 10_000 } },
  typecheck: { enabled: false },
}

const SERIAL = [
  'test/integration/crash-safety.test.ts',
  'test/integration/network-faults.test.ts',
  'test/integration/disk-full.test.ts',
]

export default defineConfig({
  test: {
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          ...shared,
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/security/**/*.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          ...shared,
          name: 'servers',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          exclude: SERIAL,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          ...shared,
          name: 'serial',
          include: SERIAL,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
})

import { defineConfig } from 'vitest/config';

/**
 * `npm run test:qemu`: tests that run real QEMU binaries (paths from
 * MTC_QEMU_BIN_10_2_2 and MTC_QEMU_BIN_11_1_1). Not part of `npm test`.
 */
export default defineConfig({
  test: {
    include: ['test/qemu/**/*.qemu.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});

import { defineConfig } from 'vitest/config';

/**
 * `npm run test:qemu`: tests that build and run real qemu-system-aarch64
 * binaries from the trees of ../shared/qemu/ (test/qemu). Not part of
 * `npm test`. The global setup builds the pristine binaries; the tests build
 * the patched ones. No timeouts: a cold build takes minutes.
 */
export default defineConfig({
  test: {
    include: ['test/qemu/**/*.qemu.test.ts'],
    globalSetup: ['./test/qemu/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 0,
    hookTimeout: 0,
  },
});

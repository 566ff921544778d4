import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real QEMU binaries: `npm run test:qemu` (vitest.qemu.config.ts).
    exclude: ['test/qemu/**', '**/node_modules/**'],
    // CI has 2 cores; browser and compiler tests start processes of their own.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});

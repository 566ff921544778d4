import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ once when it is older than src/ (the CLI tests run the bundle, as users do).
    globalSetup: ['./test/support/global-setup.ts'],
    // Real QEMU binaries: `npm run test:qemu` (vitest.qemu.config.ts).
    exclude: ['test/qemu/**', '**/node_modules/**'],
    // CI has 2 cores; browser and compiler tests start processes of their own.
    pool: 'forks',
    maxWorkers: 2,
    // No timeouts: on a loaded 2-core machine (a QEMU build next door) a correct test or hook may take
    // minutes, and a timeout would turn slowness into a failure. Nothing in the suite waits for an event
    // that may never come; every child process runs to its exit.
    testTimeout: 0,
    hookTimeout: 0,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});

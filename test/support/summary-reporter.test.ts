/**
 * The closing `tests: N passed, N failed, N skipped` line counts a test that a
 * failed hook kept from running as failed (once a `beforeAll` timed out on a
 * loaded machine and the line said "0 failed"), a failed `afterAll` and a
 * module that cannot load as failures too, and only deliberate skips as skipped.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';

function vitest(config: string) {
  const root = process.cwd();
  return spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(root, 'test/fixtures/reporter', config)], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: '1' },
  });
}

test('a failed hook counts as a failure in the closing line', () => {
  const r = vitest('vitest.config.ts');
  expect(r.status).toBe(1);
  // hooks.fixture.ts: t1, t2 not run (beforeAll threw) = 2 failed, afterAll threw = 1 failed, t3 and t4 passed, t5 skipped;
  // module-hook.fixture.ts: t6 not run = 1 failed; import-error.fixture.ts: the module = 1 failed.
  expect(r.stdout).toContain('tests: 2 passed, 5 failed, 1 skipped');
});

test('a failed global setup (no test runs) is not "0 failed"', () => {
  const r = vitest('setup-fails.config.ts');
  expect(r.status).not.toBe(0);
  expect(r.stdout).toMatch(/tests: 0 passed, [1-9]\d* failed, 0 skipped/);
});

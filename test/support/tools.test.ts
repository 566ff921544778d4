/**
 * Tests that need a C compiler or Chromium fail without them, with a message
 * saying what to install, instead of being skipped (a skipped compile test
 * once let a green run hide that no generated C had been compiled).
 */
import { afterEach, expect, test, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

test('without a C compiler, needCompiler() says what to install', async () => {
  vi.stubEnv('CC', '');
  vi.stubEnv('PATH', '/nonexistent');
  vi.resetModules();
  const { CC, needCompiler } = await import('../emit/cc-util.js');
  expect(CC).toBeUndefined();
  expect(() => needCompiler()).toThrow(/no C compiler found .*apt-get install gcc libc6-dev.*\.ci\/run/);
});

test('without Chromium, needChromium() and launchChromium() say what to install', async () => {
  vi.stubEnv('CHROMIUM', '/nonexistent/chromium');
  vi.resetModules();
  const { needChromium, launchChromium } = await import('./browser.js');
  expect(() => needChromium()).toThrow(/Chromium not found at \/nonexistent\/chromium: install it, e\.g\. `apt-get install chromium`/);
  await expect(launchChromium()).rejects.toThrow(/install it/);
});

test('with them installed (as .ci/run makes sure), both are found', async () => {
  const { needCompiler } = await import('../emit/cc-util.js');
  const { needChromium } = await import('./browser.js');
  expect(needCompiler()).toBeTruthy();
  expect(needChromium()).toBeTruthy();
});

test('the global setup left dist/ built from the current sources (no test builds it in a hook)', async () => {
  const { distIsStale } = await import('./global-setup.js');
  expect(distIsStale()).toBe(false);
});

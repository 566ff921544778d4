import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/** Debian's Chromium (or $CHROMIUM), installed by .ci/run when missing. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/**
 * Throws an error saying what to install when Chromium is missing. Browser
 * tests fail without it instead of being skipped: a green run must mean the
 * pages were rendered.
 */
export function needChromium(): string {
  if (!hasChromium)
    throw new Error(`Chromium not found at ${CHROMIUM}: install it, e.g. \`apt-get install chromium\` on Debian (.ci/run does this), or set CHROMIUM to its path`);
  return CHROMIUM;
}

/**
 * Headless Chromium with no background networking (the machines have no
 * network; without these flags Chromium keeps trying). Playwright gives it a
 * fresh temporary profile.
 */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: needChromium(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';

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
    // No timeout: on a loaded machine a launch may take long, and that is not a failure.
    timeout: 0,
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

/**
 * Playwright waits at most 30 s for a navigation or an action by default; on a
 * loaded 2-core machine that can pass without anything being wrong. The
 * browser tests wait for local files only, so they wait as long as it takes.
 */
export function noTimeouts<T extends Page | BrowserContext>(p: T): T {
  p.setDefaultTimeout(0);
  p.setDefaultNavigationTimeout(0);
  return p;
}

/** A new page of `browser` without Playwright's default timeouts. */
export async function newPage(browser: Browser): Promise<Page> {
  return noTimeouts(await browser.newPage());
}

/**
 * The HTML page in a real headless Chromium (Debian's /usr/bin/chromium):
 * rendered content, links, the kernel table, and that a <script> in a reason
 * does not run. One browser launch for the file. Fails, saying what to install, without Chromium.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromium, type BrowserContext } from 'playwright-core';
import { generate } from '../../src/emit/build.js';
import { modelOf, repoRoot, tempProject } from './helpers.js';
import { needChromium, noTimeouts } from '../support/browser.js';

describe('docs/index.html in headless Chromium', () => {
  let context: BrowserContext;
  const requests: string[] = [];

  beforeAll(async () => {
    // A fresh user-data dir per run (launchPersistentContext is how playwright takes it).
    context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'mtc-chromium-')), {
      timeout: 0,
      executablePath: needChromium(),
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    noTimeouts(context);
    context.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
  });

  afterAll(async () => {
    await context?.close();
  });

  function writePage(html: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'mtc-html-'));
    writeFileSync(join(dir, 'index.html'), html);
    return pathToFileURL(join(dir, 'index.html')).href;
  }

  test('a page of the x-mig example and the RHEL rules: machine types, reference links, kernel table, decoded CPUs, no network', async () => {
    const page = await context.newPage();
    await page.goto(writePage(generate(modelOf(['examples/x-mig-series', 'rules/virt-rhel.mtc'])).files.get('docs/index.html')!));
    const text = await page.locator('body').innerText();
    for (const m of ['virt-10.1', 'virt-9.2', 'virt-rhel10.0.0']) expect(text).toContain(m);
    const link = page.locator('a[href="https://git.kernel.org/linus/c0000e58c74e"]').first();
    expect(await link.isVisible()).toBe(true);
    expect(await link.innerText()).toBe('linux c0000e58c74e');
    // Kernel table of virt: the BMAP_2 rule concerns 6.15 and not 6.12.
    const row = page.locator('table.k tr', { hasText: 'hide KVM_REG_ARM_VENDOR_HYP_BMAP_2' });
    const headers = await page.locator('table.k').first().locator('th').allInnerTexts();
    const cells = await row.first().locator('td').allInnerTexts();
    expect(cells[headers.indexOf('6.15')]).toBe('●');
    expect(cells[headers.indexOf('6.12')]).toBe('');
    expect(text).toContain('allow CPU 0x413fd0c1: Arm Neoverse N1 r3p1, Ampere Altra / Altra Max');
    expect(text).toContain('allow CPU 0xc00fac31: Ampere AmpereOne r0p1');
    // A rule is shown once, on the machine type that writes it: virt-9.2 links to its parent and counts what it inherits.
    const older = page.locator('#machine-virt-9\\.2');
    expect(await older.locator('table').count()).toBe(0);
    expect(await older.innerText()).not.toContain('KVM_REG_ARM_VENDOR_HYP_BMAP_2');
    expect(await older.innerText()).toContain("In effect: 1 hidden and 4 tolerated registers, virt-10.0's.");
    expect(await page.locator('#machine-virt-10\\.1 tr', { hasText: 'KVM_REG_ARM_VENDOR_HYP_BMAP_2' }).count()).toBe(1);
    const parent = older.locator('a[href="#machine-virt-10\\.0"]').first();
    expect(await parent.innerText()).toBe('virt-10.0');
    await parent.click();
    expect(await page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash)).toBe('#machine-virt-10.0');
    // Styled (inline CSS applied) and self-contained.
    const bg = await page.locator('header').evaluate((e) => (globalThis as unknown as { getComputedStyle(x: unknown): { backgroundColor: string } }).getComputedStyle(e).backgroundColor);
    expect(bg).toBe('rgb(29, 42, 58)');
    expect(requests).toEqual([]);
    await page.close();
  });

  test('a <script> or markup in a reason does not run and is shown as text', async () => {
    const text = readFileSync(join(repoRoot, 'test/fixtures/emit/adversarial/rules.mtc'), 'utf8')
      .replace(/REASON_A/g, String.raw`"<script>document.title='pwned';window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">"`)
      .replace(/REASON_B/g, String.raw`"</td></tr></table><script>window.__pwned=3</script>"`)
      .replace('VALUE_C', '"<b>x</b>"');
    const root = tempProject({ 'rules/r.mtc': text });
    const html = generate(modelOf(['rules'], root)).files.get('docs/index.html')!;
    const page = await context.newPage();
    await page.goto(writePage(html));
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.title()).toBe('Machine-type compat rules');
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('body').innerText()).toContain("<script>document.title='pwned'");
    // The injected url reference is a link with its parentheses encoded.
    expect(await page.locator('a[href="https://example.com/a%29b%28c%27d"]').count()).toBeGreaterThan(0);
    await page.close();
  });
});

/** The HTML matrix in headless Chromium: cells, colours, one explanation on click, escaping, no network. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { simulate } from '../../src/cli/commands/simulate.js';
import { escapeHtml, outcomeColours, renderHtml } from '../../src/simulate/render-html.js';
import { outcomes } from '../../src/simulate/types.js';
import { seedsBuild } from './helpers.js';
import { needChromium, noTimeouts } from '../support/browser.js';

let browser: BrowserContext;
let page: Page;
let dir: string;
const requests: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mtc-html-'));
  // A fresh user-data dir per run.
  browser = await chromium.launchPersistentContext(join(dir, 'profile'), {
    timeout: 0,
    executablePath: needChromium(),
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  noTimeouts(browser);
  page = await browser.newPage();
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) requests.push(r.url());
  });
  const run = simulate({ build: seedsBuild, format: 'html', qemu: '10.2' });
  const file = join(dir, 'matrix.html');
  writeFileSync(file, run.output);
  await page.goto(pathToFileURL(file).href);
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('HTML matrix', () => {
  it('has one table per machine type with H×H cells', async () => {
    const run = simulate({ build: seedsBuild, format: 'json', qemu: '10.2' });
    const H = run.report.hosts.length;
    const sections = await page.locator('section.machine').count();
    expect(sections).toBe(run.report.machines.length);
    expect(await page.locator('section.machine').first().locator('td.cell').count()).toBe(H * H);
    expect(await page.locator('td.cell').count()).toBe(run.report.machines.length * H * H);
    // Cell outcomes match the report.
    const first = run.report.machines[0];
    const attrs = await page.locator('section.machine').first().locator('td.cell').evaluateAll((tds) => tds.map((td) => td.getAttribute('data-outcome')));
    expect(attrs).toEqual(first.outcomes.flat());
  });

  it('colours match outcomes', async () => {
    const seen = await page.locator('td.cell').evaluateAll((tds) =>
      tds.map((td) => ({ outcome: td.getAttribute("data-outcome")!, bg: (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(td).backgroundColor })),
    );
    const present = new Set(seen.map((s) => s.outcome));
    for (const o of ['ok', 'warn', 'unsafe', 'unsupported', 'fail']) expect(present.has(o)).toBe(true);
    for (const s of seen) expect(s.bg).toBe(outcomeColours[s.outcome as keyof typeof outcomeColours]);
    // Distinct colours per outcome.
    expect(new Set(outcomes.map((o) => outcomeColours[o])).size).toBe(outcomes.length);
  });

  it('no explanation is visible before a click; clicking a failing cell shows exactly its explanation', async () => {
    expect(await page.locator('.explain:visible').count()).toBe(0);
    const cell = page.locator('section[data-machine="bare"] td.cell[data-source="n1-6.12"][data-destination="n1-6.13"]');
    expect(await cell.getAttribute('data-outcome')).toBe('fail');
    expect(await cell.getAttribute('title')).toContain('n1-6.12 → n1-6.13: fails');
    await cell.click();
    const visible = page.locator('.explain:visible');
    expect(await visible.count()).toBe(1);
    const text = await visible.innerText();
    expect(text).toContain('n1-6.12 → n1-6.13');
    expect(text).toContain('Failed to load element of type int32 le for cpreg_vmstate_array_len');
    // Another cell replaces it.
    const other = page.locator('section[data-machine="virt-10.1"] td.cell[data-source="n1-6.15"][data-destination="n1-6.13"]');
    await other.click();
    expect(await page.locator('.explain:visible').count()).toBe(1);
    expect(await page.locator('.explain:visible').innerText()).toContain('n1-6.15 → n1-6.13');
    // Keyboard.
    const k = page.locator('section[data-machine="bare"] td.cell[data-source="n1-6.15"][data-destination="n1-6.12"]');
    await k.focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('.explain:visible').count()).toBe(1);
    expect(await page.locator('.explain:visible').innerText()).toContain('n1-6.15 → n1-6.12');
  });

  it('loads nothing from the network', () => {
    expect(requests).toEqual([]);
  });

  it('escapes text from inputs', async () => {
    const run = simulate({ build: seedsBuild, format: 'json', machine: ['bare'] });
    const evil = '<img src=x onerror="window.__pwned=1">';
    const hosts = run.report.hosts.map((h, i) => (i === 0 ? { ...h, name: evil, description: evil } : h));
    const html = renderHtml({ ...run.report, hosts, machines: run.report.machines.map((m) => ({ ...m, machine: { ...m.machine, name: `bare${evil}` } })) });
    expect(html).not.toContain(evil);
    expect(html).toContain(escapeHtml(evil));
    const p2 = await browser.newPage();
    const file = join(dir, 'evil.html');
    writeFileSync(file, html);
    await p2.goto(pathToFileURL(file).href);
    expect(await p2.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await p2.locator('img').count()).toBe(0);
    await p2.close();
  });
});

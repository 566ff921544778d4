import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium, newPage } from '../support/browser.js';
import { railroadHtml, serializedGrammarJson } from '../../src/syntax/grammar-artifacts.js';
import { keywords } from '../../src/syntax/tokens.js';

const committed = (p: string) => readFileSync(join('grammar', p), 'utf8');

describe('grammar artifacts', () => {
  it('the committed serialized grammar matches the parser (run `npm run grammar` when this fails)', () => {
    expect(committed('serialized-grammar.json')).toBe(serializedGrammarJson());
  });

  it('the committed railroad page matches the parser and loads nothing from the network', () => {
    const html = committed('railroad.html');
    expect(html).toBe(railroadHtml());
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|unpkg|cdn/i);
  });

  it('the TextMate grammar knows every keyword of the lexer', () => {
    const tm = committed('mtc.tmLanguage.json');
    const grammar = JSON.parse(tm);
    const keywordPatterns = grammar.repository.keywords.patterns.map((p: { match: string }) => new RegExp(p.match));
    for (const k of keywords()) expect(keywordPatterns.some((re: RegExp) => re.test(k)), k).toBe(true);
    // Every pattern compiles, and a comment is scoped as a comment.
    expect(new RegExp(grammar.repository.comment.match).test('// hi')).toBe(true);
  });

  it('the EBNF reference lists every keyword', () => {
    const ebnf = committed('mtc.ebnf');
    for (const k of keywords()) expect(ebnf).toContain(`"${k}"`);
  });

  it('the railroad page draws a diagram per rule in headless Chromium', async () => {
    const browser = await launchChromium();
    try {
      const page = await newPage(browser);
      const failed: string[] = [];
      page.on('requestfailed', (r) => failed.push(r.url()));
      await page.goto(pathToFileURL(join(process.cwd(), 'grammar', 'railroad.html')).href);
      const titles = await page.$$eval('#diagrams h2, #diagrams .diagramHeader', (els) => els.map((e) => e.textContent?.trim()));
      expect(titles).toContain('machine');
      expect(titles).toContain('tolerate');
      expect(await page.$$eval('#diagrams svg', (s) => s.length)).toBeGreaterThan(10);
      expect(failed).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('grammar validity', () => {
  it('passes all of Chevrotain\'s grammar validations (skipped at run time for speed)', async () => {
    const { validateGrammar } = await import('../../src/syntax/parser.js');
    expect(() => validateGrammar()).not.toThrow();
  });
});

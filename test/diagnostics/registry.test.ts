/**
 * The diagnostic code registry: docs/diagnostics.md is fresh, every entry is
 * well formed, every code is exercised by some test, and every code the
 * sources emit is registered.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allCodes, diagnosticsMarkdown } from '../../src/diagnostics/registry.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const self = fileURLToPath(import.meta.url);

/** Every file under `dir`, recursively, sorted. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

const codes = allCodes();
const defined = new Set(codes.map((c) => c.code));

describe('docs/diagnostics.md', () => {
  it('equals diagnosticsMarkdown() (run `npm run docs` and commit the result)', () => {
    const committed = readFileSync(join(repo, 'docs/diagnostics.md'), 'utf8');
    expect(committed).toBe(diagnosticsMarkdown());
  });

  it('has one section per code, in order', () => {
    const headings = [...diagnosticsMarkdown().matchAll(/^## (MTC\d{4}) `/gm)].map((m) => m[1]);
    expect(headings).toEqual(codes.map((c) => c.code));
  });
});

describe('code table entries', () => {
  it('there are codes', () => {
    expect(codes.length).toBeGreaterThan(50);
  });

  it('codes are unique, well formed and sorted', () => {
    const list = codes.map((c) => c.code);
    expect(new Set(list).size).toBe(list.length);
    for (const c of list) expect(c).toMatch(/^MTC\d{4}$/);
    expect([...list].sort()).toEqual(list);
  });

  it.each(codes.map((c) => [c.code, c] as const))('%s has a kebab-case name, a severity, a summary and docs', (_code, c) => {
    expect(c.name).toMatch(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/);
    expect(['error', 'warning', 'note']).toContain(c.severity);
    expect(c.summary.trim()).not.toBe('');
    expect(c.summary).not.toMatch(/[.\n]\s*$|\n/); // printed as `**summary.**` on one line
    expect(c.docs.trim()).not.toBe('');
  });

  it('names are unique (they are SARIF rule names)', () => {
    const names = codes.map((c) => c.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });
});

describe('coverage', () => {
  it('every code appears in a test file other than this one', () => {
    const texts = filesUnder(join(repo, 'test'))
      .filter((f) => f !== self)
      .map((f) => readFileSync(f, 'utf8'));
    const untested = codes.map((c) => c.code).filter((code) => !texts.some((t) => new RegExp(`\\b${code}\\b`).test(t)));
    expect(untested, 'codes no test mentions: write a test that triggers each').toEqual([]);
  });

  it('the scan finds codes (it can fail)', () => {
    expect(new RegExp('\\bMTC9001\\b').test(readFileSync(join(repo, 'test/cli/codes-extra.test.ts'), 'utf8'))).toBe(true);
    expect(new RegExp('\\bMTC0000\\b').test(readFileSync(join(repo, 'test/cli/codes-extra.test.ts'), 'utf8'))).toBe(false);
  });
});

describe('sources', () => {
  const sources = filesUnder(join(repo, 'src'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: relative(repo, f), text: readFileSync(f, 'utf8') }));

  it('every `code: \'MTC....\'` literal in src/ is a registered code', () => {
    const used = sources.flatMap(({ file, text }) => [...text.matchAll(/\bcode:\s*['"`](MTC\d{4})['"`]/g)].map((m) => ({ file, code: m[1]! })));
    expect(used.length).toBeGreaterThan(20);
    expect(used.filter((u) => !defined.has(u.code))).toEqual([]);
  });

  it('every quoted or bracketed code in src/ (`diag(\'MTC2102\'`, `error[MTC9004]`) is registered', () => {
    const used = sources.flatMap(({ file, text }) => [...text.matchAll(/['"`[](MTC\d{4})['"`\]]/g)].map((m) => ({ file, code: m[1]! })));
    expect(used.length).toBeGreaterThan(50);
    expect(used.filter((u) => !defined.has(u.code))).toEqual([]);
  });
});

import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import plugin from '../../src/format/plugin.js';
import { formatSource } from '../../src/format/format.js';
import { ruleFile } from './gen.js';
import { errorsOf, expectInvariants, fmt } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
const rulesDir = join(root, 'rules');
const fixturesDir = join(import.meta.dirname, 'fixtures');

const ruleFiles = readdirSync(rulesDir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.mtc'))
  .sort();
const fixtureFiles = readdirSync(fixturesDir)
  .filter((f) => f.endsWith('.mtc'))
  .sort();

describe('invariants on the shipped rules', () => {
  test('rules/ holds rule files', () => {
    expect(ruleFiles.length).toBeGreaterThan(0);
  });
  test.each(ruleFiles)('rules/%s', async (f) => {
    await expectInvariants(readFileSync(join(rulesDir, f), 'utf8'), f);
  });
});

describe('invariants on the fixtures', () => {
  test.each(fixtureFiles)('%s', async (f) => {
    await expectInvariants(readFileSync(join(fixturesDir, f), 'utf8'), f);
  });
});

describe('invariants on generated rule files', () => {
  test('the generator writes valid rule files', () => {
    fc.assert(
      fc.property(ruleFile, (text) => {
        expect(errorsOf(text)).toEqual([]);
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  test('format is idempotent, keeps the AST and every comment', async () => {
    await fc.assert(
      fc.asyncProperty(ruleFile, async (text) => {
        await expectInvariants(text, 'generated');
      }),
      { numRuns: 200, seed: 42 },
    );
  });

  test('same with a narrow print width (lists wrap)', async () => {
    await fc.assert(
      fc.asyncProperty(ruleFile, async (text) => {
        const once = await fmt(text, { printWidth: 30 });
        expect(await fmt(once, { printWidth: 30 })).toBe(once);
        await expectInvariants(once, 'narrow');
      }),
      { numRuns: 100, seed: 3 },
    );
  });

  test('a file with syntax errors is never formatted', async () => {
    const broken = fc
      .tuple(ruleFile, fc.nat(), fc.constantFrom('@', ';;', '{', '"open', 'hide;', '0xZZ', ')'))
      .map(([text, at, junk]) => {
        const i = text.length === 0 ? 0 : at % (text.length + 1);
        return text.slice(0, i) + ' ' + junk + ' ' + text.slice(i);
      })
      .filter((text) => errorsOf(text).length > 0);
    await fc.assert(
      fc.asyncProperty(broken, async (text) => {
        const r = await formatSource(text, 'broken.mtc');
        expect(r.ok).toBe(false);
        await expect(prettier.format(text, { parser: 'mtc', plugins: [plugin] })).rejects.toMatchObject({
          loc: { start: { line: expect.any(Number), column: expect.any(Number) } },
        });
      }),
      { numRuns: 100, seed: 11 },
    );
  });
});

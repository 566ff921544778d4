import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { Ajv } from 'ajv';
import { reviewCodes } from '../../src/review/codes.js';
import { reviewGeneratedFiles } from '../../src/review/docs.js';
import { allCodes } from '../../src/diagnostics/registry.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('generated review files are not stale', () => {
  for (const [path, text] of reviewGeneratedFiles()) {
    test(path, () => {
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(root + path, text);
      // Regenerate with `node dist/tools/gen-review-files.js` (after npm run build) or UPDATE_GOLDEN=1.
      expect(readFileSync(root + path, 'utf8')).toBe(text);
    });
  }
  test('both schemas compile in strict mode', () => {
    for (const p of ['schema/diff.schema.json', 'schema/review-config.schema.json']) new Ajv({ strict: true }).compile(JSON.parse(readFileSync(root + p, 'utf8')));
  });
});

describe('rule table', () => {
  test('every rule has a stable kebab name, a one-line purpose and a docs entry', () => {
    const names = new Set<string>();
    for (const c of Object.values(reviewCodes)) {
      expect(c.code).toMatch(/^MTC50\d\d$/);
      expect(c.name).toMatch(/^[a-z]+(-[a-z0-9]+)+$/);
      expect(names.has(c.name)).toBe(false);
      names.add(c.name);
      expect(c.summary).not.toMatch(/\n|\.$/);
      expect(c.docs.length).toBeGreaterThan(80);
    }
    const md = reviewGeneratedFiles().get('docs/breaking-rules.md')!;
    for (const c of Object.values(reviewCodes)) expect(md).toContain(`### ${c.code}\n\n\`${c.name}\``);
  });
  test("every review code is in the registry, which refuses duplicates", () => {
    const others = new Set(allCodes().map((c) => c.code));
    for (const c of Object.keys(reviewCodes)) expect(others.has(c)).toBe(true);
  });
});

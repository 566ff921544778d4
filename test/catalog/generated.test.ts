import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogOutputs } from '../../src/catalog/build/outputs.js';
// @ts-expect-error plain .mjs script without types
import { configValidatorSource, validatorSource } from '../../scripts/validators-source.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('generated files are up to date', () => {
  it('ajv standalone validators match schema/*.json (run `node scripts/gen-validators.mjs`)', () => {
    expect(readFileSync(root + 'src/catalog/generated/validators.ts', 'utf8')).toBe((validatorSource as (r: string) => string)(root));
    expect(readFileSync(root + 'src/review/generated/config-validator.ts', 'utf8')).toBe((configValidatorSource as (r: string) => string)(root));
  });
  const outputs = catalogOutputs(root);
  it.each(Object.keys(outputs))('%s matches its sources (run `npm run build && node scripts/gen-catalog.mjs`)', (rel) => {
    expect(readFileSync(root + rel, 'utf8')).toBe(outputs[rel]);
  });
});

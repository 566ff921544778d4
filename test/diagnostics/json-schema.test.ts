import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { renderJson } from '../../src/diagnostics/render.js';
import { compileFiles } from '../helpers.js';

const schema = JSON.parse(readFileSync('schema/diagnostics.schema.json', 'utf8')) as object;
const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);

describe('--format json of diagnostics', () => {
  it('validates against schema/diagnostics.schema.json, labels and fixes included', () => {
    const r = compileFiles({
      'a.mtc': 'machine virt-10.1;\nmachine virt-10.1 {\n  hide TCR2_EL7 { reson "x"; }\n  hidee;\n}\n',
    });
    const codes = r.diagnostics.map((d) => d.code);
    // A label (duplicate machine type), a fix (unknown attribute), a syntax error: every optional part appears.
    expect(codes).toEqual(expect.arrayContaining(['MTC1001', 'MTC1008', 'MTC2001', 'MTC0005']));
    const doc = JSON.parse(renderJson(r.diagnostics)) as unknown;
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema rejects what it must (a malformed code)', () => {
    expect(validate({ format: 'mtc-diagnostics', version: 1, diagnostics: [{ code: 'E1', severity: 'error', message: 'x' }] })).toBe(false);
  });
});

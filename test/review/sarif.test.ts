import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Ajv } from 'ajv';
import { diagnosticsToSarif } from '../../src/diagnostics/sarif.js';
import { renderSarif } from '../../src/review/render-ci.js';
import { compileFiles } from '../helpers.js';
import { diffCase, fixtures } from './helpers.js';

/** The SARIF 2.1.0 schema (vendored from @microsoft/jest-sarif, see the fixtures README). */
function sarifValidator() {
  const schema = JSON.parse(readFileSync(join(fixtures, 'sarif-2.1.0-rtm.5.json'), 'utf8'));
  // draft-04 only in these two keywords; ajv 8 reads the rest as draft-07.
  delete schema.$schema;
  delete schema.id;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (s: string) => /^[a-z][a-z0-9+.-]*:/i.test(s));
  ajv.addFormat('uri-reference', (s: string) => !/[\s]/.test(s));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv.compile(schema);
}

const validate = sarifValidator();

describe('SARIF 2.1.0', () => {
  test('the validator rejects a broken log (it can fail)', () => {
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
    expect(validate({ version: '2.0.0', runs: [] })).toBe(false);
  });

  for (const name of ['rule-removed', 'waived', 'kernel-raised', 'no-changes']) {
    test(`mtc diff --format sarif validates (${name})`, () => {
      const log = JSON.parse(renderSarif(diffCase(name).report));
      expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
      const run = log.runs[0];
      // Every breaking rule is declared, with its stable id and name.
      expect(run.tool.driver.rules.find((r: { id: string }) => r.id === 'MTC5001').name).toBe('released-rule-removed');
      for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    });
  }

  test('waived findings carry an accepted suppression with the reason', () => {
    const log = JSON.parse(renderSarif(diffCase('waived').report));
    const r = log.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'MTC5004');
    expect(r.suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: 'virt-10.0 left its deprecation window' }]);
  });

  test('check diagnostics: repository-relative URIs, end-exclusive columns', () => {
    const { diagnostics } = compileFiles({ 'rules/a b.mtc': 'machine virt-10.1 inherits virt-10.9;\n' }, ['rules']);
    const log = JSON.parse(diagnosticsToSarif(diagnostics));
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const res = log.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'MTC1002');
    const loc = res.locations[0].physicalLocation;
    expect(loc.artifactLocation.uri).toBe('rules/a%20b.mtc');
    // `virt-10.9` spans columns 28..36; SARIF's endColumn is the column after the last character.
    expect(loc.region).toEqual({ startLine: 1, startColumn: 28, endLine: 1, endColumn: 37 });
    expect(log.runs[0].columnKind).toBe('utf16CodeUnits');
  });
});

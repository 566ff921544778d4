import { describe, expect, test } from 'vitest';
import { globMatch, parseConfigText } from '../../src/review/config.js';
import { where } from '../helpers.js';

describe('review configuration (mtc.yaml)', () => {
  test('a valid file', () => {
    const { config, diagnostics } = parseConfigText(
      'version: 1\nreleased: [virt-10.1, "virt-rhel9.*"]\nwaivers:\n  - rule: released-rule-removed\n    machine: virt-10.1\n    subject: "TCR2_EL1*"\n    reason: "fixed in the kernel"\n',
      'rules/mtc.yaml',
    );
    expect(diagnostics).toEqual([]);
    expect(config.released).toEqual(['virt-10.1', 'virt-rhel9.*']);
    expect(config.waivers).toEqual([{ rule: 'MTC5001', machine: 'virt-10.1', subject: 'TCR2_EL1*', reason: 'fixed in the kernel', file: 'rules/mtc.yaml', line: 4 }]);
  });

  test('schema errors are located at the YAML node', () => {
    const { diagnostics } = parseConfigText('released: [virt-10.1, "bad name!"]\nwaivers:\n  - rule: MTC5001\n    machine: virt-10.1\nextra: 1\n', 'mtc.yaml');
    const byMsg = diagnostics.map((d) => [d.code, where(d), d.message]);
    expect(byMsg).toContainEqual(['MTC5050', '1:23-1:34', expect.stringContaining('/released/1 must match pattern')]);
    expect(byMsg).toContainEqual(['MTC5050', '3:5-5:1', 'mtc.yaml: /waivers/0 is missing `reason`']);
    expect(byMsg).toContainEqual(['MTC5050', '5:1-5:6', 'mtc.yaml: unknown key `extra` in the top level']);
  });

  test('an unknown rule in a waiver, and bad YAML', () => {
    const a = parseConfigText('waivers:\n  - rule: no-such-rule\n    machine: virt-10.1\n    reason: because\n', 'mtc.yaml').diagnostics;
    expect(a.map((d) => [d.code, where(d)])).toEqual([['MTC5050', '2:11-2:23']]);
    const b = parseConfigText('released: [a\n', 'mtc.yaml').diagnostics;
    expect(b[0].code).toBe('MTC5050');
    expect(parseConfigText('', 'mtc.yaml').diagnostics).toEqual([]);
  });

  test('glob patterns', () => {
    expect(globMatch('virt-rhel9.*', 'virt-rhel9.6.0')).toBe(true);
    expect(globMatch('virt-rhel9.*', 'virt-rhel10.0.0')).toBe(false);
    expect(globMatch('virt-10.1', 'virt-10.10')).toBe(false);
    expect(globMatch('virt-1.1', 'virt-101')).toBe(false); // `.` is literal
  });
});

/** `mtc explain MTC2001` and `mtc codes` print the registry's documentation; human diagnostics say how to get it. */
import { describe, expect, it } from 'vitest';
import { allCodes } from '../../src/diagnostics/registry.js';
import { tempProject } from '../helpers.js';
import { runBin } from '../support/cli.js';

describe('mtc explain CODE', () => {
  it('prints the code, its name, severity, summary and docs paragraph', () => {
    const r = runBin(['explain', 'MTC2001']);
    const c = allCodes().find((x) => x.code === 'MTC2001')!;
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`MTC2001 ${c.name} (error)`);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(c.summary);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(c.docs.replace(/\s+/g, ' ').slice(0, 60));
    expect(Math.max(...r.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
  });

  it('is case-insensitive and has a JSON form', () => {
    const r = runBin(['explain', 'mtc3004', '--format', 'json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ code: 'MTC3004', name: 'c-name-collision', severity: 'error' });
  });

  it('an unknown code is a usage error pointing at `mtc codes`', () => {
    const r = runBin(['explain', 'MTC2999']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[MTC9004]: there is no diagnostic code MTC2999');
    expect(r.stderr).toContain('run `mtc codes` for the list of codes');
  });

  it('a log file that happens to be called MTC2001 is still read as a log', () => {
    const root = tempProject({ MTC2001: 'qemu-system-aarch64: kvm_arm_cpu_post_load Unexpected register in input stream: 0 0x603000000013c103 op0:3 op1:0 crn:2 crm:0 op2:3\n' });
    const r = runBin(['explain', 'MTC2001'], root);
    expect(r.stdout).toContain('Unexpected: TCR2_EL1');
  });
});

describe('mtc codes', () => {
  it('lists every registered code once, with severity and name', () => {
    const r = runBin(['codes']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => /^MTC\d{4} /.test(l));
    expect(lines.map((l) => l.slice(0, 7))).toEqual(allCodes().map((c) => c.code));
    expect(lines.find((l) => l.startsWith('MTC3002'))).toMatch(/^MTC3002 {2}error {4}mixed-targets-in-chain /);
    expect(JSON.parse(runBin(['codes', '--format', 'json']).stdout).codes).toHaveLength(allCodes().length);
  });
});

describe('human diagnostics say how to read a code\'s documentation', () => {
  it('check ends with the `mtc explain` pointer naming the first error', () => {
    const root = tempProject({ 'rules/a.mtc': 'machine virt-10.1 {\n  hide TCR2_EL1;\n  hide TCR2_EL7 { reason "x"; }\n}\n' });
    const r = runBin(['check'], root);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('For more about a code, run `mtc explain MTC2001` (`mtc codes` lists them all).');
  });
  it('a clean check does not print it; machine formats never do', () => {
    expect(runBin(['check', 'rules/']).stderr).not.toContain('mtc explain');
    const root = tempProject({ 'rules/a.mtc': 'machine virt-10.1 {\n  hide TCR2_EL7;\n}\n' });
    expect(runBin(['check', '--format', 'json'], root).stderr).toBe('');
  });
  it('fmt prints it under its diagnostics', () => {
    const root = tempProject({ 'rules/a.mtc': 'machine m {\n  hide ;\n}\n' });
    expect(runBin(['fmt', '--check'], root).stderr).toContain('run `mtc explain MTC0006`');
  });
});

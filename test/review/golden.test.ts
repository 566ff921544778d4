import { describe, expect, test } from 'vitest';
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffCase, fixtures, golden, hostsDir } from './helpers.js';
import { tempProject } from '../helpers.js';
import { loadBuiltinCatalog } from '../../src/catalog/index.js';
import { runDiff } from '../../src/review/diff.js';
import { renderReport, diffFormats } from '../../src/review/diff-command.js';
import { diffReportSchema } from '../../src/review/diff-schema.js';
import type { DiffReport } from '../../src/review/report-types.js';

const ext: Record<(typeof diffFormats)[number], string> = { text: 'txt', markdown: 'md', json: 'json', github: 'github', sarif: 'sarif' };

/** Each case: the exit code and the rules it must report (not waived), and must not. */
const cases: Record<string, { exit: number; rules: string[]; waived?: string[]; absent?: string[] }> = {
  'no-changes': { exit: 0, rules: [], absent: ['MTC5001', 'MTC5005'] },
  'rule-removed': { exit: 1, rules: ['MTC5001', 'MTC5005'] },
  'rule-weakened': { exit: 1, rules: ['MTC5002'] },
  'chain-changed': { exit: 1, rules: ['MTC5003', 'MTC5001'] },
  'machine-removed': { exit: 1, rules: ['MTC5004'] },
  'kernel-raised': { exit: 1, rules: ['MTC5006'] },
  'register-hidden': { exit: 0, rules: ['MTC5007', 'MTC5020', 'MTC5021'] },
  'target-changed': { exit: 1, rules: ['MTC5008'] },
  'property-added': { exit: 0, rules: ['MTC5009'] },
  waived: { exit: 0, rules: ['MTC5021', 'MTC5020'], waived: ['MTC5004'] },
};

const validate = new Ajv({ allErrors: true, strict: true }).compile(diffReportSchema);

describe('golden outputs of previous/current fixture pairs', () => {
  for (const [name, want] of Object.entries(cases)) {
    describe(name, () => {
      const { report, exitCode } = diffCase(name);
      test('exit code and rules', () => {
        expect(exitCode).toBe(want.exit);
        const active = new Set(report.findings.filter((f) => !f.waived).map((f) => f.rule));
        for (const r of want.rules) expect(active, `${name} should report ${r}`).toContain(r);
        for (const r of want.absent ?? []) expect(active).not.toContain(r);
        const waived = new Set(report.findings.filter((f) => f.waived).map((f) => f.rule));
        for (const r of want.waived ?? []) expect(waived).toContain(r);
        expect(report.verdict).toBe(want.exit === 1 ? 'breaking' : name === 'no-changes' ? 'no-changes' : 'compatible');
      });
      test('JSON report follows schema/diff.schema.json', () => {
        expect(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors)).toBe(true);
      });
      for (const format of diffFormats) {
        test(`--format ${format}`, () => {
          const { expected, actual } = golden(`cases/${name}/expected.${ext[format]}`, renderReport(report, format));
          expect(actual).toBe(expected);
        });
      }
    });
  }
});

describe('what the cases show', () => {
  const find = (r: DiffReport, rule: string) => r.findings.filter((f) => f.rule === rule);
  test('a removed tolerance breaks forward migration 6.12 → 6.13, with QEMU\'s lines', () => {
    const { report } = diffCase('rule-removed');
    const f = find(report, 'MTC5005').find((x) => x.machine === 'virt-10.1' && x.subject === 'n1-6.12 → n1-6.13')!;
    expect(f.severity).toBe('error');
    expect(f.qemu.join('\n')).toContain('qemu-system-aarch64: ');
    expect(report.matrix!.newlyFailing.some((p) => p.machine === 'virt-10.0')).toBe(true); // inherited
    expect(report.changes.filter((c) => c.kind === 'tolerance-removed').map((c) => c.machine)).toEqual(expect.arrayContaining(['virt-10.1', 'virt-10.0']));
    expect(report.generated.map((g) => g.path)).toEqual(['c/virt.c']);
  });
  test('hiding BMAP_2 on virt-10.2 says which pairs it fixes', () => {
    const { report } = diffCase('register-hidden');
    const add = report.changes.find((c) => c.kind === 'hidden-added' && c.machine === 'virt-10.2')!;
    expect(add.fixes).toContain('n1-6.15 → n1-6.12');
    expect(find(report, 'MTC5021').some((f) => f.message.includes('fixes n1-6.15 → n1-6.12'))).toBe(true);
    expect(find(report, 'MTC5007')[0].severity).toBe('warning');
  });
  test('a raised kernel requirement makes pairs unsupported', () => {
    const { report } = diffCase('kernel-raised');
    expect(report.matrix!.newlyUnsupported.some((p) => p.machine === 'virt-rhel10.0.0' && p.source === 'n1-6.12')).toBe(true);
  });
  test('waivers are visible, and a stale waiver is reported', () => {
    const { report } = diffCase('waived');
    const w = find(report, 'MTC5004')[0];
    expect(w.waived).toEqual({ reason: 'virt-10.0 left its deprecation window', file: 'cases/waived/head/rules/mtc.yaml', line: 5 });
    expect(report.counts.waived).toBe(1);
    expect(report.diagnostics.some((d) => d.code === 'MTC5053' && d.location?.line === 8)).toBe(true);
  });
  test('a missing --config file is an error of both trees (the base one makes it exit 2)', () => {
    const r = diffCase('rule-removed', { config: 'rules/none.yaml' });
    expect(r.exitCode).toBe(2);
    expect(r.report.diagnostics.map((d) => d.code)).toEqual(['MTC5052', 'MTC5050', 'MTC5050']);
  });
  test('the same change to unreleased machine types is not breaking; new failures are warnings', () => {
    const tree = (side: string, yaml: string) => {
      const files: Record<string, string> = { 'rules/mtc.yaml': yaml };
      for (const f of ['virt.mtc', 'virt-rhel.mtc', 'pc.mtc']) files[`rules/${f}`] = readFileSync(join(fixtures, `cases/rule-removed/${side}/rules/${f}`), 'utf8');
      return tempProject(files);
    };
    const yaml = 'released: [virt-8.*]\n';
    const r = runDiff({ cwd: fixtures, baseDir: tree('base', yaml), headDir: tree('head', yaml), hosts: [hostsDir], catalog: loadBuiltinCatalog() });
    expect(r.exitCode).toBe(0);
    expect(r.report.verdict).toBe('compatible');
    expect(r.report.findings.filter((f) => f.rule === 'MTC5005').map((f) => f.severity)).toEqual(['warning', 'warning', 'warning', 'warning']);
    expect(r.report.findings.some((f) => f.rule === 'MTC5001')).toBe(false);
    expect(r.report.diagnostics.map((d) => [d.code, d.message])).toEqual([['MTC5054', '`released: virt-8.*` matches no machine type']]);
  });
});

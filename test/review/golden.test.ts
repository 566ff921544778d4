import { describe, expect, test } from 'vitest';
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffCase, fixtures, golden, hostsDir } from './helpers.js';
import { tempProject } from '../helpers.js';
import { loadBuiltinCatalog } from '../../src/catalog/index.js';
import { runDiff } from '../../src/review/diff.js';
import { renderReport, diffFormats } from '../../src/review/render.js';
import { diffReportSchema } from '../../src/review/diff-schema.js';
import type { DiffReport } from '../../src/review/report-types.js';
import { findRelease } from '../../src/qemu/releases.js';

const ext: Record<(typeof diffFormats)[number], string> = { text: 'txt', markdown: 'md', json: 'json', github: 'github', sarif: 'sarif', gitlab: 'gitlab.json' };

/**
 * Each case: the exit code and the findings it must report, exactly (one per
 * rule change: the pairs and inheriting machine types are listed within), and
 * the waived ones.
 */
const cases: Record<string, { exit: number; rules: string[]; waived?: string[] }> = {
  'no-changes': { exit: 0, rules: [] },
  // One tolerate rule (three registers) removed from virt-10.1, inherited by virt-10.0: 4 pairs fail, one finding.
  'rule-removed': { exit: 1, rules: ['MTC5001'] },
  'rule-weakened': { exit: 1, rules: ['MTC5002', 'MTC5002'] },
  // virt-10.1 inherits virt-11.0 instead of virt-10.2: it and virt-10.0 lose DBGDTRTX and the TCR2/PIR tolerances (6.12 → 6.13 fails); one cause, the chain.
  'chain-changed': { exit: 1, rules: ['MTC5003'] },
  'machine-removed': { exit: 1, rules: ['MTC5004'] },
  'kernel-raised': { exit: 1, rules: ['MTC5006'] },
  // The hide fixes two pairs: listed in the MTC5007 warning, not in notes of their own.
  'register-hidden': { exit: 0, rules: ['MTC5007'] },
  'target-changed': { exit: 1, rules: ['MTC5008'] },
  'property-added': { exit: 0, rules: ['MTC5009'] },
  waived: { exit: 0, rules: ['MTC5007'], waived: ['MTC5004'] },
};

const validate = new Ajv({ allErrors: true, strict: true }).compile(diffReportSchema);

describe('golden outputs of previous/current fixture pairs', () => {
  for (const [name, want] of Object.entries(cases)) {
    describe(name, () => {
      const { report, exitCode } = diffCase(name);
      test('exit code and rules', () => {
        expect(exitCode).toBe(want.exit);
        expect(report.findings.filter((f) => !f.waived).map((f) => f.rule).sort()).toEqual([...want.rules].sort());
        expect(report.findings.filter((f) => f.waived).map((f) => f.rule)).toEqual(want.waived ?? []);
        // One finding per cause.
        const causes = report.findings.map((f) => f.cause).filter((c) => c !== null);
        expect(new Set(causes).size).toBe(causes.length);
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
  test('a removed tolerance breaks forward migration 6.12 → 6.13, with QEMU\'s lines, under its one finding', () => {
    const { report } = diffCase('rule-removed');
    const [f] = find(report, 'MTC5001');
    expect(f).toMatchObject({ severity: 'error', machine: 'virt-10.1', machines: ['virt-10.1', 'virt-10.0'], subject: 'TCR2_EL1 (0x603000000013c103), PIRE0_EL1 (0x603000000013c512), PIR_EL1 (0x603000000013c513)' });
    expect(f!.breaks).toEqual(['virt-10.1: n1-6.12 → n1-6.13', 'virt-10.1: n1-6.12 → n1-6.15', 'virt-10.0: n1-6.12 → n1-6.13', 'virt-10.0: n1-6.12 → n1-6.15']);
    // The fixtures' mtc.yaml: `simulate: { qemu: x-mig-series }` (the RFC series reports each register).
    expect(f!.qemu.join('\n')).toContain('qemu-system-aarch64: kvm_arm_cpu_post_load Unexpected register in input stream: 0 0x603000000013c103 op0:3 op1:0 crn:2 crm:0 op2:3');
    expect(report.matrix!.newlyFailing.some((p) => p.machine === 'virt-10.0')).toBe(true); // inherited
    expect(report.changes.filter((c) => c.kind === 'tolerance-removed').map((c) => c.machine)).toEqual(expect.arrayContaining(['virt-10.1', 'virt-10.0']));
    // Six changes (three registers on two machine types), one cause.
    expect(report.changes.map((c) => c.cause)).toEqual(Array(6).fill(report.causes[0]!.id));
    expect(report.causes).toHaveLength(1);
    expect(report.causes[0]).toMatchObject({ origin: 'virt-10.1', machines: ['virt-10.1', 'virt-10.0'], released: ['virt-10.1', 'virt-10.0'] });
    expect(report.generated.map((g) => g.path)).toEqual(['c/virt.c']);
  });
  test('hiding BMAP_2 on virt-10.2 says which pairs it fixes', () => {
    const { report } = diffCase('register-hidden');
    const add = report.changes.find((c) => c.kind === 'hidden-added' && c.machine === 'virt-10.2')!;
    expect(add.fixes).toContain('n1-6.15 → n1-6.12');
    const [f] = find(report, 'MTC5007');
    expect(f!.severity).toBe('warning');
    expect(f!.fixes).toEqual(['virt-10.2: n1-6.15 → n1-6.12', 'virt-10.2: n1-6.15 → n1-6.13']);
    expect(f!.message).toContain('fixes 2 pairs');
  });
  test('under QEMU 10.2, which has no x-mig properties, the same removal breaks no pair (the rules never took effect there)', () => {
    const r10 = findRelease('10.2')!;
    const { report } = diffCase('rule-removed', { from: r10, to: r10 });
    expect(report.matrix!.qemu).toBe('10.2 → 10.2');
    expect(report.matrix!.newlyFailing).toEqual([]);
    expect(find(report, 'MTC5001')[0]!.breaks).toEqual([]);
  });
  test('the matrix takes its QEMU from the base config; a head that changes it gets MTC5058 and no say', () => {
    const tree = (side: string, yaml: string) => {
      const files: Record<string, string> = { 'rules/mtc.yaml': yaml };
      for (const f of ['virt.mtc', 'virt-rhel.mtc', 'pc.mtc']) files[`rules/${f}`] = readFileSync(join(fixtures, `cases/rule-removed/${side}/rules/${f}`), 'utf8');
      return tempProject(files);
    };
    const base = 'released: [virt-10.1, virt-10.0]\nsimulate: { qemu: x-mig-series }\n';
    const r = runDiff({ cwd: fixtures, baseDir: tree('base', base), headDir: tree('head', 'released: [virt-10.1, virt-10.0]\nsimulate: { qemu: "10.2" }\n'), hosts: [hostsDir], catalog: loadBuiltinCatalog() });
    expect(r.report.matrix!.qemu).toBe('x-mig-series → x-mig-series');
    expect(r.report.matrix!.newlyFailing).toHaveLength(4);
    expect(r.report.diagnostics.map((d) => [d.code, d.severity, d.message])).toEqual([
      ['MTC5058', 'warning', "the change sets QEMU 10.2 -> 10.2 for the migration matrix; the base's x-mig-series -> x-mig-series is used until it is merged"],
    ]);
    expect(r.exitCode).toBe(1);
  });
  test('a raised kernel requirement makes pairs unsupported', () => {
    const { report } = diffCase('kernel-raised');
    // n1-6.13 → n1-6.12 migrated (with a warning); the 6.12 host is now below the requirement.
    expect(report.matrix!.newlyUnsupported.map((p) => `${p.machine}: ${p.source} → ${p.destination}`)).toEqual(['virt-rhel10.0.0: n1-6.13 → n1-6.12']);
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
  test('a finding that reaches several released machine types is waived only when waivers cover all of them, in the base and the head config', () => {
    const tree = (side: string, yaml: string) => {
      const files: Record<string, string> = { 'rules/mtc.yaml': yaml };
      for (const f of ['virt.mtc', 'virt-rhel.mtc', 'pc.mtc']) files[`rules/${f}`] = readFileSync(join(fixtures, `cases/rule-removed/${side}/rules/${f}`), 'utf8');
      return tempProject(files);
    };
    const released = 'released: [virt-10.1, virt-10.0]\n';
    // The waivers in both configs (merged before the change), or `base` ones of their own.
    const run = (waivers: string, base = waivers) =>
      runDiff({ cwd: fixtures, baseDir: tree('base', released + (base ? `waivers:\n${base}` : '')), headDir: tree('head', `${released}waivers:\n${waivers}`), hosts: [hostsDir], catalog: loadBuiltinCatalog() });
    const one = run('  - { rule: MTC5001, machine: virt-10.1, reason: "only the newest" }\n');
    expect(one.exitCode).toBe(1);
    expect(one.report.findings.map((f) => [f.rule, f.waived === null])).toEqual([['MTC5001', true]]);
    expect(one.report.diagnostics.filter((d) => d.code === 'MTC5053')).toEqual([]); // the waiver matched part of it: not "unused"
    const all = run('  - { rule: MTC5001, machine: "virt-10.*", reason: "both" }\n');
    expect(all.exitCode).toBe(0);
    expect(all.report.findings[0]!.waived).toMatchObject({ reason: 'both' });
    // The same waiver added by the change itself waives nothing (issue 12): it is reported, the finding stays breaking.
    const added = run('  - { rule: MTC5001, machine: "virt-10.*", reason: "both" }\n', '');
    expect(added.exitCode).toBe(1);
    expect(added.report.findings.map((f) => [f.rule, f.waived === null])).toEqual([['MTC5001', true]]);
    expect(added.report.diagnostics.filter((d) => d.code === 'MTC5055').map((d) => d.message)).toEqual([
      'waiver of MTC5001 for virt-10.* is added or widened by this change: it waives nothing until it is on the base branch; the 1 finding it would waive stays breaking',
    ]);
    // Widened from the base's virt-10.1: the base waiver does not cover virt-10.0, so the finding stays breaking.
    const widened = run('  - { rule: MTC5001, machine: "virt-10.*", reason: "both" }\n', '  - { rule: MTC5001, machine: virt-10.1, reason: "only the newest" }\n');
    expect(widened.exitCode).toBe(1);
    expect(widened.report.findings[0]!.waived).toBeNull();
  });

  test('the same change to unreleased machine types is not breaking; new failures are warnings', () => {
    const tree = (side: string, yaml: string) => {
      const files: Record<string, string> = { 'rules/mtc.yaml': yaml };
      for (const f of ['virt.mtc', 'virt-rhel.mtc', 'pc.mtc']) files[`rules/${f}`] = readFileSync(join(fixtures, `cases/rule-removed/${side}/rules/${f}`), 'utf8');
      return tempProject(files);
    };
    const yaml = 'released: [virt-8.*]\nsimulate: { qemu: x-mig-series }\n';
    const r = runDiff({ cwd: fixtures, baseDir: tree('base', yaml), headDir: tree('head', yaml), hosts: [hostsDir], catalog: loadBuiltinCatalog() });
    expect(r.exitCode).toBe(0);
    expect(r.report.verdict).toBe('compatible');
    // One warning for the one rule change, with its four pairs.
    expect(r.report.findings.map((f) => [f.rule, f.severity, f.breaks.length])).toEqual([['MTC5005', 'warning', 4]]);
    expect(r.report.findings.some((f) => f.rule === 'MTC5001')).toBe(false);
    expect(r.report.diagnostics.map((d) => [d.code, d.message])).toEqual([['MTC5054', '`released: virt-8.*` matches no machine type']]);
  });
});

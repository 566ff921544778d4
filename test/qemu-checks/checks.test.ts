/**
 * The checks against the chosen QEMU (MTC70xx), one case each, on small rule
 * projects and the built-in profiles of the real trees (catalog/qemu). Where
 * no real tree has the case (a refused tolerance type, an unreadable
 * tolerance, a missing hook place), a copy of a real profile with that one
 * fact changed stands in, and the test says so. test/qemu-tree runs the same
 * checks against the trees themselves.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.js';
import { loadBuiltinCatalog } from '../../src/catalog/index.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { loadBuiltinProfile } from '../../src/qemu/builtin.js';
import { makeQemuContext, QEMU_EXTRA } from '../../src/qemu/context.js';
import { emptyQemuConfig, type QemuProjectConfig } from '../../src/qemu/families.js';
import type { QemuProfile } from '../../src/qemu/profile.js';
import { runBin } from '../support/cli.js';
import { where } from '../helpers.js';
import { tempProject } from '../emit/helpers.js';

function check(files: Record<string, string>, profile: QemuProfile | undefined, config: QemuProjectConfig = emptyQemuConfig): Diagnostic[] {
  const root = tempProject(files);
  const r = compile([join(root, 'rules')], { catalog: loadBuiltinCatalog(), root, extras: new Map([[QEMU_EXTRA, makeQemuContext(profile, config)]]) });
  return [...r.diagnostics];
}

const only = (ds: Diagnostic[], code: string) => ds.filter((d) => d.code === code);
const p111 = () => structuredClone(loadBuiltinProfile('11.1.1')) as QemuProfile & { -readonly [k in keyof QemuProfile]: QemuProfile[k] };
const p102 = () => loadBuiltinProfile('10.2.2');

describe('MTC7003 tolerance-conflict-in-chain', () => {
  const rules = 'target tolerances;\nmachine virt-11.1;\nmachine virt-11.0 {\n  tolerate ID_AA64ISAR0_EL1;\n}\nmachine virt-10.2 {\n  tolerate ID_AA64ISAR0_EL1 when value & 0xff == 0;\n}\n';
  it('one register tolerated two ways in one chain, located on the later rule with the earlier one as a label', () => {
    const d = only(check({ 'rules/v.mtc': rules }, undefined), 'MTC7003');
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toBe('`virt-10.2` tolerates `ID_AA64ISAR0_EL1` when value & 0x00000000000000ff == 0x0000000000000000, but inherits from `virt-11.0` a tolerance of it on one end only');
    expect(where(d[0]!)).toBe('7:12-7:28');
    expect(d[0]!.labels?.[0]?.message).toBe('on one end only (virt-11.0)');
  });
  it('the same tolerance repeated is not a conflict (the test above can fail)', () => {
    expect(only(check({ 'rules/v.mtc': rules.replace(' when value & 0xff == 0', '') }, undefined), 'MTC7003')).toEqual([]);
  });
});

describe('MTC7004 qemu-tolerance-type-refused', () => {
  const rules = 'target tolerances;\nmachine virt-11.1 {\n  tolerate ID_AA64ISAR0_EL1 when value & 0xff == 0;\n}\n';
  it('11.1.1 accepts ToleranceOnlySrcTestValue (target/arm/cpu.c asserts one of the first two types)', () => {
    expect(only(check({ 'rules/v.mtc': rules }, p111()), 'MTC7004')).toEqual([]);
  });
  it('a tree whose assertion accepts only ToleranceNotOnBothEnds (11.1.1 with that one fact changed) refuses the value test', () => {
    const p = p111();
    (p as { interfaces: unknown }).interfaces = {
      ...p.interfaces,
      tolerances: { ...p.interfaces.tolerances!, types: p.interfaces.tolerances!.types.map((t) => ({ ...t, accepted: t.name === 'ToleranceNotOnBothEnds' })) },
    };
    const d = only(check({ 'rules/v.mtc': rules }, p), 'MTC7004');
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toBe('QEMU 11.1.1 refuses the tolerance type ToleranceOnlySrcTestValue this rule needs');
    expect(d[0]!.help).toContain('target/arm/cpu.c:212');
    expect(where(d[0]!)).toBe('3:12-3:28');
  });
});

describe('MTC7005, MTC7007: rules written for a newer QEMU, built against 10.2', () => {
  const rules = 'machine virt-11.0 {\n  set arm-cpu.pauth = off;\n}\nmachine virt-10.2;\n';
  const d = check({ 'rules/v.mtc': rules }, p102());
  it('MTC7005: virt-11.0 carries rules but 10.2.2 has no such machine type', () => {
    const e = only(d, 'MTC7005');
    expect(e.map((x) => x.severity)).toEqual(['error']);
    expect(e[0]!.message).toBe("`virt-11.0` carries rules, but it is newer than virt-10.2, the latest `virt` type of QEMU 10.2.2: they would reach nothing in this tree");
    expect(where(e[0]!)).toBe('1:9-1:18');
  });
  it('MTC7007: and its compat would land on virt-10.2, the tree\'s latest type, the `virt` alias', () => {
    const e = only(d, 'MTC7007');
    expect(e).toHaveLength(1);
    expect(e[0]!.message).toBe("`virt-10.2` inherits compat from `virt-11.0` in the rules, but it is QEMU 10.2.2's latest type, the `virt` alias: every new guest would get that compat");
    expect(e[0]!.label).toBe('latest in hw/arm/virt.c:3539');
    expect(where(e[0]!)).toBe('4:9-4:18');
  });
  it('without a rule, a newer machine type is only a note, and nothing lands on the alias (the tests above can fail)', () => {
    const quiet = check({ 'rules/v.mtc': 'machine virt-11.0;\nmachine virt-10.2;\n' }, p102());
    expect(quiet.map((x) => `${x.severity} ${x.code}`)).toEqual(['note MTC7005']);
  });
  it('MTC3010 is retired: a machine type the tree lacks is MTC7005, before any patch is built', () => {
    expect(d.some((x) => x.code === 'MTC3010')).toBe(false);
  });
});

describe('MTC7008 qemu-family-left-out', () => {
  it('an upstream family the tree does not define is an error (11.1.1 without its pc-q35 family)', () => {
    const p = p111();
    (p as { families: unknown }).families = p.families.filter((f) => f.name !== 'pc-q35');
    const d = only(check({ 'rules/q.mtc': 'machine pc-q35-11.1;\n' }, p), 'MTC7008');
    expect(d.map((x) => x.severity)).toEqual(['error']);
    expect(d[0]!.message).toBe('QEMU 11.1.1 does not define the machine family `pc-q35`');
  });
  it('a family mtc.yaml scopes to other QEMU versions is a note', () => {
    const cfg: QemuProjectConfig = { families: new Map([['virt', { qemu: '>=11.1' }]]) };
    const d = only(check({ 'rules/v.mtc': 'machine virt-10.2;\n' }, p102(), cfg), 'MTC7008');
    expect(d.map((x) => x.severity)).toEqual(['note']);
  });
});

describe('MTC7009 qemu-naming-unknown', () => {
  it('a family with no tree entry and no preset: names are never guessed', () => {
    const d = only(check({ 'rules/s.mtc': 'machine sbsa-ref-10.1;\n' }, undefined), 'MTC7009');
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toBe('mtc does not know how QEMU names the machine types of family `sbsa-ref`');
    expect(d[0]!.help).toContain('families: { sbsa-ref: { preset: upstream } }');
    expect(where(d[0]!)).toBe('1:9-1:22');
  });
  it('build refuses it too (MTC7009 from the emission plan)', () => {
    const root = tempProject({ 'rules/s.mtc': 'machine sbsa-ref-10.1;\n' });
    const r = runBin(['build', 'rules', '--out', join(root, 'out')], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[MTC7009]');
  });
});

describe('MTC7010 qemu-tolerance-unreadable', () => {
  it('a QEMU tolerance whose index the reader could not evaluate is a warning naming the call (11.1.1 with one index unread)', () => {
    const p = p111();
    (p as { tolerances: unknown }).tolerances = p.tolerances.map((t, i) => (i === 0 ? { ...t, id: null, expression: 'SOME_MACRO(3)' } : t));
    const d = only(check({ 'rules/v.mtc': 'target tolerances;\nmachine virt-11.1 {\n  tolerate ID_AA64ISAR0_EL1;\n}\n' }, p), 'MTC7010');
    expect(d).toHaveLength(1);
    expect(d[0]!.help).toBe('check by hand: `SOME_MACRO(3)` at target/arm/cpu64.c:769');
  });
});

describe('MTC7012 qemu-hook-unplaceable', () => {
  it('a tree without struct VirtMachineClass has no place for the tolerance hook (11.1.1 with it removed)', () => {
    const p = p111();
    (p as { virt: unknown }).virt = { ...p.virt, machineClass: null };
    const d = only(check({ 'rules/v.mtc': 'target tolerances;\nmachine virt-11.1 {\n  tolerate ID_AA64ISAR0_EL1;\n}\n' }, p), 'MTC7012');
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toBe('QEMU 11.1.1 has no struct VirtMachineClass in include/hw/arm/virt.h for the tolerance hook');
  });
});

describe('MTC7013 qemu-version-arity', () => {
  it("RHEL's macros take three version numbers: virt-rhel10.1 is refused", () => {
    const d = only(check({ 'rules/r.mtc': 'machine virt-rhel10.1;\n' }, undefined), 'MTC7013');
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toBe('`virt-rhel10.1` has 2 version numbers, but DEFINE_VIRT_MACHINE() takes 3');
    expect(d[0]!.help).toBe('write the version with 3 numbers, as in `virt-rhel10.0.0`');
  });
});

describe('MTC7014 qemu-name-taken', () => {
  it("mtc's array name for a machine type is already a GlobalProperty array of the tree (11.1.1 with one added)", () => {
    const p = p111();
    (p as { families: unknown }).families = p.families.map((f) => (f.name === 'virt' ? { ...f, compatArraysDefined: [...f.compatArraysDefined, { name: 'arm_virt_compat_11_0', line: 120 }] } : f));
    const d = only(check({ 'rules/v.mtc': 'machine virt-11.1;\nmachine virt-11.0 {\n  set arm-cpu.pauth = off;\n}\n' }, p), 'MTC7014');
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toBe("QEMU 11.1.1 already defines `arm_virt_compat_11_0` (hw/arm/virt.c:120), the name mtc gives `virt-11.0`'s compat array");
  });
});

describe('MTC7021 qemu-unknown-version, and the QEMU a run picks', () => {
  it('--qemu 9.9 names no built-in profile', () => {
    const r = runBin(['check', 'rules', '--qemu', '9.9']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[MTC7021]: no built-in QEMU profile for `9.9` (--qemu)');
    expect(r.stderr).toContain('built-in: 10.0.13, 10.2.2, 11.1.1');
  });
  it("rules/mtc.yaml's `qemu: \"11.1\"` is the default; --qemu overrides it", () => {
    expect(runBin(['check', 'rules']).stderr).toContain('QEMU 11.1.1 is an upstream tree');
    expect(runBin(['check', 'rules', '--qemu', '10.2']).stderr).toContain('this is QEMU 10.2.2');
  });
  it('mtc qemu-profile --qemu 11.1 prints the built-in profile; a directory that is not a tree is MTC3011', () => {
    const r = runBin(['qemu-profile', '--qemu', '11.1']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).qemu).toBe('11.1.1');
    const bad = runBin(['qemu-profile', 'docs']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error[MTC3011]: cannot read the QEMU tree docs: VERSION: missing');
  });
});

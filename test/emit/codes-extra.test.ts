/**
 * `mtc build` codes that had no test of their own: MTC3001-MTC3005 (what the
 * C target cannot express: MTC3002-MTC3004 are validation rules, so `check`
 * finds them too; the emission plan refuses MTC3001 and MTC3005), MTC3011
 * (--qemu-tree on a directory that is not a QEMU tree) and MTC3021 (--check finds stale
 * outputs). Each test runs the build command on a small rule project and
 * reads the diagnostics from its JSON output.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { loadBuiltinCatalog } from '../../src/catalog/index.js';
import { compile } from '../../src/compile.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { generate } from '../../src/emit/build.js';
import { buildCheckCodes } from '../../src/validate/build-codes.js';
import { emitCodes } from '../../src/emit/codes.js';
import { runBuild } from '../../src/cli/commands/build.js';
import { planBuild } from '../../src/emit/plan.js';
import { where } from '../helpers.js';
import { tempProject } from './helpers.js';

interface BuildRun {
  readonly code: number;
  readonly diagnostics: Diagnostic[];
  readonly stderr: string;
  readonly root: string;
  readonly out: string;
}

/** `mtc build --format json` of the given rule files, in a fresh project. */
async function build(files: Record<string, string>, opts: { qemuTree?: string; check?: boolean; root?: string } = {}): Promise<BuildRun> {
  const root = opts.root ?? tempProject(files);
  const out = join(root, 'out');
  let stdout = '';
  let stderr = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  try {
    const code = await runBuild([join(root, 'rules')], {
      out,
      format: 'json',
      target: 'x-mig',
      root,
      ...(opts.qemuTree !== undefined ? { qemuTree: opts.qemuTree } : {}),
      ...(opts.check ? { check: true } : {}),
    });
    const doc = JSON.parse(stdout) as { format: string; diagnostics: Diagnostic[] };
    expect(doc.format).toBe('mtc-diagnostics');
    return { code, diagnostics: doc.diagnostics, stderr, root, out };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

/** The one diagnostic with `code`; fails when there is not exactly one. */
function one(diags: readonly Diagnostic[], code: string): Diagnostic {
  const found = diags.filter((d) => d.code === code);
  expect(found.map((d) => `${d.code} ${d.message}`), `diagnostics: ${diags.map((d) => d.code).join(', ')}`).toHaveLength(1);
  return found[0]!;
}

function severityOf(code: keyof typeof emitCodes | keyof typeof buildCheckCodes): string {
  return code in buildCheckCodes ? buildCheckCodes[code as keyof typeof buildCheckCodes].severity : emitCodes[code as keyof typeof emitCodes].severity;
}

describe('MTC3001 emit-not-expressible', () => {
  // The validator reports these rules first (MTC2006) and `mtc build` stops
  // there, so the emitter's own check is only reached by a caller that plans
  // a model with errors. It must still refuse instead of dropping the rule.
  const compileRules = (text: string) => {
    const root = tempProject({ 'rules/a.mtc': text });
    return compile([join(root, 'rules')], { catalog: loadBuiltinCatalog(), root });
  };

  test('x-mig cannot test a value: `mtc build` stops at MTC2006, planning the model gives MTC3001', async () => {
    const text = 'target x-mig;\nmachine virt-10.1 {\n  tolerate TCR2_EL1 when value & 0x1 == 0 { reason "x"; }\n}\n';
    const r = await build({ 'rules/a.mtc': text });
    expect(r.code).toBe(1);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['MTC2006']);
    expect(existsSync(join(r.out, 'c'))).toBe(false);

    const c = compileRules(text);
    expect(c.diagnostics.map((d) => d.code)).toEqual(['MTC2006']);
    const { diagnostics } = planBuild(c.model!);
    const d = one(diagnostics, 'MTC3001');
    expect(d).toMatchObject({
      severity: 'error',
      file: 'rules/a.mtc',
      message: 'the x-mig target cannot test the value of TCR2_EL1',
      help: 'use `target tolerances;` for this machine family, or drop the `when` test',
    });
    expect(d.severity).toBe(severityOf('MTC3001'));
    expect(where(d)).toBe('3:3-3:58');
  });

  test('tolerances cannot hide: planning the model gives MTC3001 at the hide', () => {
    const c = compileRules('target tolerances;\nmachine virt-rhel10.0.0 {\n  hide TCR2_EL1;\n}\n');
    expect(c.diagnostics.map((d) => d.code)).toContain('MTC2006');
    const d = one(planBuild(c.model!).diagnostics, 'MTC3001');
    expect(d).toMatchObject({
      severity: 'error',
      file: 'rules/a.mtc',
      message: 'the tolerances target cannot hide TCR2_EL1',
      help: 'tolerate it instead: `tolerate REG when value & 0xffffffffffffffff == 0`, or use `target x-mig;`',
    });
    expect(where(d)).toBe('3:3-3:17');
  });
});

describe('MTC3002 mixed-targets-in-chain', () => {
  test('a tolerances machine type inheriting from an x-mig one', async () => {
    const r = await build({
      'rules/new.mtc': 'target x-mig;\nmachine virt-10.2;\n',
      'rules/old.mtc': 'target tolerances;\nmachine virt-10.1 inherits virt-10.2;\n',
    });
    expect(r.code).toBe(1);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['MTC3002']);
    const d = r.diagnostics[0]!;
    expect(d).toMatchObject({
      severity: severityOf('MTC3002'),
      file: 'rules/old.mtc',
      message: '`virt-10.1` (target tolerances) inherits from `virt-10.2` (target x-mig)',
      label: 'inherits from `virt-10.2`, which uses target x-mig',
      labels: [expect.objectContaining({ file: 'rules/new.mtc', message: 'target x-mig' })],
      help: 'use one `target` for every machine type of a chain: move the machine types into files with the same `target` statement',
    });
    expect(where(d)).toBe('2:28-2:37'); // the `inherits` word's machine type
    expect(existsSync(join(r.out, 'c'))).toBe(false); // nothing written
  });

  test('the same chain with one target builds (the test above can fail)', async () => {
    const r = await build({ 'rules/new.mtc': 'target x-mig;\nmachine virt-10.2;\n', 'rules/old.mtc': 'target x-mig;\nmachine virt-10.1 inherits virt-10.2;\n' });
    expect(r.diagnostics).toEqual([]);
    expect(r.code).toBe(0);
  });
});

describe('MTC3003 set-of-managed-array', () => {
  test('`set arm-cpu.x-mig-hidden-regs` is refused at the set rule', async () => {
    const r = await build({ 'rules/a.mtc': 'machine virt-10.1 {\n  set arm-cpu.x-mig-hidden-regs = "0x603000000013c103";\n}\n' });
    expect(r.code).toBe(1);
    const d = one(r.diagnostics, 'MTC3003');
    expect(d).toMatchObject({
      severity: severityOf('MTC3003'),
      file: 'rules/a.mtc',
      message: '`set arm-cpu.x-mig-hidden-regs` would set a register array that mtc already sets once per machine type',
      label: 'managed by `hide` and `tolerate`',
      help: 'write `hide REG` for each register instead (mtc merges them over the chain and sets `x-mig-hidden-regs` once)',
    });
    expect(where(d)).toBe('2:7-2:32'); // the driver.property word
  });
});

describe('MTC3004 c-name-collision', () => {
  test('`virt-10.1` and `virt-10.01` both give `virt_machine_10_1_options`', async () => {
    const r = await build({ 'rules/a.mtc': 'machine virt-10.1 inherits virt-11.0;\nmachine virt-10.01 inherits virt-11.0;\nmachine virt-11.0;\n' });
    expect(r.code).toBe(1);
    expect(r.diagnostics.map((d) => d.code)).toContain('MTC3004');
    const d = one(r.diagnostics, 'MTC3004');
    expect(d).toMatchObject({
      severity: severityOf('MTC3004'),
      file: 'rules/a.mtc',
      message: 'machine types `virt-10.01` and `virt-10.1` both map to the C name `virt_machine_10_1_options`',
      label: 'C name `virt_machine_10_1_options`',
      labels: [expect.objectContaining({ file: 'rules/a.mtc', message: '`virt-10.01` gives the same name' })],
      help: 'rename one of them: C names are made from the version numbers, so `virt-10.1` and `virt-10.01` give the same functions',
    });
    expect(where(d)).toBe('1:9-1:18'); // `virt-10.1`, the one that comes second in version order
  });
});

describe('MTC3005 nul-in-property', () => {
  test('a NUL in a `set` value', async () => {
    const r = await build({ 'rules/a.mtc': 'machine virt-10.1 {\n  set arm-cpu.x-note = "a\\u{0}b";\n}\n' });
    expect(r.code).toBe(1);
    const d = one(r.diagnostics, 'MTC3005');
    expect(d).toMatchObject({
      severity: severityOf('MTC3005'),
      file: 'rules/a.mtc',
      message: '`set arm-cpu.x-note` contains a NUL or control character',
      help: 'QEMU reads these as C strings; remove the character',
    });
    expect(where(d)).toBe('2:3-2:34');
  });

  test('a plain value builds (the test above can fail)', async () => {
    const r = await build({ 'rules/a.mtc': 'machine virt-10.1 {\n  set arm-cpu.x-note = "ab";\n}\n' });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.code).toBe(0);
  });
});

describe('MTC3011 qemu-tree-unreadable', () => {
  test('--qemu-tree pointing at a directory that is not a QEMU tree', async () => {
    const root = tempProject({ 'rules/a.mtc': 'machine virt-10.1;\n', 'qemu/README': 'not a QEMU tree\n' });
    const tree = join(root, 'qemu');
    const r = await build({}, { root, qemuTree: tree });
    expect(r.code).toBe(1);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['MTC3011']);
    const d = r.diagnostics[0]!;
    expect(d.severity).toBe(severityOf('MTC3011'));
    expect(d.message).toBe(`cannot read the QEMU tree ${tree}: VERSION: missing: this does not look like a QEMU source tree`);
    expect(d.help).toBe('--qemu-tree takes the top directory of a QEMU source tree (the one with VERSION and hw/)');
    expect(where(d)).toBe('-');
    expect(d.file).toBeUndefined();
    expect(existsSync(r.out)).toBe(false);
  });
});

describe('MTC3021 stale-output', () => {
  const rules = { 'rules/a.mtc': 'machine virt-10.1 {\n  hide TCR2_EL1 { reason "x"; }\n}\n' };

  test('--check on an empty output directory: every file is missing', async () => {
    const r = await build(rules, { check: true });
    expect(r.code).toBe(1);
    const stale = r.diagnostics.filter((d) => d.code === 'MTC3021');
    expect(stale.length).toBe(r.diagnostics.length);
    expect(stale.map((d) => d.message)).toContain(`${join(r.out, 'c/virt.c')} is missing`);
    for (const d of stale) {
      expect(d.severity).toBe(severityOf('MTC3021'));
      expect(d.help).toBe('run `mtc build` (or `npm start`) and commit the result');
      expect(where(d)).toBe('-');
    }
  });

  test('--check after a build: an edited file is stale, a foreign generated file would be removed', async () => {
    const first = await build(rules);
    expect(first.code).toBe(0);
    const clean = await build({}, { root: first.root, check: true });
    expect(clean.diagnostics).toEqual([]);
    expect(clean.code).toBe(0);

    const virtC = join(first.out, 'c/virt.c');
    writeFileSync(virtC, readFileSync(virtC, 'utf8').replace('virt_machine_10_1_options', 'edited'));
    const manifest = join(first.out, '.mtc-manifest');
    mkdirSync(join(first.out, 'c'), { recursive: true });
    writeFileSync(join(first.out, 'c/old.c'), '/* Generated by mtc */\n');
    writeFileSync(manifest, readFileSync(manifest, 'utf8') + 'c/old.c\n');
    const r = await build({}, { root: first.root, check: true });
    expect(r.code).toBe(1);
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['MTC3021', `${manifest} is stale`],
      ['MTC3021', `${join(first.out, 'c/old.c')} is no longer generated and would be removed`],
      ['MTC3021', `${join(first.out, 'c/virt.c')} is stale`],
    ]);
  });
});

test('MTC3002, MTC3003 and MTC3004 come from validation (what `check` runs), not from the emitter', () => {
  const trees: Record<string, string>[] = [
    { 'rules/a.mtc': 'machine virt-10.1 inherits virt-11.0;\nmachine virt-10.01 inherits virt-11.0;\nmachine virt-11.0;\n' },
    { 'rules/a.mtc': 'machine virt-10.1 {\n  set arm-cpu.x-mig-safe-missing-regs = "0x1";\n}\n' },
    { 'rules/new.mtc': 'target x-mig;\nmachine virt-10.2;\n', 'rules/old.mtc': 'target tolerances;\nmachine virt-10.1;\n' },
  ];
  for (const files of trees) {
    const root = tempProject(files);
    const c = compile([join(root, 'rules')], { catalog: loadBuiltinCatalog(), root });
    const mine = c.diagnostics.filter((d) => /^MTC300[234]$/.test(d.code));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.span).toBeDefined();
    expect(generate(c.model!).diagnostics).toEqual([]);
  }
});

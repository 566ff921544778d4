/**
 * `mtc import` on the real QEMU trees 10.2.2 and 11.1.1 (issue 15):
 *
 * - the rules it writes for the `virt` family are the committed goldens
 *   (test/fixtures/import/<version>/), `mtc check --qemu <release>` accepts them
 *   and `mtc fmt` leaves them unchanged;
 * - proof against QEMU itself: the compat properties mtc computes for every
 *   `virt-*` machine type equal what the real qemu-system-aarch64 of the tree
 *   reports through QMP `query-machines` (`compat-props: true`), taken into
 *   test/fixtures/qemu-qmp/<version>.json by scripts/qmp-compat-fixture.mjs
 *   (`npm run test:qemu` compares live, test/qemu/import.qemu.test.ts);
 * - round trip: `build --qemu-tree` of the imported rules patches nothing, and
 *   a patch of changed rules, applied and compiled in the tree, gives every
 *   machine type exactly the compat set mtc computed (the patched tree is
 *   imported again: chain replay of the tree's own C), and keeps every C
 *   statement import could not carry (hw/arm/virt.c `vmc->no_tcg_its = true;` …).
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../src/catalog/index.js';
import { compile } from '../../src/compile.js';
import { generate } from '../../src/emit/build.js';
import { importTree, reportMarkdown } from '../../src/import/import.js';
import { CSource } from '../../src/qemu/c-source.js';
import { compatPropsOf, type BuildDocument } from '../../src/contract/build-document.js';
import { readCompatArrays } from '../../src/qemu/compat-arrays.js';
import { loadBuiltinProfile } from '../../src/qemu/builtin.js';
import { makeQemuContext } from '../../src/qemu/context.js';
import { emptyQemuConfig } from '../../src/qemu/families.js';
import { runBin } from '../support/cli.js';
import * as trees from '../../scripts/qemu-trees.mjs';
import { buildPatch, cleanupOuts, inTree, prove } from './helpers.js';

interface Prop {
  readonly 'qom-type': string;
  readonly property: string;
  readonly value: string;
}
interface QmpFixture {
  readonly tree: string;
  readonly qemu: string;
  readonly machines: Readonly<Record<string, readonly Prop[]>>;
}

const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;

function qmpFixture(version: string): QmpFixture {
  return JSON.parse(readFileSync(join(FIXTURES, 'qemu-qmp', `${version}.json`), 'utf8')) as QmpFixture;
}

function rulesDir(files: ReadonlyMap<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mtc-import-'));
  for (const [rel, text] of files) writeFileSync(join(dir, rel), text);
  return dir;
}

/** The effective compat properties of every machine type of a rules directory, built against the tree's built-in profile. */
function effectiveProps(dir: string, version: string): Map<string, Prop[]> {
  const r = compile([dir], { root: dir, catalog: loadBuiltinCatalog() });
  expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`)).toEqual([]);
  const gen = generate(r.model!, { qemu: makeQemuContext(loadBuiltinProfile(version), emptyQemuConfig) });
  return compatPropsOf(JSON.parse(gen.files.get('mtc-build.json')!) as BuildDocument);
}

afterAll(cleanupOuts);

describe.each(['10.2.2', '11.1.1'])('mtc import, QEMU %s', (version) => {
  const release = version.split('.').slice(0, 2).join('.');
  const qmp = qmpFixture(version);
  const count = Object.keys(qmp.machines).length;
  const golden = join(FIXTURES, 'import', version);

  it('writes the committed golden rules and report (virt family)', () => {
    const r = inTree(version, (tree) => importTree(tree));
    expect(r.diagnostics).toEqual([]);
    const expected = new Map(readdirSync(golden).filter((f) => f.endsWith('.mtc')).sort().map((f) => [f, readFileSync(join(golden, f), 'utf8')]));
    expect(r.files).toEqual(expected);
    expect(reportMarkdown(r.report)).toBe(readFileSync(join(golden, 'report.md'), 'utf8'));
  });

  it(`the fixture was taken from QEMU ${version}'s own binary`, () => {
    expect(qmp.tree).toBe(version);
    expect(qmp.qemu).toBe(version);
    expect(count).toBeGreaterThan(10);
  });

  it(`equals QEMU's query-machines compat-props for all ${count} virt machine types (fixture of the real binary)`, () => {
    const mtc = effectiveProps(golden, version);
    expect([...mtc.keys()].sort()).toEqual(Object.keys(qmp.machines).sort());
    for (const [name, props] of Object.entries(qmp.machines)) expect(mtc.get(name), name).toEqual(props);
    console.log(`QEMU ${version}: ${count} virt machine types, compat properties equal to query-machines (${Object.values(qmp.machines).reduce((n, p) => n + p.length, 0)} entries)`);
  });

  it(`mtc check --qemu ${release} accepts the imported rules; mtc fmt leaves them unchanged`, () => {
    const check = runBin(['check', golden, '--qemu', release]);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr).toContain('2 files checked: 0 errors, 0 warnings');
    expect(runBin(['fmt', '--check', golden], golden).code).toBe(0);
  });

  it('round trip: build --qemu-tree of the imported rules changes nothing in the tree', () => {
    inTree(version, (tree) => {
      const b = buildPatch(golden, tree);
      expect(b.run.code, b.run.stderr).toBe(0);
      expect(b.text).toMatch(/\(no changes\)/);
      expect(b.text).not.toContain('diff --git');
    });
  });

  it('chain replay: a patch of changed rules, applied and compiled, gives every machine type the compat set mtc computed, and keeps the C import could not carry', () => {
    const r = inTree(version, (tree) => importTree(tree));
    const files = new Map(r.files);
    // An entry appended to a shared array, a new set for the second-oldest type, an own `set` on the newest.
    const compat = files.get('compat.mtc')!;
    const firstSet = /compat (hw_compat_\w+) \{/.exec(compat)![1]!;
    files.set('compat.mtc', compat.replace(/(compat hw_compat_\w+ \{\n(?:.*\n)*?)\}/, '$1  set virtio-net-device.x-mtc-test = on optional;\n}') + '\ncompat mtc_compat_test {\n  set arm-cpu.x-mtc-test = "1";\n}\n');
    const virt = files.get('virt.mtc')!;
    const types = [...virt.matchAll(/^machine (virt-[0-9.]+)/gm)].map((m) => m[1]!);
    const target = types[types.length - 2]!;
    files.set('virt.mtc', virt.replace(new RegExp(`machine ${target.replace('.', '\\.')} \\{\\n`), `machine ${target} {\n  use mtc_compat_test;\n  set virtio-iommu-pci.aw-bits = 64;\n`));
    const dir = rulesDir(files);
    const expected = effectiveProps(dir, version);
    const replayed = inTree(version, (tree) => {
      const b = buildPatch(dir, tree);
      expect(b.run.code, b.run.stderr).toBe(0);
      const proof = prove(version, b.file!);
      expect(proof.files).toEqual(['hw/arm/virt.c', 'hw/core/machine.c']);
      expect(proof.compile.ok, proof.compile.output.slice(-3000)).toBe(true);
      expect(proof.checkpatch.errors, proof.checkpatch.output).toBe(0);
      const after = importTree(tree);
      expect(after.diagnostics).toEqual([]);
      // Every statement import could not carry is still in the patched options functions.
      const text = readFileSync(join(tree, 'hw/arm/virt.c'), 'utf8');
      for (const n of r.report.notExpressed) expect(text, n.statement).toContain(n.statement.replace(/ \{ /g, ' {').split(' {')[0]);
      expect(after.report.notExpressed.map((n) => `${n.machine} ${n.statement}`)).toEqual(r.report.notExpressed.map((n) => `${n.machine} ${n.statement}`));
      // The new entry landed in QEMU's own array, after its entries.
      const arrays = readCompatArrays(new CSource('hw/core/machine.c', readFileSync(join(tree, 'hw/core/machine.c'), 'utf8')));
      expect(arrays.find((a) => a.name === firstSet)!.entries.at(-1)).toMatchObject({ driver: 'virtio-net-device', property: 'x-mtc-test', value: 'on', optional: true });
      return effectiveProps(rulesDir(after.files), version);
    });
    expect([...replayed.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [name, props] of expected) expect(replayed.get(name), name).toEqual(props);
    expect(expected.get(target)!.at(-1)).toEqual({ 'qom-type': 'virtio-iommu-pci', property: 'aw-bits', value: '64' });
  });

  it('MTC3027: rules that change an entry of QEMU\'s own array are refused, located at the entry', () => {
    const r = inTree(version, (tree) => importTree(tree));
    const files = new Map(r.files);
    files.set('compat.mtc', files.get('compat.mtc')!.replace(/(compat hw_compat_\w+ \{\n  set [\w.-]+ = )([^;{ ]+)/, '$1"changed"'));
    const dir = rulesDir(files);
    inTree(version, (tree) => {
      const b = buildPatch(dir, tree);
      expect(b.run.code).toBe(1);
      expect(b.run.stderr).toMatch(/error\[MTC3027\]: compat set `hw_compat_\w+` differs from the tree's array \(hw\/core\/machine\.c:[0-9]+\): the tree has `[^`]+` as entry 1, the rules `[^`]+ = changed`/);
      expect(b.run.stderr).toMatch(/--> .*compat\.mtc:[0-9]+:3/);
    });
  });
});

describe('QEMU 10.2.2 hw/core/machine.c: `.optional` entries', () => {
  it('hw_compat_2_6 (machine.c:293-298): the comment above the entry is its reason, `.optional = true` is kept', () => {
    const arrays = inTree('10.2.2', (tree) => readCompatArrays(new CSource('hw/core/machine.c', readFileSync(join(tree, 'hw/core/machine.c'), 'utf8'))));
    const a = arrays.find((x) => x.name === 'hw_compat_2_6')!;
    expect(a.entries.map((e) => [e.line, e.driver, e.property, e.value, e.optional, e.comment ?? null])).toEqual([
      [294, 'virtio-mmio', 'format_transport_address', 'off', false, null],
      [296, 'virtio-pci', 'disable-modern', 'on', true, 'Optional because not all virtio-pci devices support legacy mode'],
      [297, 'virtio-pci', 'disable-legacy', 'off', true, null],
    ]);
  });
});

describe('a new set used by two families, in the real QEMU 11.1.1 tree (examples/compat-sets)', () => {
  it('goes where QEMU keeps its shared arrays: after the last hw_compat_X_Y[] of hw/core/machine.c, declared in boards.h; the patch applies, the objects that use it compile, checkpatch is clean', () => {
    const rules = new URL('../../examples/compat-sets', import.meta.url).pathname;
    inTree('11.1.1', (tree) => {
      const b = buildPatch(rules, tree);
      expect(b.run.code, b.run.stderr).toBe(0);
      const files = trees.applyPatch('11.1.1', b.file!);
      expect(files).toEqual(['hw/arm/virt.c', 'hw/core/machine.c', 'hw/i386/pc_q35.c', 'include/hw/core/boards.h']);
      const machine = readFileSync(join(tree, 'hw/core/machine.c'), 'utf8');
      // Right after QEMU's last shared array (hw_compat_4_1 in 11.1.1, hw/core/machine.c:225-228).
      expect(machine).toMatch(/const size_t hw_compat_4_1_len = G_N_ELEMENTS\(hw_compat_4_1\);\n\n\/\*\n \* Compat set shared_compat_10_2 /);
      expect(readFileSync(join(tree, 'include/hw/core/boards.h'), 'utf8')).toContain('extern const size_t hw_compat_4_1_len;\nextern GlobalProperty shared_compat_10_2[];\nextern const size_t shared_compat_10_2_len;\nextern GlobalProperty shared_compat_11_0[];');
      const objects = trees.objectsFor('11.1.1', ['hw/arm/virt.c', 'hw/core/machine.c', 'hw/i386/pc_q35.c']);
      const compiled = trees.compileObjects('11.1.1', objects);
      expect(compiled.ok, compiled.output.slice(-3000)).toBe(true);
      const cp = trees.checkpatch('11.1.1', b.file!);
      expect(cp.errors, cp.output).toBe(0);
      expect(cp.warnings, cp.output).toBe(0);
      // Each set is defined once: the second family's options functions only reference it.
      expect(b.text!.match(/^\+GlobalProperty shared_compat_11_0\[\]/gm)).toHaveLength(1);
      expect(b.text!.match(/^\+    compat_props_add\([a-z]+->compat_props, shared_compat_11_0,$/gm)).toHaveLength(2);
    });
  });
});

/** pc-q35: where a tree's qemu-system-x86_64 was built (scripts/qemu-trees.mjs binary-x86_64) and its fixture taken. */
describe.each(readdirSync(join(FIXTURES, 'qemu-qmp')).filter((f) => f.endsWith('-pc-q35.json')).map((f) => f.slice(0, -'-pc-q35.json'.length)))('mtc import --family pc-q35, QEMU %s', (version) => {
  const qmp = JSON.parse(readFileSync(join(FIXTURES, 'qemu-qmp', `${version}-pc-q35.json`), 'utf8')) as QmpFixture;
  const count = Object.keys(qmp.machines).length;

  it(`equals QEMU's query-machines compat-props for all ${count} pc-q35 machine types (fixture of the real qemu-system-x86_64), and builds to an empty patch`, () => {
    expect(qmp.qemu).toBe(version);
    const r = inTree(version, (tree) => importTree(tree, { families: ['pc-q35'] }));
    expect(r.diagnostics).toEqual([]);
    // The newest type's base options function adds pc_q35_compat_defaults (hw/i386/pc_q35.c:382 in 11.1.1).
    expect(r.report.families[0]!.machines[0]!.uses).toEqual(['pc_q35_compat_defaults']);
    const dir = rulesDir(r.files);
    const mtc = effectiveProps(dir, version);
    expect([...mtc.keys()].sort()).toEqual(Object.keys(qmp.machines).sort());
    for (const [name, props] of Object.entries(qmp.machines)) expect(mtc.get(name), name).toEqual(props);
    console.log(`QEMU ${version}: ${count} pc-q35 machine types, compat properties equal to query-machines`);
    inTree(version, (tree) => {
      const b = buildPatch(dir, tree);
      expect(b.run.code, b.run.stderr).toBe(0);
      expect(b.text).not.toContain('diff --git');
    });
  });
});

/**
 * Issue "Real QEMU trees in the loop", point 5 (`npm run test:qemu`): the
 * patch mtc writes, applied to the real 10.2.2 and 11.1.1 trees and built
 * into qemu-system-aarch64 (TCG) with the tree's own build. For every patched
 * machine type, the compat properties QEMU reports over QMP (query-machines,
 * compat-props) minus those of the same tree built without the patch equal
 * mtc's build document; every machine type of the family starts
 * (-accel tcg -cpu max) without aborting. And the one thing MTC7002 exists
 * for: a tolerance QEMU already registers, forced through, does abort QEMU.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as trees from '../../scripts/qemu-trees.mjs';
import { compile } from '../../src/compile.js';
import { loadBuiltinCatalog } from '../../src/catalog/index.js';
import { generate } from '../../src/emit/build.js';
import { makeQemuContext } from '../../src/qemu/context.js';
import { emptyQemuConfig } from '../../src/qemu/families.js';
import { readQemuTree } from '../../src/qemu/read-tree.js';
import { TreeFiles } from '../../src/qemu/tree-files.js';
import { compatPropsOf, type BuildDocument } from '../../src/contract/build-document.js';
import { buildPatch, cleanupOuts, inTree } from '../qemu-tree/helpers.js';
import { added, compatProps, runToExit, startQemu } from './support.js';
import { runBin } from '../support/cli.js';

afterAll(cleanupOuts);

const log = (m: string) => process.stderr.write(`${m}\n`);

/** The patch (and the build document) of a rule tree against a QEMU tree, with the bundled CLI. */
function patchFor(version: string, rules: string): { patch: string; doc: BuildDocument } {
  return inTree(version, (tree) => {
    const b = buildPatch(rules, tree);
    expect(b.run.code, b.run.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(b.file!, '..', '..', 'mtc-build.json'), 'utf8')) as BuildDocument;
    return { patch: b.text!, doc };
  });
}

/** Every machine type of a family that this build of QEMU registers. */
async function registered(bin: string, family: RegExp): Promise<string[]> {
  return [...(await compatProps(bin)).keys()].filter((n) => family.test(n)).sort();
}

for (const version of ['10.2.2', '11.1.1']) {
  describe(`qemu-system-aarch64 ${version} built with mtc's patch`, () => {
    let pristine: string;
    let patched: string;
    let doc: BuildDocument;
    beforeAll(() => {
      pristine = trees.buildBinary(version, null, log);
      const p = patchFor(version, 'test/fixtures/qemu-tree/compat-props');
      doc = p.doc;
      patched = trees.buildBinary(version, p.patch, log);
    });

    it('reports through QMP exactly the compat properties of the build document, for every machine type of the rules', async () => {
      const before = await compatProps(pristine);
      const after = await compatProps(patched);
      let compared = 0;
      const effective = compatPropsOf(doc);
      for (const m of doc.machineTypes) {
        expect(after.has(m.name), `${m.name} is registered`).toBe(true);
        expect(added(after.get(m.name)!, before.get(m.name)!), m.name).toEqual(effective.get(m.name));
        compared++;
      }
      expect(compared).toBe(4);
      // The last entry wins in QEMU: virt-9.0 lists pauth=off (from virt-10.1) and then pauth=on.
      expect(effective.get('virt-9.0')!.map((p) => `${p.property}=${p.value}`)).toEqual(['pauth=off', 'sve=off', 'pauth=on']);
    });

    it('starts every virt machine type it registers with -accel tcg -cpu max, none aborts', async () => {
      const names = await registered(patched, /^virt-[0-9]/);
      expect(names.length).toBeGreaterThan(15);
      for (const name of names) {
        const q = await startQemu(patched, ['-M', name, '-accel', 'tcg', '-cpu', 'max']);
        const st = (await q.qmp.command('query-status')) as { status: string };
        expect(st.status, name).toBe('prelaunch');
        await q.stop();
      }
    });
  });
}

describe('qemu-system-aarch64 11.1.1 with the tolerance hook of the shipped rules', () => {
  let bin: string;
  beforeAll(() => {
    bin = trees.buildBinary('11.1.1', patchFor('11.1.1', 'rules').patch, log);
  });

  it('starts every virt machine type with -accel tcg -cpu max: the hook runs for each vCPU and nothing aborts', async () => {
    const names = await registered(bin, /^virt-[0-9]/);
    expect(names).toContain('virt-10.2');
    for (const name of names) {
      const q = await startQemu(bin, ['-M', name, '-accel', 'tcg', '-cpu', 'max', '-smp', '2']);
      expect(((await q.qmp.command('query-status')) as { status: string }).status, name).toBe('prelaunch');
      await q.stop();
    }
  });
});

describe('what MTC7002 prevents, in the real 11.1.1', () => {
  let bin: string;
  beforeAll(() => {
    // Force the patch through: compile (MTC7002 is reported), then generate anyway.
    const patch = inTree('11.1.1', (tree) => {
      const root = process.cwd();
      const c = compile([join(root, 'test/fixtures/qemu-tree/duplicate-dbgdtrtx')], { catalog: loadBuiltinCatalog(), root });
      const files = new TreeFiles(tree);
      const qemu = makeQemuContext(readQemuTree(tree), emptyQemuConfig, { treeDir: tree });
      const gen = generate(c.model!, { qemu, treeRead: (rel) => files.read(rel) });
      return gen.files.get('qemu/mtc.patch')!;
    });
    expect(patch).toContain('0x40200000200e0298ULL');
    const f = join(mkdtempSync(join(tmpdir(), 'mtc-dup-')), 'dup.patch');
    writeFileSync(f, patch);
    bin = trees.buildBinary('11.1.1', patch, log);
  });

  it('registering DBGDTRTX again aborts QEMU when the vCPU is created (target/arm/cpu.c:219)', async () => {
    const r = await runToExit(bin, ['-M', 'virt-11.1', '-accel', 'tcg', '-cpu', 'max']);
    expect(r.signal).toBe('SIGABRT');
    expect(r.stderr).toContain("Assertion `!find_mig_tolerance(cpu, kvmidx)' failed");
    // And mtc refuses the rule, naming QEMU's own registration.
    const r2 = runBin(['check', 'test/fixtures/qemu-tree/duplicate-dbgdtrtx', '--qemu', '11.1']);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('error[MTC7002]: QEMU 11.1.1 already tolerates DBGDTRTX by itself (target/arm/helper.c:6499');
  });
});

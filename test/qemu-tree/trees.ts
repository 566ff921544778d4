/**
 * The checks every real tree gets (one test file per tree calls this, so
 * that vitest runs two trees at once on CI's two cores).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readQemuTree } from '../../src/qemu/read-tree.js';
import { profileJson } from '../../src/qemu/profile-json.js';
import { builtinProfilePath } from '../../src/qemu/builtin.js';
import { TREES } from '../../scripts/qemu-trees.mjs';
import { buildPatch, cleanupOuts, codes, compileObjects, inTree, locationOf, prove } from './helpers.js';

const compatApplied: Record<string, string> = {
  '10.0.13': 'qom/object.c:538',
  '10.2.2': 'qom/object.c:538',
  '11.1.1': 'qom/compat-properties.c:73',
};

export function treeTests(version: string): void {
  const release = version.split('.').slice(0, 2).join('.');
  const hasTolerances = version.startsWith('11.');
  afterAll(cleanupOuts);

  describe(`QEMU ${version}, the real tree`, () => {
    it('its built-in profile is what the tree reader reads from it today (catalog/qemu is not stale)', () => {
      const orig = TREES.find((t) => t.version === version)!.orig;
      const now = inTree(version, (tree) => profileJson(readQemuTree(tree, { source: orig })));
      expect(now).toBe(readFileSync(builtinProfilePath(version), 'utf8'));
    });

    it('refuses the x-mig RFC series rules: no such property in this tree, QEMU would abort (MTC7001, at the `target`)', () => {
      const r = inTree(version, (tree) => buildPatch('examples/x-mig-series', tree));
      expect(r.run.code).toBe(1);
      expect(codes(r.run)).toContain('error MTC7001');
      // Paths are shown relative to the project root, the directory of the example's mtc.yaml.
      expect(locationOf(r.run, 'MTC7001')).toBe('virt.mtc:12:1');
      // The help names where this tree applies compat properties with &error_abort.
      expect(r.run.stderr).toContain(compatApplied[version]);
      expect(r.file).toBeUndefined();
    });

    if (hasTolerances) {
      it('the shipped rules: the patch applies, every object it touches compiles with the tree\'s build, checkpatch is clean', () => {
        inTree(version, (tree) => {
          const b = buildPatch('rules', tree);
          expect(b.run.code, b.run.stderr).toBe(0);
          // RHEL's family is left out of an upstream tree, with a word.
          expect(codes(b.run)).toEqual(['note MTC7008']);
          expect(b.run.stderr).toContain('family `virt-rhel` is left out');
          const p = prove(version, b.file!);
          expect(p.files).toEqual(['hw/arm/virt.c', 'include/hw/arm/virt.h']);
          // virt.c and the sources that include virt.h, in the tree's own build.
          expect(p.objects.some((o) => o.endsWith('hw_arm_virt.c.o'))).toBe(true);
          expect(p.objects.length).toBeGreaterThanOrEqual(3);
          expect(p.compile.ok, p.compile.output.slice(-4000)).toBe(true);
          expect([p.checkpatch.errors, p.checkpatch.warnings], p.checkpatch.output).toEqual([0, 0]);
        });
      });

      it('--signoff gives a mail that `git am` takes, and checkpatch (with its Signed-off-by check) is clean', () => {
        inTree(version, (tree) => {
          const b = buildPatch('rules', tree, ['--signoff', 'Ada Maintainer <ada@example.org>']);
          expect(b.run.code, b.run.stderr).toBe(0);
          expect(b.text).toMatch(/^From 0{40} Mon Sep 17 00:00:00 2001\nFrom: Ada Maintainer <ada@example.org>\nSubject: \[PATCH\] hw\/arm\/virt: /);
          expect(b.text).toContain('\nSigned-off-by: Ada Maintainer <ada@example.org>\n---\n');
          const p = prove(version, b.file!, { am: true });
          expect(p.files).toEqual(['hw/arm/virt.c', 'include/hw/arm/virt.h']);
          expect(p.compile.ok, p.compile.output.slice(-4000)).toBe(true);
          expect([p.checkpatch.errors, p.checkpatch.warnings], p.checkpatch.output).toEqual([0, 0]);
        });
      });

      it('refuses a tolerance QEMU registers itself, with the QEMU file and line (MTC7002)', () => {
        const r = inTree(version, (tree) => buildPatch('test/fixtures/qemu-tree/duplicate-tcr2', tree));
        expect(r.run.code).toBe(1);
        expect(codes(r.run)).toEqual(['error MTC7002']);
        expect(locationOf(r.run, 'MTC7002')).toBe('test/fixtures/qemu-tree/duplicate-tcr2/virt.mtc:9:12');
        expect(r.run.stderr).toContain('QEMU 11.1.1 already tolerates TCR2_EL1 by itself (target/arm/cpu64.c:769, kvm_arm_set_cpreg_mig_tolerances()');
        expect(r.run.stderr).toContain('target/arm/cpu.c:219');
      });

      it('finds an options function whose `{` is on the signature line, and the patch still compiles', () => {
        inTree(version, (tree) => {
          const virt = join(tree, 'hw/arm/virt.c');
          const text = readFileSync(virt, 'utf8');
          const edited = text.replace('static void virt_machine_11_0_options(MachineClass *mc)\n{\n', 'static void virt_machine_11_0_options(MachineClass *mc) {\n');
          expect(edited).not.toBe(text);
          writeFileSync(virt, edited);
          const b = buildPatch('rules', tree);
          expect(b.run.code, b.run.stderr).toBe(0);
          expect(b.text).toContain('+    vmc->set_cpreg_mig_tolerances = virt_machine_11_0_set_cpreg_mig_tolerances;');
          const p = prove(version, b.file!);
          expect(p.compile.ok, p.compile.output.slice(-4000)).toBe(true);
        });
      });

      it('an options function whose `}` shares a line with a statement is refused, and no patch is written (MTC3012)', () => {
        inTree(version, (tree) => {
          const virt = join(tree, 'hw/arm/virt.c');
          const text = readFileSync(virt, 'utf8');
          const edited = text.replace('    vmc->hvf_no_kernel_irqchip_default = true;\n}\nDEFINE_VIRT_MACHINE(11, 0)', '    vmc->hvf_no_kernel_irqchip_default = true; }\nDEFINE_VIRT_MACHINE(11, 0)');
          expect(edited).not.toBe(text);
          writeFileSync(virt, edited);
          const b = buildPatch('rules', tree);
          expect(b.run.code).toBe(1);
          expect(b.run.stderr).toContain('error[MTC3012]: the body of `virt_machine_11_0_options()` does not end with `}` on a line of its own (hw/arm/virt.c:');
          expect(b.file).toBeUndefined();
        });
      });

      it('the compile check can fail: the same objects with a broken header do not compile', () => {
        inTree(version, (tree) => {
          const b = buildPatch('rules', tree);
          const p = prove(version, b.file!);
          expect(p.compile.ok).toBe(true);
          const h = join(tree, 'include/hw/arm/virt.h');
          // The field renamed in the header: the patched virt.c no longer compiles against it.
          writeFileSync(h, readFileSync(h, 'utf8').replace('void (*set_cpreg_mig_tolerances)(ARMCPU *cpu);', 'void (*renamed_hook)(ARMCPU *cpu);'));
          const again = compileObjects(version, p.objects);
          expect(again.ok).toBe(false);
          expect(again.output).toMatch(/has no member named .set_cpreg_mig_tolerances./);
        });
      });
    } else {
      it(`the shipped rules are for QEMU >= 11.1: ${release} gets no hunk, and says so (MTC7008 notes)`, () => {
        const b = inTree(version, (tree) => buildPatch('rules', tree));
        expect(b.run.code, b.run.stderr).toBe(0);
        expect(codes(b.run)).toEqual(['note MTC7008', 'note MTC7008']);
        expect(b.run.stderr).toContain("family `virt` is left out of the checks and the patch for QEMU " + version + ": its rules are for QEMU `>=11.1`");
        expect(b.text).not.toContain('diff --git');
      });

      it('refuses the tolerances target without the scope: no tolerance API in this tree (MTC7001, at the `target`)', () => {
        const r = inTree(version, (tree) => buildPatch('test/fixtures/qemu-tree/unscoped-tolerances', tree));
        expect(r.run.code).toBe(1);
        expect(codes(r.run)).toContain('error MTC7001');
        expect(r.run.stderr).toContain(`QEMU ${version} has no cpreg migration tolerances`);
        expect(locationOf(r.run, 'MTC7001')).toBe('test/fixtures/qemu-tree/unscoped-tolerances/virt.mtc:3:1');
        // virt-11.1 and virt-11.0 are newer than the tree's latest type: the one with rules is an error.
        expect(codes(r.run)).toContain('error MTC7005');
      });
    }

    if (version === '11.1.1') {
      it('refuses the x86 example: pc-q35-2.11 and pc-i440fx-2.11 are no longer in 11.1 (MTC7005)', () => {
        const r = inTree(version, (tree) => buildPatch('examples/x86-smi-count', tree));
        expect(r.run.code).toBe(1);
        expect(codes(r.run).filter((c) => c === 'error MTC7005')).toHaveLength(2);
        expect(locationOf(r.run, 'MTC7005')).toMatch(/^pc\.mtc:/);
      });
    } else {
      it('the x86 example: the patch goes into pc_q35.c and pc_piix.c, applies, compiles, checkpatch is clean', () => {
        inTree(version, (tree) => {
          const b = buildPatch('examples/x86-smi-count', tree);
          expect(b.run.code, b.run.stderr).toBe(0);
          // 10.2 still has pc-*-2.11 but no longer registers it, and its latest is 10.2, not the rules' 10.0.
          expect(codes(b.run).sort()).toEqual(version === '10.0.13' ? [] : ['warning MTC7006', 'warning MTC7006', 'warning MTC7011', 'warning MTC7011']);
          const p = prove(version, b.file!);
          expect(p.files).toEqual(['hw/i386/pc_piix.c', 'hw/i386/pc_q35.c']);
          expect(p.objects).toEqual(['libqemu-x86_64-softmmu.a.p/hw_i386_pc_piix.c.o', 'libqemu-x86_64-softmmu.a.p/hw_i386_pc_q35.c.o']);
          expect(p.compile.ok, p.compile.output.slice(-4000)).toBe(true);
          expect([p.checkpatch.errors, p.checkpatch.warnings], p.checkpatch.output).toEqual([0, 0]);
        });
      });
    }
  });
}

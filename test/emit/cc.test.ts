/**
 * Compiles every generated C file with the machine's C compiler against
 * test/fixtures/qemu/qemu-compat.h (-std=gnu11 -Wall -Wextra -Werror), and
 * applies the --qemu-tree patch to a fake virt.c with `git apply` before
 * compiling the result. Fails, saying what to install, without a C compiler.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { generateShipped, repoRoot, cFiles } from './helpers.js';
import { compileC, needCompiler } from './cc-util.js';

describe('generated C compiles with -Wall -Wextra -Werror (less the two warnings QEMU idioms trip) and QEMU warnings', () => {
  beforeAll(() => void needCompiler());
  const gen = generateShipped();
  for (const [path, text] of cFiles(gen)) {
    test(path, () => {
      const r = compileC(text, path.replace(/\//g, '_'));
      expect(r.output).toBe('');
      expect(r.ok).toBe(true);
    });
  }

  test('the compiler test can fail: a broken snippet is rejected', () => {
    const [, text] = cFiles(gen)[0]!;
    expect(compileC(text + '\nstatic int unused_thing;\n').ok).toBe(false);
  });
});

describe('--qemu-tree patch against a fake hw/arm/virt.c', () => {
  beforeAll(() => void needCompiler());
  const fixture = join(repoRoot, 'test/fixtures/qemu/tree');
  const virtC = readFileSync(join(fixture, 'hw/arm/virt.c'), 'utf8');
  const gen = generateShipped({ virtC });
  const patch = gen.files.get('qemu/virt.patch')!;

  test('the fake virt.c compiles as is', () => {
    expect(compileC(virtC, 'virt.c').output).toBe('');
  });

  test('git apply --check accepts the patch, and the patched file compiles', () => {
    expect(patch).toContain('diff --git a/hw/arm/virt.c b/hw/arm/virt.c');
    const dir = mkdtempSync(join(tmpdir(), 'mtc-tree-'));
    cpSync(fixture, dir, { recursive: true });
    writeFileSync(join(dir, 'virt.patch'), patch);
    execFileSync('git', ['init', '-q'], { cwd: dir });
    execFileSync('git', ['apply', '--check', 'virt.patch'], { cwd: dir });
    execFileSync('git', ['apply', 'virt.patch'], { cwd: dir });
    const patched = readFileSync(join(dir, 'hw/arm/virt.c'), 'utf8');
    expect(compileC(patched, 'virt.c').output).toBe('');
    // Compat lands inside the right functions, after the existing code.
    const fn101 = patched.slice(patched.indexOf('static void virt_machine_10_1_options'));
    const body = fn101.slice(0, fn101.indexOf('\n}\n'));
    expect(body.indexOf('fake_hw_compat_10_1_len')).toBeLessThan(body.indexOf('mtc_compat_props_add_once(mc->compat_props, arm_virt_compat_10_1'));
    expect(patched.indexOf('static GlobalProperty arm_virt_compat_10_1[]')).toBeLessThan(patched.indexOf('/*\n * The 10.1 machine type adds'));
    expect(patched.indexOf('static void mtc_compat_props_add_once')).toBeLessThan(patched.indexOf('static GlobalProperty arm_virt_compat_10_2[]'));
    // The helper is inserted once; 10.0 and 9.2 add nothing.
    expect(patched.split('static void mtc_compat_props_add_once').length).toBe(2);
    expect(patched).not.toContain('arm_virt_compat_10_0');
  });

  test('a virt.c without a final newline still gets a patch git applies', () => {
    // Cut the file right after the 10.1 machine type, so that the patch's last hunk reaches its last line.
    const noEol = virtC.slice(0, virtC.indexOf('DEFINE_VIRT_MACHINE(10, 1)') + 'DEFINE_VIRT_MACHINE(10, 1)'.length);
    const p = generateShipped({ virtC: noEol }).files.get('qemu/virt.patch')!;
    expect(p).toContain('\\ No newline at end of file');
    const dir = mkdtempSync(join(tmpdir(), 'mtc-tree-noeol-'));
    cpSync(fixture, dir, { recursive: true });
    writeFileSync(join(dir, 'hw/arm/virt.c'), noEol);
    writeFileSync(join(dir, 'virt.patch'), p);
    execFileSync('git', ['init', '-q'], { cwd: dir });
    execFileSync('git', ['apply', 'virt.patch'], { cwd: dir });
    const patched = readFileSync(join(dir, 'hw/arm/virt.c'), 'utf8');
    expect(patched.endsWith('\n')).toBe(false);
    expect(compileC(patched + '\n', 'virt.c').output).toBe('');
  });

  test('a machine type missing from virt.c is a warning, not a broken patch', () => {
    const g = generateShipped({ virtC: virtC.replace(/static void virt_machine_10_2_options[\s\S]*?DEFINE_VIRT_MACHINE\(10, 2\)\n/, '') });
    expect(g.diagnostics.map((d) => d.code)).toContain('MTC3010');
    expect(g.files.get('qemu/virt.patch')).toContain('arm_virt_compat_10_1');
  });

  test('unbalanced braces are an error and no patch is produced', () => {
    const g = generateShipped({ virtC: virtC.replace('virt_machine_10_2_options(mc);\n    compat_props_add', 'virt_machine_10_2_options(mc);\n    { compat_props_add') });
    expect(g.diagnostics.map((d) => d.code)).toContain('MTC3012');
    expect(g.files.has('qemu/virt.patch')).toBe(false);
  });
});

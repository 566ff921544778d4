/**
 * `mtc build`: golden outputs (the committed out/ must equal a fresh build of
 * rules/), determinism, atomic writes, stale-file removal and --check.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import fs from 'node:fs';
import { checkOutputs, generate, MANIFEST, writeOutputs } from '../../src/emit/build.js';
import { TXN_DIR } from '../../src/emit/out-dir.js';
import { runBuild } from '../../src/cli/commands/build.js';
import { generateShipped, modelOf, repoRoot, tempProject } from './helpers.js';

const baseOpts = { out: 'out', format: 'human', target: 'x-mig' };

async function quiet<T>(f: () => Promise<T>): Promise<T> {
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return await f();
  } finally {
    err.mockRestore();
    out.mockRestore();
  }
}

describe('golden: committed out/ equals a fresh build of rules/', () => {
  test('mtc build --check passes on the shipped rules', async () => {
    const gen = generateShipped();
    const stale = checkOutputs(join(repoRoot, 'out'), gen);
    expect(stale.map((s) => `${s.state} ${s.path}\n${s.diff ?? ''}`)).toEqual([]);
  });

  test('the build is deterministic and uses LF line endings only', () => {
    const a = generateShipped();
    const b = generateShipped();
    expect([...a.files]).toEqual([...b.files]);
    for (const [p, text] of a.files) {
      expect(text, p).not.toContain('\r');
      expect(text.endsWith('\n'), p).toBe(true);
    }
    expect([...a.files.keys()]).toEqual([
      MANIFEST,
      'c/virt-rhel.c',
      'c/virt.c',
      'docs/index.html',
      'docs/virt-rhel.md',
      'docs/virt.md',
      'mtc-build.json',
    ].sort((x, y) => (x === MANIFEST ? 1 : y === MANIFEST ? -1 : x < y ? -1 : 1)));
  });
});

describe('writing outputs', () => {
  const rules = readFileSync(join(repoRoot, 'rules/virt.mtc'), 'utf8');

  test('write, then --check clean; an edited file is stale with a diff; a rebuild repairs it', async () => {
    const root = tempProject({ 'rules/virt.mtc': rules });
    const out = join(root, 'out');
    const cwd = process.cwd();
    process.chdir(root);
    try {
      expect(await quiet(() => runBuild(['rules'], { ...baseOpts, out }))).toBe(0);
      expect(await quiet(() => runBuild(['rules'], { ...baseOpts, out, check: true }))).toBe(0);
      writeFileSync(join(out, 'c/virt.c'), readFileSync(join(out, 'c/virt.c'), 'utf8').replace('virt_machine_10_1_options', 'oops'));
      const gen = generate(modelOf(['rules'], root));
      const stale = checkOutputs(out, gen);
      expect(stale.map((s) => s.path)).toEqual(['c/virt.c']);
      expect(stale[0]!.diff).toMatch(/^--- a\/c\/virt.c\n\+\+\+ b\/c\/virt.c\n@@ /);
      expect(stale[0]!.diff).toContain('-static void oops(MachineClass *mc)');
      expect(await quiet(() => runBuild(['rules'], { ...baseOpts, out, check: true }))).toBe(1);
      expect(readFileSync(join(out, 'c/virt.c'), 'utf8')).toContain('oops'); // --check writes nothing
      expect(await quiet(() => runBuild(['rules'], { ...baseOpts, out }))).toBe(0);
      expect(checkOutputs(out, gen)).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });

  test('a failed build writes nothing and leaves previous outputs untouched', async () => {
    const root = tempProject({ 'rules/virt.mtc': rules });
    const out = join(root, 'out');
    expect(await quiet(() => runBuild([join(root, 'rules')], { ...baseOpts, out, root }))).toBe(0);
    const before = readFileSync(join(out, 'mtc-build.json'), 'utf8');
    writeFileSync(join(root, 'rules/virt.mtc'), rules + '\nmachine virt-10.0;\n'); // duplicate machine type: MTC1001
    expect(await quiet(() => runBuild([join(root, 'rules')], { ...baseOpts, out, root }))).toBe(1);
    expect(readFileSync(join(out, 'mtc-build.json'), 'utf8')).toBe(before);
    const fresh = join(root, 'fresh');
    expect(await quiet(() => runBuild([join(root, 'rules')], { ...baseOpts, out: fresh, root }))).toBe(1);
    expect(existsSync(fresh)).toBe(false);
  });

  test('stale generated files are removed; files mtc does not own are kept or refused', () => {
    const root = tempProject({ 'rules/virt.mtc': rules, 'rules/x86.mtc': readFileSync(join(repoRoot, 'examples/x86-smi-count/pc.mtc'), 'utf8') });
    const out = join(root, 'out');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'README.txt'), 'mine\n');
    expect(writeOutputs(out, generate(modelOf(['rules'], root))).diagnostics).toEqual([]);
    expect(existsSync(join(out, 'c/pc-q35.c'))).toBe(true);
    // Drop the x86 rules: their outputs go, the user's file stays.
    const r = writeOutputs(out, generate(modelOf(['rules/virt.mtc'], root)));
    expect(r.removed).toEqual(['c/pc-i440fx.c', 'c/pc-q35.c', 'docs/pc-i440fx.md', 'docs/pc-q35.md']);
    expect(existsSync(join(out, 'c/pc-q35.c'))).toBe(false);
    expect(readFileSync(join(out, 'README.txt'), 'utf8')).toBe('mine\n');
    // A hand-written file in the way of an output is not overwritten.
    const out2 = join(root, 'out2');
    mkdirSync(join(out2, 'c'), { recursive: true });
    writeFileSync(join(out2, 'c/virt.c'), 'hand written\n');
    const r2 = writeOutputs(out2, generate(modelOf(['rules/virt.mtc'], root)));
    expect(r2.diagnostics.map((d) => d.code)).toEqual(['MTC3022']);
    expect(readdirSync(out2).sort()).toEqual(['c']);
    expect(readFileSync(join(out2, 'c/virt.c'), 'utf8')).toBe('hand written\n');
  });

  test('a write failure fails the build and changes nothing', () => {
    const root = tempProject({ 'rules/virt.mtc': rules });
    const out = join(root, 'out');
    const gen = generate(modelOf(['rules'], root));
    expect(writeOutputs(out, gen).diagnostics).toEqual([]);
    const edited = new Map(gen.files);
    edited.set('c/virt.c', gen.files.get('c/virt.c') + '/* changed */\n');
    edited.set('docs/virt.md', gen.files.get('docs/virt.md') + 'changed\n');
    // The second staged file cannot be written (a full disk). Outputs are staged through file descriptors
    // (src/emit/out-stage.ts): the staged files' descriptors are known from openSync.
    let writes = 0;
    const stagedFds = new Set<number>();
    const realOpen = fs.openSync;
    const realWrite = fs.writeSync;
    const openSpy = vi.spyOn(fs, 'openSync').mockImplementation(((path: fs.PathLike, ...rest: unknown[]) => {
      const fd = (realOpen as (...a: unknown[]) => number)(path, ...rest);
      if (String(path).includes(`${TXN_DIR}/new/`)) stagedFds.add(fd);
      return fd;
    }) as typeof fs.openSync);
    const spy = vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, ...rest: unknown[]) => {
      if (stagedFds.delete(fd) && ++writes === 2) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      return (realWrite as (...a: unknown[]) => number)(fd, ...rest);
    }) as typeof fs.writeSync);
    let r;
    try {
      r = writeOutputs(out, { files: edited, diagnostics: [] });
    } finally {
      spy.mockRestore();
      openSpy.mockRestore();
    }
    expect(writes).toBe(2);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['MTC3020']);
    expect(r.diagnostics[0]!.message).toContain('ENOSPC');
    for (const [p, text] of gen.files) expect(readFileSync(join(out, p), 'utf8'), p).toBe(text);
    expect(readdirSync(out).sort()).toEqual(['.mtc-manifest', 'c', 'docs', 'mtc-build.json']);
  });

  test('--check works on a read-only output directory (no lock can be taken there, and nobody can write it)', () => {
    const root = tempProject({ 'rules/virt.mtc': rules });
    const out = join(root, 'out');
    const gen = generate(modelOf(['rules'], root));
    expect(writeOutputs(out, gen).diagnostics).toEqual([]);
    const real = fs.writeFileSync;
    const spy = vi.spyOn(fs, 'writeFileSync').mockImplementation((...args: Parameters<typeof fs.writeFileSync>) => {
      if (String(args[0]).includes('.mtc-lock')) throw Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' });
      return real(...args);
    });
    try {
      expect(checkOutputs(out, gen)).toEqual([]);
      // Writing is refused cleanly.
      expect(writeOutputs(out, gen).diagnostics.map((d) => [d.code, d.message])).toEqual([['MTC3020', `cannot create the lock ${join(out, '.mtc-lock')}: EROFS`]]);
    } finally {
      spy.mockRestore();
    }
  });

  test('--target applies to files without a target statement', async () => {
    const root = tempProject({ 'rules/t.mtc': 'machine virt-10.2;\nmachine virt-10.1 {\n  tolerate TCR2_EL1 {\n    reason "r";\n  }\n}\n' });
    const gen = generate(modelOf(['rules'], root, 'tolerances'));
    expect(gen.files.get('c/virt.c')).toContain('arm_register_cpreg_mig_tolerance(cpu, 0x603000000013c103ULL, 0, 0,');
    const doc = JSON.parse(gen.files.get('mtc-build.json')!);
    expect(doc.machineTypes[1].tolerances).toEqual([{ id: '0x603000000013c103', mask: '0x0000000000000000', value: '0x0000000000000000', type: 'ToleranceNotOnBothEnds' }]);
  });

  test('usage errors exit 2', async () => {
    expect(await quiet(() => runBuild([], { ...baseOpts, out: mkdtempSync(join(tmpdir(), 'mtc-')), target: 'nope' }))).toBe(2);
  });
});

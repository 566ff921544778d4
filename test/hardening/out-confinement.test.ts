/**
 * Issue 12, case 2 (no read, write or delete through symlinks out of --out)
 * and the manifest half of case 12 (a manifest line naming a directory is a
 * clean error). Through the bundled CLI (`npm run build` first).
 */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOutputs, generate } from '../../src/emit/build.js';
import { compile } from '../../src/compile.js';
import { loadBuiltinCatalog } from '../../src/catalog/index.js';
import { runBin } from '../support/cli.js';

const RULES = 'machine virt-10.2;\nmachine virt-10.1 {\n  hide KVM_REG_ARM_VENDOR_HYP_BMAP_2 since 6.15 { reason "r"; }\n}\n';
const SECRET = 'TOP-SECRET-LINE-1\nTOP-SECRET-LINE-2\n';

/** A project with rules/ and a complete out/ from a first build, plus a directory outside it holding a secret. */
function project(): { dir: string; out: string; outside: string; secret: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mtc-outconf-'));
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'virt.mtc'), RULES);
  const outside = join(dir, 'outside');
  mkdirSync(outside);
  const secret = join(outside, 'important.txt');
  writeFileSync(secret, SECRET);
  const r = runBin(['build', 'rules', '--out', 'out'], dir);
  expect(r.code, r.stderr).toBe(0);
  return { dir, out: join(dir, 'out'), outside, secret };
}

const appendManifest = (out: string, line: string) => writeFileSync(join(out, '.mtc-manifest'), readFileSync(join(out, '.mtc-manifest'), 'utf8') + line + '\n');

describe('case 2: nothing is read, written or deleted through a symlink out of --out', () => {
  it('a manifest entry through a symlinked directory: refused (MTC3023), the file outside kept', () => {
    const p = project();
    symlinkSync(p.outside, join(p.out, 'evil'));
    appendManifest(p.out, 'evil/important.txt');
    const r = runBin(['build', 'rules', '--out', 'out'], p.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[MTC3023]: out/evil is a symlink');
    expect(r.stderr).not.toContain('removed');
    expect(readFileSync(p.secret, 'utf8')).toBe(SECRET);
  });

  it('a manifest entry that climbs out (`../`) or is absolute: refused (MTC3025) at its line', () => {
    for (const absolute of [false, true]) {
      const p = project();
      appendManifest(p.out, absolute ? p.secret : '../outside/important.txt');
      const r = runBin(['build', 'rules', '--out', 'out'], p.dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error[MTC3025]: out/.mtc-manifest lists a path mtc never writes');
      expect(r.stderr).toMatch(/--> out\/\.mtc-manifest:\d+:1/);
      expect(readFileSync(p.secret, 'utf8')).toBe(SECRET);
    }
  });

  it('an output directory (out/c) that is a symlink: nothing is written where it points', () => {
    const p = project();
    const c = join(p.out, 'c');
    for (const f of readdirSync(c)) writeFileSync(join(p.outside, f), 'hand-written\n');
    const before = readdirSync(p.outside).sort();
    rmSync(c, { recursive: true });
    symlinkSync(p.outside, c);
    const r = runBin(['build', 'rules', '--out', 'out'], p.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[MTC3023]: out/c is a symlink');
    expect(readdirSync(p.outside).sort()).toEqual(before);
    for (const f of before.filter((f) => f.endsWith('.c'))) expect(readFileSync(join(p.outside, f), 'utf8')).toBe('hand-written\n');
  });

  it('an output file that is a symlink to a secret: --check neither follows it nor prints it; build does not overwrite it', () => {
    const p = project();
    const json = join(p.out, 'mtc-build.json');
    rmSync(json);
    symlinkSync(p.secret, json);
    const check = runBin(['build', 'rules', '--out', 'out', '--check'], p.dir);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('error[MTC3023]: out/mtc-build.json is a symlink');
    expect(check.stderr + check.stdout).not.toContain('TOP-SECRET');
    const build = runBin(['build', 'rules', '--out', 'out'], p.dir);
    expect(build.code).toBe(1);
    expect(readFileSync(p.secret, 'utf8')).toBe(SECRET);
    expect(lstatSync(json).isSymbolicLink()).toBe(true);
  });

  it('--out itself a symlink: refused (the directory it points to is not written)', () => {
    const p = project();
    symlinkSync(p.outside, join(p.dir, 'linked-out'));
    const r = runBin(['build', 'rules', '--out', 'linked-out'], p.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[MTC3023]: the output directory linked-out is a symlink');
    expect(readdirSync(p.outside)).toEqual(['important.txt']);
  });

  it('the check can fail: a plain stale manifest entry is removed as before', () => {
    const p = project();
    mkdirSync(join(p.out, 'extra'));
    writeFileSync(join(p.out, 'extra', 'old.c'), '/* Generated by mtc */\n');
    appendManifest(p.out, 'extra/old.c');
    const r = runBin(['build', 'rules', '--out', 'out'], p.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('removed 1 stale (extra/old.c)');
    expect(existsSync(join(p.out, 'extra', 'old.c'))).toBe(false);
  });
});

describe('case 12: a manifest line naming a directory', () => {
  it('is a clean error at its line (MTC3025), not an internal error; nothing changes', () => {
    const p = project();
    appendManifest(p.out, 'c');
    const before = readFileSync(join(p.out, 'c', 'virt.c'), 'utf8');
    for (const args of [['build', 'rules', '--out', 'out'], ['build', 'rules', '--out', 'out', '--check']]) {
      const r = runBin(args, p.dir);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('error[MTC3025]: out/.mtc-manifest lists `c`, which is a directory, not a file mtc wrote');
      expect(r.stderr).toContain(' --> out/.mtc-manifest:');
      expect(r.stderr).not.toContain('MTC9001');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(readFileSync(join(p.out, 'c', 'virt.c'), 'utf8')).toBe(before);
  });
});

describe('case 6: a live lock holder', () => {
  it('is waited for, and past the timeout the build stops with MTC3024 and changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtc-lock-'));
    mkdirSync(join(dir, 'rules'));
    writeFileSync(join(dir, 'rules', 'a.mtc'), RULES);
    const out = join(dir, 'out');
    mkdirSync(out);
    // A live process holds the lock: its pid, this boot, its start time.
    const holder = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const stat = readFileSync(`/proc/${holder.pid}/stat`, 'utf8');
      const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
      const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
      writeFileSync(join(out, '.mtc-lock'), JSON.stringify({ pid: holder.pid, boot, start, token: 'held' }));
      const c = compile([join(dir, 'rules')], { catalog: loadBuiltinCatalog(), root: dir });
      const r = writeOutputs(out, generate(c.model!), { timeoutMs: 0 });
      expect(r.diagnostics.map((d) => d.code)).toEqual(['MTC3024']);
      expect(r.diagnostics[0]!.message).toBe(`another mtc build (pid ${holder.pid}) is writing ${out} and has not finished`);
      expect(readdirSync(out)).toEqual(['.mtc-lock']);
    } finally {
      holder.kill('SIGKILL');
    }
    // Once the holder is gone, its lock is stale and the build goes ahead.
    await new Promise((resolve) => holder.on('exit', resolve));
    const c = compile([join(dir, 'rules')], { catalog: loadBuiltinCatalog(), root: dir });
    expect(writeOutputs(out, generate(c.model!), { timeoutMs: 0 }).diagnostics).toEqual([]);
    expect(readdirSync(out).sort()).toEqual(['.mtc-manifest', 'c', 'docs', 'mtc-build.json']);
  });
});

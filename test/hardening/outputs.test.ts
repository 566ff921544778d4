/**
 * Issue 12, case 6: builds are atomic and serialised.
 *
 * `mtc build` changes its output directory as one transaction
 * (src/emit/out-dir.ts): new files are staged in OUT/.mtc-txn, old ones kept
 * there, a journal is renamed into place, then the renames run and removing the
 * journal commits. A failure rolls back at once; a kill is rolled back by the
 * next `mtc build` (with or without --check). OUT/.mtc-lock serialises builds.
 *
 * Everything here runs the bundled CLI (`npm run build` first): faults are
 * injected at exact steps through a `--import` hook
 * (test/fixtures/hardening/fault-at.mjs): SIGKILL, SIGTERM, SIGINT, ENOSPC
 * and EIO. After each, the directory must be the complete old build or the
 * complete new build (as read by mtc: `build --check` of one of the two rule
 * trees passes), with nothing left behind that breaks the next run.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusConfig, corpusMachines, corpusText } from '../../bench/corpus.js';

const repo = join(import.meta.dirname, '..', '..');
const CLI = join(repo, 'dist', 'bundle', 'mtc.js');
const HOOK = join(repo, 'test', 'fixtures', 'hardening', 'fault-at.mjs');
const LITTER = /(^|\/)\.mtc-(txn|lock)/;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function mtc(work: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const hooked = Object.keys(env).some((k) => k.startsWith('MTC_FAULT'));
  const child = spawn(process.execPath, [...(hooked ? ['--import', HOOK] : []), CLI, ...args], {
    cwd: work,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
}

const build = (work: string, rules: string, out: string, env: Record<string, string> = {}, extra: string[] = []) =>
  mtc(work, ['build', rules, '--out', out, '--root', work, ...extra], env);

/** Every file under a directory, symlinks not followed: relative path → bytes (latin1). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  for (const rel of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const abs = join(dir, rel);
    let content: string;
    try {
      content = readFileSync(abs, 'latin1');
    } catch {
      continue; // a directory
    }
    out.set(relative(dir, abs).split('\\').join('/'), content);
  }
  return out;
}

const outputsOf = (s: Map<string, string>) => new Map([...s].filter(([p]) => !LITTER.test(p)));
const litterOf = (dir: string) => (existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => LITTER.test(p)) : []);

let work: string;
let oldBuild: Map<string, string>;
let newBuild: Map<string, string>;
/** How often each step runs when the new build replaces the old one. */
let steps: Record<string, number>;

beforeAll(async () => {
  expect(existsSync(CLI), 'run `npm run build` first').toBe(true);
  work = mkdtempSync(join(tmpdir(), 'mtc-atomic-'));
  const old = corpusText(corpusMachines(60_000, 1));
  // Every reason reworded (every output changes) and the last families gone (files to remove).
  const fresh = corpusText(corpusMachines(50_000, 1)).replaceAll('generated rule', 'changed rule');
  for (const [dir, text] of [['old', old], ['new', fresh]] as const) {
    mkdirSync(join(work, dir));
    writeFileSync(join(work, dir, 'corpus.mtc'), text);
    writeFileSync(join(work, dir, 'mtc.yaml'), corpusConfig(corpusMachines(60_000, 1)));
  }
  const [a, b] = await Promise.all([build(work, 'old', join(work, 'ref-old')), build(work, 'new', join(work, 'ref-new'))]);
  expect([a.code, b.code], a.stderr.slice(0, 500) + b.stderr.slice(0, 500)).toEqual([0, 0]);
  oldBuild = snapshot(join(work, 'ref-old'));
  newBuild = snapshot(join(work, 'ref-new'));
  // Count the steps of one replacement.
  const log = join(work, 'steps.log');
  const out = outWithOldBuild('count-steps');
  const r = await build(work, 'new', out, { MTC_FAULT_AT: 'none:0', MTC_FAULT_LOG: log });
  expect(r.code, r.stderr).toBe(0);
  steps = {};
  for (const s of readFileSync(log, 'utf8').trim().split('\n')) steps[s] = (steps[s] ?? 0) + 1;
});

let outs = 0;
/** A fresh output directory holding the complete old build. */
function outWithOldBuild(name: string): string {
  const out = join(work, `${name}-${outs++}`);
  cpSync(join(work, 'ref-old'), out, { recursive: true });
  return out;
}

/** Every file on disk is whole: byte-identical to its old or its new version. */
function expectWholeFiles(out: string): void {
  for (const [p, content] of outputsOf(snapshot(out))) {
    expect(oldBuild.get(p) === content || newBuild.get(p) === content, `${p} (${content.length} bytes) is neither the old nor the new version`).toBe(true);
  }
}

/** The directory, as mtc reads it, is exactly one complete build: `--check` of those rules passes and leaves nothing behind. */
async function expectComplete(out: string, which: 'old' | 'new'): Promise<string> {
  const r = await build(work, which, out, {}, ['--check']);
  expect(r.code, `${which} --check:\n${r.stderr.slice(0, 1500)}`).toBe(0);
  expect(outputsOf(snapshot(out))).toEqual(which === 'old' ? oldBuild : newBuild);
  expect(litterOf(out)).toEqual([]);
  return r.stderr;
}

describe('case 6: a build that fails or is killed at any step leaves the old or the new complete out/', () => {
  it('the two builds differ in every file they share, and the new one removes some', () => {
    const shared = [...newBuild.keys()].filter((p) => oldBuild.has(p));
    expect(shared.length).toBeGreaterThan(10);
    for (const p of shared) expect(oldBuild.get(p), p).not.toBe(newBuild.get(p));
    expect([...oldBuild.keys()].filter((p) => !newBuild.has(p)).length).toBeGreaterThan(0);
    // Every step of the transaction runs, so each can be hit below.
    expect(Object.keys(steps).sort()).toEqual(['commit', 'discard', 'journal', 'link', 'rename', 'unlink', 'write']);
    expect(steps.write).toBe(newBuild.size);
  });

  it('the check can fail: a truncated file or a mix of builds is caught', async () => {
    const out = outWithOldBuild('check-the-check');
    const [p, c] = [...newBuild].find(([path]) => path.endsWith('.c'))!;
    writeFileSync(join(out, p), c, 'latin1');
    expectWholeFiles(out); // each file whole ...
    expect((await build(work, 'old', out, {}, ['--check'])).code).toBe(1); // ... but a mix
    expect((await build(work, 'new', out, {}, ['--check'])).code).toBe(1);
    writeFileSync(join(out, p), c.slice(0, c.length >> 1), 'latin1');
    expect(() => expectWholeFiles(out)).toThrow(/neither the old nor the new/);
  });

  // Every step, at its first, middle and last call: a real SIGKILL from inside the process.
  const killPoints = () =>
    Object.entries(steps).flatMap(([step, count]) => [...new Set([1, Math.max(1, count >> 1), count])].map((n) => `${step}:${n}`));

  it('SIGKILL at every step: files stay whole; before the commit the next mtc run restores the old build, after it the new one stays', async () => {
    const points = killPoints();
    expect(points.length).toBeGreaterThanOrEqual(15);
    for (const point of points) {
      const out = outWithOldBuild(`kill-${point.replace(':', '-')}`);
      const r = await build(work, 'new', out, { MTC_FAULT_AT: point, MTC_FAULT: 'kill' });
      expect(r.signal, `${point}: ${r.stderr.slice(0, 300)}`).toBe('SIGKILL');
      expectWholeFiles(out);
      const committed = point.startsWith('discard');
      const journaled = ['rename', 'unlink', 'commit'].some((s) => point.startsWith(s));
      const stderr = await expectComplete(out, committed ? 'new' : 'old');
      // Undoing a journaled change says so (MTC3026); before the journal there is nothing to undo.
      if (journaled) expect(stderr, point).toContain('warning[MTC3026]: restored the previous outputs');
      // And the next build writes the new one completely.
      const again = await build(work, 'new', out);
      expect(again.code, again.stderr.slice(0, 300)).toBe(0);
      await expectComplete(out, 'new');
    }
  }, 300_000);

  it('SIGTERM and SIGINT in the middle: the change completes, then the process ends by the signal, nothing left behind', async () => {
    for (const [fault, signal, point] of [
      ['term', 'SIGTERM', `rename:${steps.rename >> 1}`],
      ['int', 'SIGINT', 'write:1'],
      ['term', 'SIGTERM', 'link:1'],
    ] as const) {
      const out = outWithOldBuild(`signal-${fault}`);
      const r = await build(work, 'new', out, { MTC_FAULT_AT: point, MTC_FAULT: fault });
      expect(r.signal, `${fault} at ${point}: ${r.stderr.slice(0, 300)}`).toBe(signal);
      expect(litterOf(out)).toEqual([]);
      await expectComplete(out, 'new');
    }
  });

  it('ENOSPC or EIO at any step before the commit: exit 1 with MTC3020, the old build untouched, no litter', async () => {
    for (const [fault, point] of [
      ['enospc', 'write:1'],
      ['enospc', `write:${steps.write >> 1}`],
      ['enospc', 'journal:1'],
      ['eio', 'link:1'],
      ['eio', `rename:${steps.rename >> 1}`],
      ['eio', `unlink:${steps.unlink}`],
      ['eio', 'commit:1'],
    ] as const) {
      const out = outWithOldBuild(`fail-${fault}`);
      const r = await build(work, 'new', out, { MTC_FAULT_AT: point, MTC_FAULT: fault });
      expect(r.code, `${fault} at ${point}: ${r.stderr.slice(0, 500)}`).toBe(1);
      expect(r.stderr).toContain('error[MTC3020]: cannot write the outputs');
      expect(r.stderr).toContain(fault.toUpperCase());
      expect(r.stderr).toContain('nothing was changed');
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(outputsOf(snapshot(out))).toEqual(oldBuild);
      expect(litterOf(out)).toEqual([]);
      const stderr = await expectComplete(out, 'old');
      expect(stderr).not.toContain('MTC3026');
    }
  });

  it('a lock left by a dead process, another boot, or committed to the repository does not stop a build', async () => {
    for (const lock of [
      JSON.stringify({ pid: 1, boot: 'not-this-boot', start: '1', token: 'x' }),
      JSON.stringify({ pid: 2 ** 22 + 12345, boot: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(), start: '1', token: 'x' }),
      'garbage',
    ]) {
      const out = outWithOldBuild('stale-lock');
      writeFileSync(join(out, '.mtc-lock'), lock);
      const r = await build(work, 'new', out);
      expect(r.code, r.stderr.slice(0, 300)).toBe(0);
      await expectComplete(out, 'new');
    }
  });
});

describe('case 6: concurrent builds into one out/ are serialised', () => {
  it('100 pairs of concurrent builds of two different rule trees: both succeed, out/ is one of the two complete builds, nothing left behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtc-concurrent-'));
    // Small trees (fast builds), different enough that every shared file differs.
    const a = corpusText(corpusMachines(8_000, 3));
    const b = corpusText(corpusMachines(6_000, 3)).replaceAll('generated rule', 'other rule');
    for (const [name, text] of [['a', a], ['b', b]] as const) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'rules.mtc'), text);
      writeFileSync(join(dir, name, 'mtc.yaml'), corpusConfig(corpusMachines(8_000, 3)));
    }
    const refs = await Promise.all(['a', 'b'].map(async (name) => {
      const r = await build(dir, name, join(dir, `ref-${name}`));
      expect(r.code, r.stderr).toBe(0);
      return snapshot(join(dir, `ref-${name}`));
    }));
    const out = join(dir, 'out');
    const seen = { a: 0, b: 0 };
    for (let i = 0; i < 100; i++) {
      const [ra, rb] = await Promise.all([build(dir, 'a', out), build(dir, 'b', out)]);
      expect([ra.code, rb.code], `pair ${i}: ${ra.stderr.slice(0, 400)} ${rb.stderr.slice(0, 400)}`).toEqual([0, 0]);
      const now = outputsOf(snapshot(out));
      const which = refs.findIndex((ref) => JSON.stringify([...ref]) === JSON.stringify([...now]));
      expect(which, `pair ${i}: out/ is not one complete build`).toBeGreaterThanOrEqual(0);
      seen[which === 0 ? 'a' : 'b']++;
      expect(litterOf(out), `pair ${i}`).toEqual([]);
    }
    expect(seen.a + seen.b).toBe(100);
    rmSync(dir, { recursive: true, force: true });
  }, 600_000);
});

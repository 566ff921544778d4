/**
 * A build killed halfway. `writeOutputs` (src/emit/build.ts) writes every
 * changed file to a temporary `.NAME.mtc-tmp-PID` next to it, then renames
 * them into place one by one, the manifest last, then removes files the new
 * manifest no longer lists. So a SIGKILL:
 *   - before the first rename leaves every output file as it was (old);
 *   - between two renames leaves a MIX of whole old and whole new files (each
 *     rename is atomic, the set of renames is not) — the design does not
 *     promise old-or-new for the directory as a whole, only per file;
 *   - never leaves a truncated or half-written output file;
 *   - and when the manifest is new, every output is new (it is renamed last).
 * A following `mtc build` repairs everything.
 *
 * The kills are real SIGKILLs of `node dist/bundle/mtc.js build` (run
 * `npm run build` first): at exact points through a `--import` hook
 * (test/fixtures/hardening/kill-at.mjs), and from outside, while polling the
 * output directory for the first temporary file.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusMachines, corpusText } from '../../bench/corpus.js';

const repo = join(import.meta.dirname, '..', '..');
const CLI = join(repo, 'dist', 'bundle', 'mtc.js');
const HOOK = join(repo, 'test', 'fixtures', 'hardening', 'kill-at.mjs');
const MANIFEST = '.mtc-manifest';
const TEMP = /\.mtc-tmp-\d+$/;
/** Rule text for the corpus: big enough that compiling and writing take a while, small enough for the time budget. */
const CORPUS_BYTES = 200_000;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function mtcBuild(work: string, rules: string, out: string, opts: { killAt?: string; onSpawn?: (kill: () => void, done: () => boolean) => void } = {}): Promise<Run> {
  const args = [...(opts.killAt ? ['--import', HOOK] : []), CLI, 'build', rules, '--out', out, '--root', work, '-f', 'json'];
  const child = spawn(process.execPath, args, {
    cwd: work,
    env: { ...process.env, NO_COLOR: '1', ...(opts.killAt ? { MTC_KILL_AT: opts.killAt } : {}) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let exited = false;
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<Run>((resolve) => child.on('exit', (code, signal) => ((exited = true), resolve({ code, signal, stderr }))));
  opts.onSpawn?.(() => child.kill('SIGKILL'), () => exited);
  return done;
}

/** Every file under a directory: relative path → content (bytes as latin1, to compare byte for byte). */
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

const outputsOf = (s: Map<string, string>) => new Map([...s].filter(([p]) => !TEMP.test(p)));
const tempsOf = (s: Map<string, string>) => [...s.keys()].filter((p) => TEMP.test(p));

let work: string;
let oldBuild: Map<string, string>;
let newBuild: Map<string, string>;

beforeAll(async () => {
  expect(existsSync(CLI), 'run `npm run build` first').toBe(true);
  work = mkdtempSync(join(tmpdir(), 'mtc-kill-'));
  const old = corpusText(corpusMachines(CORPUS_BYTES, 1));
  // The new corpus: every reason reworded (every output changes) and the last families gone (files to remove).
  const fresh = corpusText(corpusMachines(CORPUS_BYTES * 0.9, 1)).replaceAll('generated rule', 'changed rule');
  for (const [dir, text] of [['old', old], ['new', fresh]] as const) {
    mkdirSync(join(work, dir));
    writeFileSync(join(work, dir, 'corpus.mtc'), text);
  }
  const [a, b] = await Promise.all([mtcBuild(work, 'old', join(work, 'ref-old')), mtcBuild(work, 'new', join(work, 'ref-new'))]);
  expect([a.code, b.code], a.stderr.slice(0, 500) + b.stderr.slice(0, 500)).toEqual([0, 0]);
  oldBuild = snapshot(join(work, 'ref-old'));
  newBuild = snapshot(join(work, 'ref-new'));
});

/** A fresh output directory holding the complete old build. */
function outWithOldBuild(name: string): string {
  const out = join(work, name);
  cpSync(join(work, 'ref-old'), out, { recursive: true });
  return out;
}

/**
 * What the design guarantees after a kill, whatever the moment: every output
 * file is byte-identical to its old or its new version (never truncated, never
 * foreign); if the manifest is still old, every old file is still there; if
 * the manifest is new, every file is new. Returns how many files are old/new.
 */
function expectConsistent(out: string): { old: number; new: number; temps: string[]; manifest: 'old' | 'new' } {
  const snap = snapshot(out);
  const files = outputsOf(snap);
  let nOld = 0;
  let nNew = 0;
  for (const [p, content] of files) {
    const isOld = oldBuild.get(p) === content;
    const isNew = newBuild.get(p) === content;
    expect(isOld || isNew, `${p} (${content.length} bytes) is neither the old nor the new version`).toBe(true);
    if (isOld) nOld++;
    else nNew++;
  }
  const manifest = files.get(MANIFEST) === newBuild.get(MANIFEST) ? 'new' : 'old';
  expect(files.get(MANIFEST), 'the manifest is whole').toBe(manifest === 'new' ? newBuild.get(MANIFEST) : oldBuild.get(MANIFEST));
  if (manifest === 'old') for (const p of oldBuild.keys()) expect(files.has(p), `${p} is still there`).toBe(true);
  else for (const [p, c] of newBuild) expect(files.get(p) === c, `${p} is new, as the manifest`).toBe(true);
  return { old: nOld, new: nNew, temps: tempsOf(snap), manifest };
}

async function expectRepaired(out: string): Promise<void> {
  const r = await mtcBuild(work, 'new', out);
  expect(r.code, r.stderr.slice(0, 500)).toBe(0);
  expect(outputsOf(snapshot(out))).toEqual(newBuild);
}

describe('a build killed halfway', () => {
  it('the two builds differ in every file they share, and the new one drops some files', () => {
    const shared = [...newBuild.keys()].filter((p) => oldBuild.has(p));
    expect(shared.length).toBeGreaterThan(20);
    for (const p of shared) expect(oldBuild.get(p), p).not.toBe(newBuild.get(p));
    expect([...oldBuild.keys()].filter((p) => !newBuild.has(p)).length).toBeGreaterThan(0);
    expect([...newBuild.keys()].filter((p) => !oldBuild.has(p))).toEqual([]);
  });

  it('the consistency check can fail: a truncated file is caught', () => {
    const out = outWithOldBuild('check-the-check');
    const [p, c] = [...oldBuild].find(([path]) => path.endsWith('.c'))!;
    writeFileSync(join(out, p), c.slice(0, c.length >> 1), 'latin1');
    expect(() => expectConsistent(out)).toThrow(/neither the old nor the new/);
  });

  // Exact kill points, each a real SIGKILL from inside the process.
  const points: [string, (n: number) => string, (s: ReturnType<typeof expectConsistent>, n: number) => void][] = [
    ['while writing the first temporary file', () => 'write:1', (s) => expect([s.new, s.manifest]).toEqual([0, 'old'])],
    ['halfway through the temporary files', (n) => `write:${n >> 1}`, (s) => expect([s.new, s.manifest]).toEqual([0, 'old'])],
    ['after every temporary file, before the first rename', () => 'rename:1', (s) => expect([s.new, s.manifest]).toEqual([0, 'old'])],
    [
      'halfway through the renames (old and new files mixed: what the design allows)',
      (n) => `rename:${n >> 1}`,
      (s, n) => {
        expect(s.manifest).toBe('old');
        expect(s.new).toBe((n >> 1) - 1);
        expect(s.old).toBeGreaterThan(0);
      },
    ],
    ['just before the manifest is renamed', (n) => `rename:${n}`, (s, n) => expect([s.new, s.manifest]).toEqual([n - 1, 'old'])],
  ];

  for (const [name, point, expectPhase] of points) {
    it(`SIGKILL ${name}: each file whole, old or new; the next build repairs all`, async () => {
      const n = newBuild.size; // every file changes, so the build writes (and renames) all of them
      const out = outWithOldBuild(`out-${point(n).replace(':', '-')}`);
      const r = await mtcBuild(work, 'new', out, { killAt: point(n) });
      expect(r.signal, r.stderr.slice(0, 500)).toBe('SIGKILL');
      const state = expectConsistent(out);
      expectPhase(state, n);
      await expectRepaired(out);
    });
  }

  it('SIGKILL from outside, as soon as the first temporary file appears in out/', async () => {
    const out = outWithOldBuild('out-external');
    let killedWhileRunning = false;
    const r = await mtcBuild(work, 'new', out, {
      onSpawn: (kill, done) => {
        const poll = () => {
          if (done()) return;
          const seen = ['c', 'docs', '.'].some((d) => {
            try {
              return readdirSync(join(out, d)).some((f) => TEMP.test(f));
            } catch {
              return false;
            }
          });
          if (seen) {
            killedWhileRunning = true;
            kill();
          } else setTimeout(poll, 1);
        };
        poll();
      },
    });
    expect(killedWhileRunning).toBe(true);
    expect(r.signal).toBe('SIGKILL');
    expectConsistent(out);
    await expectRepaired(out);
  });

  it('SIGKILL from outside at a few fixed delays: always consistent', async () => {
    for (const ms of [50, 400, 900]) {
      const out = outWithOldBuild(`out-after-${ms}ms`);
      const r = await mtcBuild(work, 'new', out, { onSpawn: (kill) => setTimeout(kill, ms) });
      // However far it got (it may even have finished), the directory is consistent.
      expect(r.signal === 'SIGKILL' || r.code === 0, r.stderr.slice(0, 300)).toBe(true);
      expectConsistent(out);
    }
  });

  // Regression: the temporary files of a killed build (`.NAME.mtc-tmp-PID`)
  // once stayed in out/ for ever. The next build removes them, and
  // `mtc build --check` reports them.
  it('the next build also removes the temporary files a killed build left behind', async () => {
    const n = newBuild.size;
    const out = outWithOldBuild('out-leftovers');
    const r = await mtcBuild(work, 'new', out, { killAt: `rename:${n >> 1}` });
    expect(r.signal).toBe('SIGKILL');
    expect(expectConsistent(out).temps.length).toBeGreaterThan(0);
    await expectRepaired(out);
    expect(tempsOf(snapshot(out))).toEqual([]);
  });
});

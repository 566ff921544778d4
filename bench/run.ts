/**
 * `npm run bench`: speed and memory of mtc, each figure as a ratio against a
 * reference measured in the same run on the same machine (JSON.parse of the
 * same content, bare `node -e 0`, a naive simulator). Not a test: nothing
 * here asserts a time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { loadBuiltinCatalog } from '../src/catalog/index.js';
import { compileProject } from '../src/compile.js';
import { loadProject } from '../src/resolve/load.js';
import { memoryFileSystem } from '../src/resolve/memory-fs.js';
import { corpusConfig, corpusJson, corpusMachines, corpusText } from './corpus.js';

const BIN = join(process.cwd(), 'dist', 'bundle', 'mtc.js');
const MB = 1024 * 1024;
const rows: string[][] = [];
const out = (s = '') => process.stdout.write(s + '\n');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fmt(n: number, digits = 2): string {
  return n >= 100 ? n.toFixed(0) : n.toFixed(digits);
}

async function timeTask(name: string, fn: () => void, seconds: number, minIterations: number): Promise<number> {
  const bench = new Bench({ time: seconds * 1000, iterations: minIterations, warmupIterations: 1, warmupTime: 0 });
  bench.add(name, fn);
  await bench.run();
  const r = bench.tasks[0].result as unknown as { latency?: { p50?: number; mean?: number }; period?: number; mean?: number };
  return r.latency?.p50 ?? r.latency?.mean ?? r.period ?? r.mean ?? NaN;
}

async function parseThroughput() {
  const catalog = loadBuiltinCatalog();
  out('## Parse and validate throughput');
  out();
  out('| corpus | size | mtc check (in process) | MB/s | JSON.parse same content | MB/s | ratio to JSON.parse | ms per MB |');
  out('|---|---|---|---|---|---|---|---|');
  for (const [label, bytes, secs, iters] of [
    ['10 KB', 10 * 1024, 1, 20],
    ['1 MB', MB, 3, 5],
    ['10 MB', 10 * MB, 6, 3],
  ] as const) {
    const machines = corpusMachines(bytes);
    const text = corpusText(machines);
    const json = corpusJson(machines);
    const root = '/bench';
    const fs = memoryFileSystem(root, { 'corpus.mtc': text });
    // One untimed run checks the corpus is clean, so the figure is for a real compile.
    const first = compileProject(loadProject(['corpus.mtc'], { root, fs }), { catalog });
    const errors = first.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) throw new Error(`corpus has errors: ${errors[0].code} ${errors[0].message}`);
    const tMtc = await timeTask('mtc', () => void compileProject(loadProject(['corpus.mtc'], { root, fs }), { catalog }), secs, iters);
    const tJson = await timeTask('json', () => void JSON.parse(json), secs / 2, iters);
    const sizeMb = text.length / MB;
    const mbsMtc = sizeMb / (tMtc / 1000);
    const mbsJson = json.length / MB / (tJson / 1000);
    out(
      `| ${label} | ${fmt(sizeMb, 3)} MB, ${machines.length} machine types | ${fmt(tMtc)} ms | ${fmt(mbsMtc)} | ${fmt(tJson)} ms | ${fmt(mbsJson)} | 1/${fmt(mbsJson / mbsMtc, 1)} | ${fmt(tMtc / sizeMb)} |`,
    );
    rows.push([`parse+validate ${label}`, `${fmt(mbsMtc)} MB/s`, `1/${fmt(mbsJson / mbsMtc, 1)} of JSON.parse`]);
  }
  out();
}

function coldStart() {
  out('## Cold start');
  out();
  if (!existsSync(BIN)) {
    out(`(skipped: ${BIN} not built; run npm run build)`);
    return;
  }
  const runs = 15;
  const time = (args: string[]) => {
    const t: number[] = [];
    for (let i = 0; i < runs; i++) {
      const s = process.hrtime.bigint();
      const r = spawnSync(process.execPath, args, { stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
      t.push(Number(process.hrtime.bigint() - s) / 1e6);
      if (r.status !== 0 && args[0] === BIN) throw new Error('mtc check rules/ failed during the benchmark');
    }
    return median(t);
  };
  time(['-e', '0']); // warm the file cache
  const node = time(['-e', '0']);
  const mtc = time([BIN, 'check', 'rules/']);
  out(`| command | median of ${runs} |`);
  out('|---|---|');
  out(`| node -e 0 | ${fmt(node)} ms |`);
  out(`| mtc check rules/ | ${fmt(mtc)} ms |`);
  out(`| ratio | ${fmt(mtc / node)}x bare node |`);
  out();
  rows.push(['cold start mtc check rules/', `${fmt(mtc)} ms`, `${fmt(mtc / node)}x node -e 0`]);
}

function buildLarge() {
  out('## mtc build on the 10 MB corpus');
  out();
  if (!existsSync(BIN)) return;
  const dir = mkdtempSync(join(tmpdir(), 'mtc-bench-'));
  try {
    const machines = corpusMachines(10 * MB);
    const text = corpusText(machines);
    writeFileSync(join(dir, 'corpus.mtc'), text);
    writeFileSync(join(dir, 'mtc.yaml'), corpusConfig(machines));
    const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
    const s = process.hrtime.bigint();
    const args = [BIN, 'build', 'corpus.mtc', '--out', 'out'];
    const spawnOpts = { cwd: dir, encoding: 'utf8' as const, maxBuffer: 256 * MB };
    const r = timeBin
      ? spawnSync(timeBin, ['-f', 'MAXRSS_KB=%M', process.execPath, ...args], spawnOpts)
      : spawnSync(process.execPath, args, spawnOpts);
    const ms = Number(process.hrtime.bigint() - s) / 1e6;
    const rss = /MAXRSS_KB=(\d+)/.exec(r.stderr ?? '')?.[1];
    const peak = rss ? `${fmt(Number(rss) / 1024, 0)} MB` : 'n/a (no /usr/bin/time)';
    out(`| input | wall time | ms per MB | peak RSS | exit |`);
    out('|---|---|---|---|---|');
    out(`| ${fmt(text.length / MB, 2)} MB | ${fmt(ms)} ms | ${fmt(ms / (text.length / MB))} | ${peak} | ${r.status} |`);
    if (r.status !== 0) out(`build failed: ${(r.stderr ?? '').split('\n').slice(0, 5).join(' / ')}`);
    rows.push(['build 10 MB corpus', `${fmt(ms)} ms`, `peak RSS ${peak} (goal < 300 MB)`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  out();
}

async function simulator() {
  const path = './simulate.js';
  let mod: { runSimulateBench?: (log: (s: string) => void) => Promise<string[][] | void> | string[][] | void };
  try {
    mod = await import(path);
  } catch {
    out('## Simulator\n\n(skipped: bench/simulate.ts is not there)\n');
    return;
  }
  if (typeof mod.runSimulateBench !== 'function') return;
  out('## Simulator');
  out();
  const extra = await mod.runSimulateBench(out);
  if (Array.isArray(extra)) rows.push(...extra);
  out();
}

out(`# mtc benchmark`);
out();
out(`Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, ${fmt(totalmem() / 1024 ** 3, 0)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`);
out();
// The simulator runs first, on a fresh heap, so that its peak memory is its own.
await simulator();
await parseThroughput();
coldStart();
buildLarge();
out('## Summary');
out();
out('| figure | value | against the reference |');
out('|---|---|---|');
for (const r of rows) out(`| ${r.join(' | ')} |`);

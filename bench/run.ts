/**
 * `npm run bench`: speed and memory of mtc, each figure as a ratio against a
 * reference measured in the same run on the same machine (JSON.parse of the
 * same content, bare `node -e 0`, a naive simulator). Not a test: nothing
 * here asserts a time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { loadBuiltinCatalog } from '../src/catalog/index.js';
import { compileProject } from '../src/compile.js';
import { loadProject } from '../src/resolve/load.js';
import { memoryFileSystem } from '../src/resolve/memory-fs.js';
import { corpusConfig, corpusJson, corpusMachines, corpusText } from './corpus.js';

const BIN = join(process.cwd(), 'dist', 'bundle', 'mtc.js');
/** The `mtc` command (package.json `bin`), executed as a user's shell does: it starts node from the snapshot. */
const CMD = BIN;
const MB = 1024 * 1024;
const rows: string[][] = [];
/** The four goals of issue 16: what was measured, the target, and whether it is met. */
const goals: { goal: string; measured: string; target: string; met: boolean | undefined }[] = [];
const out = (s = '') => process.stdout.write(s + '\n');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fmt(n: number, digits = 2): string {
  return n >= 100 ? n.toFixed(0) : n.toFixed(digits);
}

async function parseThroughput() {
  const catalog = loadBuiltinCatalog();
  out('## Parse and validate throughput');
  out();
  out('| corpus | size | mtc check (in process), median | MB/s | JSON.parse same content, median | MB/s | ratio to JSON.parse (median of the rounds) | ms per MB |');
  out('|---|---|---|---|---|---|---|---|');
  for (const [label, bytes] of [
    ['10 KB', 10 * 1024],
    ['1 MB', MB],
    ['10 MB', 10 * MB],
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
    // Interleaved rounds: each round times mtc and JSON.parse back to back (small corpora repeated to a
    // measurable time), and the figure is the median of the rounds' ratios, so that a change of the
    // machine's load during the run hits both sides of each ratio alike.
    const reps = Math.max(1, Math.floor((256 * 1024) / bytes));
    const rounds = bytes >= 10 * MB ? 5 : 15;
    const tm: number[] = [];
    const tj: number[] = [];
    const ratios: number[] = [];
    for (let r = -1; r < rounds; r++) {
      let s = performance.now();
      for (let i = 0; i < reps; i++) void compileProject(loadProject(['corpus.mtc'], { root, fs }), { catalog });
      const a = (performance.now() - s) / reps;
      s = performance.now();
      for (let i = 0; i < reps; i++) void JSON.parse(json);
      const b = (performance.now() - s) / reps;
      if (r < 0) continue; // warm-up round
      tm.push(a);
      tj.push(b);
      ratios.push(a / text.length / (b / json.length));
    }
    const tMtc = median(tm);
    const tJson = median(tj);
    const ratio = median(ratios);
    const sizeMb = text.length / MB;
    const mbsMtc = sizeMb / (tMtc / 1000);
    const mbsJson = json.length / MB / (tJson / 1000);
    out(
      `| ${label} | ${fmt(sizeMb, 3)} MB, ${machines.length} machine types | ${fmt(tMtc)} ms | ${fmt(mbsMtc)} | ${fmt(tJson)} ms | ${fmt(mbsJson)} | 1/${fmt(ratio, 1)} | ${fmt(tMtc / sizeMb)} |`,
    );
    rows.push([`parse+validate ${label}`, `${fmt(mbsMtc)} MB/s`, `1/${fmt(ratio, 1)} of JSON.parse`]);
    if (label === '1 MB')
      goals.push({ goal: 'parse+validate, 1 MB corpus', measured: `1/${fmt(ratio, 1)} of JSON.parse (median of ${rounds} interleaved rounds)`, target: '1/20 of JSON.parse or better', met: ratio <= 20 });
  }
  out();
}

/** CPU time (task-clock, ms) of one run, when `perf` can count it; else undefined. */
function cpuMs(cmd: string, args: string[], extra: Record<string, string> = {}): number | undefined {
  const env = { ...process.env, NO_COLOR: '1', ...extra } as Record<string, string | undefined>;
  delete env.NODE_OPTIONS;
  const r = spawnSync('perf', ['stat', '-x,', '-e', 'task-clock', cmd, ...args], { encoding: 'utf8', env });
  const m = /^([\d.]+),msec,task-clock/m.exec(r.stderr ?? '');
  return m ? Number(m[1]) : undefined;
}

function coldStart() {
  out('## Cold start');
  out();
  if (!existsSync(CMD)) {
    out(`(skipped: ${CMD} not built; run npm run build)`);
    return;
  }
  // The command as npm installs it: node_modules/.bin/mtc, a relative symlink to the package's dist/bundle/mtc.
  const nm = mkdtempSync(join(tmpdir(), 'mtc-bench-bin-'));
  mkdirSync(join(nm, '.bin'));
  symlinkSync(relative(join(nm, '.bin'), CMD), join(nm, '.bin', 'mtc'));
  const bin = join(nm, '.bin', 'mtc');
  const runs = 15;
  // Its own cache directory: a fresh install's, and nothing left in the user's.
  const env0 = { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(nm, 'cache') } as Record<string, string | undefined>;
  delete env0.NODE_OPTIONS;
  const once = (cmd: string, args: string[], env: Record<string, string> = {}) => {
    const s = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: 'ignore', env: { ...env0, ...env } });
    if (r.status !== 0 && cmd === bin) throw new Error('mtc check rules/ failed during the benchmark');
    return Number(process.hrtime.bigint() - s) / 1e6;
  };
  const check = ['check', 'rules/'];
  // A fresh install: no code cache and no start-up snapshot yet. Its first run compiles from
  // source, then writes the code cache and builds the snapshot.
  rmSync(join(process.cwd(), 'dist', 'bundle', '.cache'), { recursive: true, force: true });
  once(process.execPath, ['-e', '0']); // warm the file cache
  const first = once(bin, check);
  const how = spawnSync(bin, check, { encoding: 'utf8', env: { ...env0, MTC_DEBUG_START: '1' } });
  if (!how.stderr.includes('mtc: start: from the snapshot')) throw new Error(`the second run did not start from the snapshot:\n${how.stderr}`);
  // Interleaved, so that a change of the machine's load hits all alike.
  const node: number[] = [];
  const mtc: number[] = [];
  const cacheOnly: number[] = [];
  const neither: number[] = [];
  for (let i = 0; i < runs; i++) {
    node.push(once(process.execPath, ['-e', '0']));
    mtc.push(once(bin, check));
    cacheOnly.push(once(bin, check, { MTC_NO_SNAPSHOT: '1' }));
    neither.push(once(bin, check, { MTC_NO_SNAPSHOT: '1', MTC_NO_CODE_CACHE: '1' }));
  }
  const cpuNode: number[] = [];
  const cpuMtc: number[] = [];
  for (let i = 0; i < runs; i++) {
    const a = cpuMs(process.execPath, ['-e', '0']);
    const b = cpuMs(bin, check, { XDG_CACHE_HOME: join(nm, 'cache') });
    if (a !== undefined && b !== undefined) {
      cpuNode.push(a);
      cpuMtc.push(b);
    }
  }
  rmSync(nm, { recursive: true, force: true });
  const n = median(node);
  const m = median(mtc);
  out(`| command | median of ${runs} (wall, interleaved) | ratio to node -e 0 |`);
  out('|---|---|---|');
  out(`| node -e 0 | ${fmt(n)} ms | 1 |`);
  out(`| mtc check rules/ (start-up snapshot, as every run after the first) | ${fmt(m)} ms | ${fmt(m / n)}x |`);
  out(`| mtc check rules/ without the snapshot (MTC_NO_SNAPSHOT=1: code cache only) | ${fmt(median(cacheOnly))} ms | ${fmt(median(cacheOnly) / n)}x |`);
  out(`| mtc check rules/ without either (MTC_NO_SNAPSHOT=1 MTC_NO_CODE_CACHE=1) | ${fmt(median(neither))} ms | ${fmt(median(neither) / n)}x |`);
  out(`| mtc check rules/, first run after install (writes the cache, builds the snapshot) | ${fmt(first)} ms (one run) | ${fmt(first / n)}x |`);
  if (cpuNode.length > 0) out(`| CPU time (perf task-clock, median of ${cpuNode.length}) | node ${fmt(median(cpuNode))} ms, mtc ${fmt(median(cpuMtc))} ms | ${fmt(median(cpuMtc) / median(cpuNode))}x |`);
  out();
  rows.push(['cold start mtc check rules/', `${fmt(m)} ms`, `${fmt(m / n)}x node -e 0`]);
  goals.push({ goal: 'cold mtc check rules/ (installed command, snapshot built by the first run)', measured: `${fmt(m / n)}x node -e 0 (wall)${cpuNode.length > 0 ? `, ${fmt(median(cpuMtc) / median(cpuNode))}x (CPU)` : ''}`, target: '1.5x bare node or better', met: m / n <= 1.5 });
}

/** Total size of the files under a directory. */
function treeBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += treeBytes(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

function buildOnce(bytes: number): { inMb: number; ms: number; rssMb: number | undefined; outRatio: number | undefined; status: number | null; err: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mtc-bench-'));
  try {
    const machines = corpusMachines(bytes);
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
    const outDir = join(dir, 'out');
    return {
      inMb: text.length / MB,
      ms,
      rssMb: rss ? Number(rss) / 1024 : undefined,
      outRatio: existsSync(outDir) ? treeBytes(outDir) / text.length : undefined,
      status: r.status,
      err: (r.stderr ?? '').split('\n').slice(0, 5).join(' / '),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function buildLarge() {
  out('## mtc build on the 1 MB and 10 MB corpora');
  out();
  if (!existsSync(BIN)) return;
  const small = buildOnce(MB);
  const large = buildOnce(10 * MB);
  out(`| input | wall time | ms per MB | peak RSS | outputs / input | exit |`);
  out('|---|---|---|---|---|---|');
  for (const b of [small, large]) {
    out(`| ${fmt(b.inMb, 2)} MB | ${fmt(b.ms)} ms | ${fmt(b.ms / b.inMb)} | ${b.rssMb !== undefined ? `${fmt(b.rssMb, 0)} MB` : 'n/a (no /usr/bin/time)'} | ${b.outRatio !== undefined ? `${fmt(b.outRatio, 1)}x` : '-'} | ${b.status} |`);
    if (b.status !== 0) out(`build failed: ${b.err}`);
  }
  const linear = large.ms / large.inMb / (small.ms / small.inMb);
  out();
  out(`Time per MB, 10 MB against 1 MB: ${fmt(linear)}x (1 = linear).`);
  out();
  rows.push(['build 10 MB corpus', `${fmt(large.ms)} ms`, `peak RSS ${large.rssMb !== undefined ? `${fmt(large.rssMb, 0)} MB` : 'n/a'} (goal < 300 MB)`]);
  const met = large.status === 0 && large.rssMb !== undefined && large.rssMb < 300 && large.outRatio !== undefined && large.outRatio <= 10 && linear <= 1.5;
  goals.push({
    goal: 'mtc build, 10 MB corpus',
    measured: `peak RSS ${large.rssMb !== undefined ? `${fmt(large.rssMb, 0)} MB` : 'n/a'}, outputs ${large.outRatio !== undefined ? fmt(large.outRatio, 1) : '-'}x the input, ${fmt(linear)}x the time per MB of the 1 MB build`,
    target: '< 300 MB, <= 10x, linear (<= 1.5x per MB)',
    met: large.rssMb === undefined ? undefined : met,
  });
}

/**
 * `mtc simulate` of a fleet with messages (JSON, every cell explained up to the
 * report's bound) for 10 machine types: 250 and 1000 hosts. Bounded memory: the
 * peak RSS of 16x the pairs against the small run; linear: the time per pair.
 */
function simulateFleet() {
  out('## mtc simulate, 10 machine types, 250 and 1000 hosts');
  out();
  if (!existsSync(BIN) || !existsSync('/usr/bin/time')) {
    out('(skipped: needs the built CLI and /usr/bin/time)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'mtc-bench-sim-'));
  try {
    // One family of ten machine types from the corpus generator, built once.
    const machines = corpusMachines(64 * 1024).slice(0, 10);
    writeFileSync(join(dir, 'corpus.mtc'), corpusText(machines));
    writeFileSync(join(dir, 'mtc.yaml'), corpusConfig(machines));
    const b = spawnSync(process.execPath, [BIN, 'build', 'corpus.mtc', '--out', 'out'], { cwd: dir, encoding: 'utf8' });
    if (b.status !== 0) {
      out(`(skipped: the build failed: ${(b.stderr ?? '').slice(0, 300)})`);
      return;
    }
    const kernels = ['5.15', '6.1', '6.6', '6.12', '6.13', '6.15', '6.18'];
    const midrs = ['0x413fd0c1', '0xc00fac31', '0x410fd4f0', '0x481fd010'];
    const features = ['FEAT_TCR2', 'FEAT_S1PIE', 'FEAT_S1POE', 'FEAT_SCTLR2'];
    const run = (n: number) => {
      const hosts = join(dir, `hosts-${n}`);
      mkdirSync(hosts);
      for (let i = 0; i < n; i++) {
        const f = features.filter((_, j) => (i >> j) & 1);
        writeFileSync(join(hosts, `h${i}.yaml`), `format: 1\nname: h${i}\nkernel: "${kernels[i % kernels.length]}"\ncpu: { midr: "${midrs[(i >> 3) % midrs.length]}" }\nfeatures: [${f.join(', ')}]\n`);
      }
      const s = process.hrtime.bigint();
      const r = spawnSync('/usr/bin/time', ['-f', 'MAXRSS_KB=%M', process.execPath, BIN, 'simulate', '--build', 'out/mtc-build.json', '--hosts', hosts, '--format', 'json', '--out', `sim-${n}.json`], { cwd: dir, encoding: 'utf8' });
      const ms = Number(process.hrtime.bigint() - s) / 1e6;
      const rss = Number(/MAXRSS_KB=(\d+)/.exec(r.stderr ?? '')?.[1] ?? NaN) / 1024;
      return { n, ms, rss, pairs: n * n * machines.length, status: r.status, bytes: existsSync(join(dir, `sim-${n}.json`)) ? statSync(join(dir, `sim-${n}.json`)).size : 0 };
    };
    const a = run(250);
    const c = run(1000);
    out('| hosts | pairs | wall time | µs per pair | peak RSS | output | exit |');
    out('|---|---|---|---|---|---|---|');
    for (const x of [a, c]) out(`| ${x.n} | ${x.pairs.toLocaleString('en')} | ${fmt(x.ms)} ms | ${fmt((x.ms * 1000) / x.pairs, 3)} | ${fmt(x.rss, 0)} MB | ${fmt(x.bytes / MB, 1)} MB | ${x.status} |`);
    const perPair = c.ms / c.pairs / (a.ms / a.pairs);
    const mem = c.rss / a.rss;
    out();
    out(`16x the pairs: peak RSS ${fmt(mem)}x, time per pair ${fmt(perPair)}x (1 = linear).`);
    out();
    goals.push({
      goal: 'simulate 1000 hosts x 10 machine types with messages',
      measured: `peak RSS ${fmt(c.rss, 0)} MB (${fmt(mem)}x the 250-host run, 16x fewer pairs), ${fmt(perPair)}x its time per pair`,
      target: 'bounded memory (< 2x for 16x the pairs), linear (<= 1.5x per pair)',
      met: a.status === 0 && c.status === 0 && mem < 2 && perPair <= 1.5,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
// `node dist-bench/bench/run.js cold build` runs only the sections named (simulator, parse, cold, build, fleet).
const only = new Set(process.argv.slice(2));
const want = (name: string) => only.size === 0 || only.has(name);
// The simulator runs first, on a fresh heap, so that its peak memory is its own.
if (want('simulator')) await simulator();
if (want('parse')) await parseThroughput();
if (want('cold')) coldStart();
if (want('build')) buildLarge();
if (want('fleet')) simulateFleet();
out('## Goals (issue 16)');
out();
out('| goal | measured | target | met |');
out('|---|---|---|---|');
for (const g of goals) out(`| ${g.goal} | ${g.measured} | ${g.target} | ${g.met === undefined ? 'not measured' : g.met ? 'met' : 'not met'} |`);
out();
out('## Summary');
out();
out('| figure | value | against the reference |');
out('|---|---|---|');
for (const r of rows) out(`| ${r.join(' | ')} |`);

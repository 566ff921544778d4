/**
 * Issue "The simulator and `explain` follow each QEMU release", point 4
 * (`npm run test:qemu`): the simulator against real migrations.
 *
 * qemu-system-aarch64 10.0.13, 10.2.2 and 11.1.1 are built from the trees of
 * ../shared/qemu/ (scripts/qemu-trees.mjs), and 11.1.1 once more with the
 * patch mtc writes for the shipped rules (rules/). Over a matrix of TCG pairs
 * (same and different releases, -cpu max and cortex-a57 on either end, old
 * and new machine types, with and without mtc's tolerances) this test
 *
 *  1. captures each side with `mtc capture` (its cpreg list and values),
 *  2. predicts the pair with the simulator (explainPair) from the captures and
 *     the machine type's rules (none for a pristine binary),
 *  3. migrates for real: the source QEMU migrates over a unix socket to a
 *     destination started with `-incoming`, as a distribution's tooling does,
 *
 * and compares: the prediction passes exactly when the destination loads the
 * state, and the lines mtc prints as QEMU's are byte for byte the lines the
 * destination printed. A stream the destination refuses outside the cpreg
 * list (catalog/qemu/releases.yaml, refusedStreams) is predicted as a failure
 * with no QEMU line: there the outcome is compared, and the real lines must be
 * among those the release data says were seen for that CPU.
 *
 * It prints the agreement table and the figure (N pairs, N agree). A pair
 * listed in KNOWN_LIMITS must disagree in the way it says (README, "Known
 * limits"); every other pair must agree.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as trees from '../../scripts/qemu-trees.mjs';
import { loadProfile } from '../../src/catalog/profile.js';
import { readBuildDocument } from '../../src/simulate/document.js';
import { explainPair } from '../../src/simulate/engine.js';
import { hostFromProfile } from '../../src/simulate/hosts.js';
import { defaultSimulateOptions, type HostModel, type MachineModel, type PairResult } from '../../src/simulate/types.js';
import { pairContext } from '../../src/simulate/context.js';
import { renderLine } from '../../src/qemu/releases.js';
import { buildPatch, cleanupOuts, inTree } from '../qemu-tree/helpers.js';
import { runMain } from '../support/cli.js';
import { startQemu } from './support.js';

const log = (m: string) => process.stderr.write(`${m}\n`);
const PREFIX = 'qemu-system-aarch64: ';

/** A binary on one end: a pristine tree's, or 11.1.1 with the shipped rules' patch. */
interface Binary {
  readonly label: string;
  readonly version: string;
  readonly path: string;
  /** Machine types of the shipped rules, when the binary carries their patch. */
  readonly rules?: ReadonlyMap<string, MachineModel>;
}

interface Pair {
  readonly machine: string;
  readonly src: Binary;
  readonly dst: Binary;
  readonly srcCpu: string;
  readonly dstCpu: string;
}

/**
 * Pairs where the model and QEMU are known to disagree, by key, with the
 * reason README gives. Empty: every pair of the matrix agrees.
 */
const KNOWN_LIMITS: ReadonlyMap<string, string> = new Map();

let work = '';
const bins = new Map<string, Binary>();

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mtc-migrate-'));
  for (const v of ['10.0.13', '10.2.2', '11.1.1']) bins.set(v, { label: v, version: v, path: trees.buildBinary(v, null, log) });
  // The shipped rules, built against the 11.1.1 tree, patched in and built.
  const { patch, doc } = inTree('11.1.1', (tree) => {
    const b = buildPatch('rules', tree);
    expect(b.run.code, b.run.stderr).toBe(0);
    return { patch: b.text!, doc: join(b.file!, '..', '..', 'mtc-build.json') };
  });
  const rules = new Map(readBuildDocument(doc).map((m) => [m.name, m]));
  bins.set('11.1.1+rules', { label: '11.1.1+rules', version: '11.1.1', path: trees.buildBinary('11.1.1', patch, log), rules });
});
afterAll(() => {
  cleanupOuts();
  rmSync(work, { recursive: true, force: true });
});

const captures = new Map<string, HostModel>();

/** `mtc capture` of one configuration (cached), as a simulator host. */
async function captureHost(b: Binary, machine: string, cpu: string): Promise<HostModel> {
  const key = `${b.label} ${machine} ${cpu}`;
  const hit = captures.get(key);
  if (hit) return hit;
  const r = await runMain(['capture', '--qemu-binary', b.path, '-M', machine, '--cpu', cpu, '--name', `${b.label.replace('+', '-')}-${machine}-${cpu}`]);
  expect(r.code, r.stderr).toBe(0);
  const { profile, diagnostics } = loadProfile(`${key.replace(/[^A-Za-z0-9.-]/g, '_')}.yaml`, { text: r.stdout });
  expect(diagnostics).toEqual([]);
  const h = hostFromProfile(profile!);
  captures.set(key, h);
  return h;
}

interface RealRun {
  readonly loaded: boolean;
  /** The destination's stderr lines that QEMU prefixes with its program name. */
  readonly lines: string[];
  readonly detail: string;
}

/** One real migration: the source migrates over a unix socket to a destination started with -incoming. */
async function migrate(p: Pair): Promise<RealRun> {
  const dir = mkdtempSync(join(work, 'm-'));
  const sock = join(dir, 'mig.sock');
  const common = (cpu: string) => ['-M', p.machine, '-cpu', cpu, '-accel', 'tcg', '-nographic'];
  const dst = await startQemu(p.dst.path, [...common(p.dstCpu), '-incoming', `unix:${sock}`]);
  const dstExit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => {
    if (dst.child.exitCode !== null || dst.child.signalCode !== null) r({ code: dst.child.exitCode, signal: dst.child.signalCode });
    else dst.child.once('exit', (code, signal) => r({ code, signal }));
  });
  const src = await startQemu(p.src.path, common(p.srcCpu));
  try {
    await src.qmp.command('migrate', { uri: `unix:${sock}` });
    const deadline = Date.now() + 120_000;
    for (;;) {
      const st = (await src.qmp.command('query-migrate')) as { status?: string };
      if (st.status === 'completed' || st.status === 'failed' || st.status === 'cancelled') break;
      if (Date.now() > deadline) throw new Error(`${key(p)}: the source did not finish migrating in 120 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // The destination either loads the state (query-migrate: completed) or exits with QEMU's error.
    const loaded = await Promise.race([
      (async () => {
        for (;;) {
          const st = (await dst.qmp.command('query-migrate').catch(() => ({ status: 'gone' }))) as { status?: string };
          if (st.status === 'completed') return true;
          if (st.status === 'failed' || st.status === 'gone') return false;
          await new Promise((r) => setTimeout(r, 50));
        }
      })(),
      dstExit.then(() => false),
    ]);
    const exit = loaded ? null : await Promise.race([dstExit, new Promise<null>((r) => setTimeout(() => r(null), 10_000))]);
    const lines = dst
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith(PREFIX));
    return { loaded, lines, detail: loaded ? 'loaded' : exit ? (exit.signal ? `killed by ${exit.signal}` : `exit ${exit.code}`) : 'load failed' };
  } finally {
    await src.stop();
    await dst.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function key(p: Pair): string {
  return `${p.machine} ${p.src.label} ${p.srcCpu} -> ${p.dst.label} ${p.dstCpu}`;
}

/** The machine type as the destination knows it: the shipped rules', or a pristine QEMU's (no rules). */
function machineFor(p: Pair): MachineModel {
  return p.dst.rules?.get(p.machine) ?? { name: p.machine, target: 'tolerances', hidden: [], tolerated: [], allowedCpus: [], requiresKernel: null };
}

interface Verdict {
  readonly pair: Pair;
  readonly predicted: PairResult;
  readonly real: RealRun;
  readonly agree: boolean;
  readonly why: string;
}

function judge(pair: Pair, predicted: PairResult, real: RealRun, src: HostModel, dst: HostModel, m: MachineModel): Verdict {
  const passes = predicted.outcome !== 'fail' && predicted.outcome !== 'unsupported';
  if (predicted.outcome === 'unsupported') return { pair, predicted, real, agree: false, why: 'the model cannot tell (unsupported)' };
  if (passes !== real.loaded) return { pair, predicted, real, agree: false, why: `predicted ${predicted.outcome}, QEMU ${real.loaded ? 'loaded the state' : `failed (${real.detail})`}` };
  const refused = pairContext(m, src, dst, defaultSimulateOptions()).refused;
  if (refused && refused !== 'unknown' && predicted.lines.length === 0) {
    // A refused stream past the length check: QEMU's lines depend on the CPUs; they must be the ones the release data says were seen.
    const seen = refused.seen.find((s) => s.cpus === `${pair.srcCpu} -> ${pair.dstCpu}`)?.lines.map((l) => renderLine(l, {}));
    const ok = seen !== undefined && seen.join('\n') === real.lines.join('\n');
    return { pair, predicted, real, agree: ok, why: ok ? 'refused stream, lines as seen' : `refused stream, but QEMU printed ${JSON.stringify(real.lines)}, not what catalog/qemu/releases.yaml says was seen` };
  }
  const same = predicted.lines.join('\n') === real.lines.join('\n');
  return { pair, predicted, real, agree: same, why: same ? '' : `lines differ: predicted ${JSON.stringify(predicted.lines)}, QEMU printed ${JSON.stringify(real.lines)}` };
}

function matrix(): Pair[] {
  const b = (l: string) => bins.get(l)!;
  const cpus = ['max', 'cortex-a57'];
  const out: Pair[] = [];
  const add = (machine: string, src: string, dst: string, same = false) => {
    for (const srcCpu of cpus) for (const dstCpu of cpus) if (!same || srcCpu === dstCpu) out.push({ machine, src: b(src), dst: b(dst), srcCpu, dstCpu });
  };
  // virt-10.0 is in all three releases; virt-10.2 in 10.2 and 11.1.
  for (const s of ['10.0.13', '10.2.2', '11.1.1']) for (const d of ['10.0.13', '10.2.2', '11.1.1']) add('virt-10.0', s, d);
  for (const s of ['10.2.2', '11.1.1']) for (const d of ['10.2.2', '11.1.1']) add('virt-10.2', s, d);
  // The shipped rules in 11.1.1: upgrades into it, and between two patched hosts.
  add('virt-10.0', '10.0.13', '11.1.1+rules', true);
  add('virt-10.0', '10.2.2', '11.1.1+rules', true);
  add('virt-10.2', '10.2.2', '11.1.1+rules', true);
  add('virt-10.2', '11.1.1+rules', '11.1.1+rules', true);
  return out;
}

describe('the simulator against real TCG migrations', () => {
  it('agrees with QEMU on every pair of the matrix (or the pair is a known limit)', async () => {
    const verdicts: Verdict[] = [];
    for (const pair of matrix()) {
      const src = await captureHost(pair.src, pair.machine, pair.srcCpu);
      const dst = await captureHost(pair.dst, pair.machine, pair.dstCpu);
      const m = machineFor(pair);
      const predicted = explainPair(m, src, dst, defaultSimulateOptions());
      const real = await migrate(pair);
      verdicts.push(judge(pair, predicted, real, src, dst, m));
    }
    const rows = verdicts.map((v) => `${v.agree ? 'agree   ' : 'DISAGREE'} ${key(v.pair).padEnd(62)} predicted ${v.predicted.outcome.padEnd(11)} real ${v.real.detail}${v.why ? `  (${v.why})` : ''}`);
    const agreeing = verdicts.filter((v) => v.agree).length;
    log(['', 'mtc simulate against real QEMU migrations (TCG):', ...rows, `${verdicts.length} pairs, ${agreeing} agree`, ''].join('\n'));
    // The matrix is what it says: loads and failures on both sides, and every refusal kind.
    expect(verdicts.length).toBe(60);
    expect(verdicts.some((v) => v.real.loaded)).toBe(true);
    expect(verdicts.some((v) => !v.real.loaded)).toBe(true);
    const disagreeing = verdicts.filter((v) => !v.agree).map((v) => key(v.pair));
    expect(disagreeing.sort()).toEqual([...KNOWN_LIMITS.keys()].sort());
  });
});

/**
 * Simulator benchmark, called by bench/run.ts (`npm run bench`):
 * the full matrix for 50 machine types × 100 × 100 hosts × ~600 registers,
 * time per pair, peak memory, and the ratio to a naive implementation (the
 * set-based reference model, one pair at a time) measured in the same run on
 * a subset and extrapolated per pair. No assertions.
 */
import { explainPair, simulateMatrix } from '../src/simulate/engine.js';
import { referenceOutcome } from '../src/simulate/reference.js';
import { findRelease } from '../src/qemu/releases.js';
import type { HostModel, MachineModel, SimulateOptions } from '../src/simulate/types.js';
import { rng } from './corpus.js';

export interface SimBenchConfig {
  machines: number;
  hosts: number;
  /** Registers every host lists. */
  base: number;
  /** Registers that vary between hosts (each host lists about half). */
  variable: number;
}

export const defaultConfig: SimBenchConfig = { machines: 50, hosts: 100, base: 560, variable: 80 };

/** Deterministic synthetic hosts and machine types. */
export function syntheticInput(cfg: SimBenchConfig = defaultConfig, seed = 7): { machines: MachineModel[]; hosts: HostModel[] } {
  const rand = rng(seed);
  const ids: bigint[] = [0x603000000013c000n, 0x603000000013c006n, 0x603000000013c807n];
  for (let i = 0; ids.length < cfg.base; i++) ids.push(0x6030000000130000n + BigInt(0x4000 + i * 3));
  const variable: bigint[] = [];
  for (let i = 0; i < cfg.variable; i++) variable.push(0x6030000000130000n + BigInt(0xc100 + i * 5));
  const cpus = [0x413fd0c1n, 0xc00fac31n, 0x410fd840n];
  const kernels = ['5.15', '6.1', '6.6', '6.12', '6.13', '6.15', '6.18'];
  const hosts: HostModel[] = [];
  for (let h = 0; h < cfg.hosts; h++) {
    const regs = [...ids, ...variable.filter(() => rand() < 0.9)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const midr = cpus[Math.floor(rand() * (rand() < 0.8 ? 1 : cpus.length))];
    hosts.push({ name: `h${h}`, accel: 'kvm', kernel: kernels[Math.floor(rand() * kernels.length)], qemu: null, cpu: { midr, revidr: 0n, aidr: 0n }, regs });
  }
  const machines: MachineModel[] = [];
  for (let m = 0; m < cfg.machines; m++) {
    const pool = [...variable].sort(() => rand() - 0.5);
    const nh = Math.floor(rand() * 6);
    const nt = Math.floor(rand() * 30);
    machines.push({
      name: `m${m}`,
      target: rand() < 0.5 ? 'x-mig' : 'tolerances',
      hidden: pool.slice(0, nh),
      tolerated: pool.slice(nh, nh + nt).map((id, k) => (k % 4 === 0 ? { id, kind: 'source-value', mask: 0xffffffffffffffffn, value: 0n } : { id, kind: 'one-end', mask: 0n, value: 0n })),
      allowedCpus: cpus.filter(() => rand() < 0.5).map((midr) => ({ midr, revidr: null, aidr: null })),
      requiresKernel: rand() < 0.2 ? '6.6' : null,
    });
  }
  return { machines, hosts };
}

const MB = 1024 * 1024;
const fmt = (n: number, d = 2) => (n >= 100 ? n.toFixed(0) : n.toFixed(d));

export async function runSimulateBench(log: (s: string) => void = (s) => process.stdout.write(s + '\n'), cfg: SimBenchConfig = defaultConfig): Promise<string[][]> {
  const { machines, hosts } = syntheticInput(cfg);
  // QEMU 11.1 on both ends: the full walk, its own tolerances and the assignment bug (the most work per pair).
  const rel = findRelease('11.1')!;
  const opts: SimulateOptions = { from: rel, to: rel, regValues: new Map() };
  const pairs = machines.length * hosts.length * hosts.length;
  const avgRegs = hosts.reduce((a, h) => a + h.regs.length, 0) / hosts.length;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };

  // Fast engine: the full matrix, a few times; median.
  const times: number[] = [];
  let checksum = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    const mx = simulateMatrix(machines, hosts, opts, () => sample());
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    sample();
    checksum += mx.codes.reduce((a, c) => a + c, 0);
  }
  const fastMs = [...times].sort((a, b) => a - b)[2];
  const fastPerPair = (fastMs * 1e6) / pairs; // ns

  // Naive: the set-based reference, one pair at a time, on a subset; extrapolated per pair.
  const subM = machines.slice(0, 2);
  const subH = hosts.slice(0, 25);
  const t1 = process.hrtime.bigint();
  let n = 0;
  for (const m of subM) for (const s of subH) for (const d of subH) {
    checksum += referenceOutcome(m, s, d, opts).length;
    n++;
  }
  const naivePerPair = Number(process.hrtime.bigint() - t1) / n;
  sample();
  // The merge walk (used for explanations), same subset.
  const t2 = process.hrtime.bigint();
  for (const m of subM) for (const s of subH) for (const d of subH) checksum += explainPair(m, s, d, opts).outcome.length;
  const walkPerPair = Number(process.hrtime.bigint() - t2) / n;
  sample();

  log(`Input: ${machines.length} machine types × ${hosts.length} × ${hosts.length} hosts = ${pairs.toLocaleString('en')} pairs, ${fmt(avgRegs, 0)} registers per host on average (synthetic, deterministic).`);
  log('');
  log('| implementation | measured on | time per pair | full matrix |');
  log('|---|---|---|---|');
  log(`| bitset matrix (simulateMatrix) | all ${pairs.toLocaleString('en')} pairs, median of 5 | ${fmt(fastPerPair)} ns | ${fmt(fastMs)} ms |`);
  log(`| merge walk with messages (explainPair) | ${n} pairs, extrapolated | ${fmt(walkPerPair / 1000)} µs | ${fmt((walkPerPair * pairs) / 1e9)} s (extrapolated) |`);
  log(`| naive set-based reference (referenceOutcome) | ${n} pairs, extrapolated | ${fmt(naivePerPair / 1000)} µs | ${fmt((naivePerPair * pairs) / 1e9)} s (extrapolated) |`);
  log('');
  log(`Speed-up of the bitset matrix over the naive reference: ${fmt(naivePerPair / fastPerPair, 0)}x per pair (naive measured on a ${subM.length}×${subH.length}×${subH.length} subset in the same run).`);
  log(`Memory: peak RSS ${fmt(peakRss / MB, 0)} MB (+${fmt((peakRss - before.rss) / MB, 1)} MB over the start), peak heapUsed ${fmt(peakHeap / MB, 0)} MB (+${fmt((peakHeap - before.heapUsed) / MB, 1)} MB). (checksum ${checksum % 997})`);
  return [
    ['simulate matrix 50×100×100', `${fmt(fastPerPair)} ns/pair, ${fmt(fastMs)} ms`, `${fmt(naivePerPair / fastPerPair, 0)}x faster than the naive reference (extrapolated)`],
    ['simulate peak memory', `RSS ${fmt(peakRss / MB, 0)} MB, heap ${fmt(peakHeap / MB, 0)} MB`, `+${fmt((peakRss - before.rss) / MB, 1)} MB RSS over the start`],
  ];
}

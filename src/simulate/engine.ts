/**
 * The fast simulator: outcomes of machine types × sources × destinations.
 * Every register id of the universe is mapped once to a dense index in id
 * order; each host becomes a Uint32Array bitset; each machine type and
 * release a few masks. A pair then costs a pass over W = ⌈universe/32⌉ words,
 * so the whole matrix grows linearly with its number of cells.
 *
 * It implements the same release walks as pair.ts (one cell in full, with
 * QEMU's lines) and reference.ts (sets); tests check all three agree.
 */
import { identityWritable, cpuAllowed } from './common.js';
import { accepts, builtinTolerances, pairContext, releaseOf, sourceValue, streamRefusal, tcgReadBackFailures, type Tolerance } from './context.js';
import { identityRegs } from './messages.js';
import type { HostModel, MachineModel, Outcome, SimulateOptions } from './types.js';
import { outcomes } from './types.js';
import { compareVersions } from './versions.js';
import type { ReleaseModel } from '../qemu/releases.js';

export { explainPair } from './pair.js';

/** Outcome codes in a matrix: index into `outcomes`. */
export const outcomeCode: Readonly<Record<Outcome, number>> = { ok: 0, warn: 1, dropped: 2, unsafe: 3, bug: 4, unsupported: 5, fail: 6 };

export interface Matrix {
  readonly machines: readonly MachineModel[];
  readonly hosts: readonly HostModel[];
  /** outcomes[(m * H + s) * H + d]: code of `outcomes[code]`. */
  readonly codes: Uint8Array;
  outcome(m: number, s: number, d: number): Outcome;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Dense index of every id of the universe, in ascending id order. */
export class Universe {
  readonly ids: bigint[];
  private readonly index = new Map<bigint, number>();
  readonly words: number;
  constructor(idLists: Iterable<readonly bigint[]>) {
    const all = new Set<bigint>();
    for (const l of idLists) for (const id of l) all.add(id);
    this.ids = [...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.ids.forEach((id, i) => this.index.set(id, i));
    this.words = Math.max(1, Math.ceil(this.ids.length / 32));
  }
  indexOf(id: bigint): number {
    const i = this.index.get(id);
    if (i === undefined) throw new Error(`id ${id.toString(16)} not in universe`);
    return i;
  }
  bits(ids: readonly bigint[], out: Uint32Array = new Uint32Array(this.words), offset = 0): Uint32Array {
    for (const id of ids) {
      const i = this.indexOf(id);
      out[offset + (i >>> 5)] |= 1 << (i & 31);
    }
    return out;
  }
}

export interface MatrixProgress {
  (done: number, total: number): void;
}

/** Index of the highest set bit of a bitset, or -1. */
function highestBit(bits: Uint32Array, off: number, W: number): number {
  for (let w = W - 1; w >= 0; w--) {
    const v = bits[off + w]!;
    if (v !== 0) return w * 32 + (31 - Math.clz32(v));
  }
  return -1;
}

/** Outcomes of every (machine type, source, destination) cell. */
export function simulateMatrix(
  machines: readonly MachineModel[],
  hosts: readonly HostModel[],
  opts: SimulateOptions,
  progress?: MatrixProgress,
): Matrix {
  const H = hosts.length;
  const M = machines.length;
  const relS = hosts.map((h) => releaseOf(h, 'source', opts));
  const relD = hosts.map((h) => releaseOf(h, 'destination', opts));
  const builtinIds = new Set<bigint>();
  for (let h = 0; h < H; h++) for (const t of builtinTolerances(relD[h]!, hosts[h]!, opts.trees)) builtinIds.add(t.id);
  const universe = new Universe([
    ...hosts.map((h) => h.regs),
    ...machines.map((m) => m.hidden),
    ...machines.map((m) => m.tolerated.map((t) => t.id)),
    [...builtinIds],
    identityRegs,
  ]);
  const W = universe.words;
  const hostBits = new Uint32Array(H * W);
  hosts.forEach((h, k) => universe.bits(h.regs, hostBits, k * W));

  const identityIdx = identityRegs.map((id) => universe.indexOf(id));
  const has = (bits: Uint32Array, off: number, i: number) => (bits[off + (i >>> 5)]! & (1 << (i & 31))) !== 0;
  const isKvm = hosts.map((h) => h.accel === 'kvm');
  const isTcgWithValues = hosts.map((h) => h.accel === 'tcg' && h.values !== undefined);
  const writable = hosts.map((h) => identityRegs.map((id) => identityWritable(h, id)));
  const cpuKey = new Map<string, number>();
  const cpuClass = hosts.map((h) => {
    const k = `${h.cpu.midr}:${h.cpu.revidr}:${h.cpu.aidr}`;
    if (!cpuKey.has(k)) cpuKey.set(k, cpuKey.size);
    return cpuKey.get(k)!;
  });
  // Whether a destination release loads a source release's stream: 0 yes, 5 unknown (unsupported), 6 a known refusal (fail).
  const streamCode = new Map<string, number>();
  const streamOf = (a: ReleaseModel, b: ReleaseModel) => {
    const key = `${a.id}>${b.id}`;
    let c = streamCode.get(key);
    if (c === undefined) {
      const r = streamRefusal(a, b);
      streamCode.set(key, (c = r === null ? 0 : r === 'unknown' ? 5 : 6));
    }
    return c;
  };

  const codes = new Uint8Array(M * H * H);
  const maskedS = new Uint32Array(H * W);
  const maskedD = new Uint32Array(H * W);
  const lenS = new Int32Array(H);
  const lenD = new Int32Array(H);
  const lastD = new Int32Array(H);
  const unsupportedHost = new Uint8Array(H);
  const allowed = new Uint8Array(H);
  const onlyIn = new Uint32Array(W);

  for (let m = 0; m < M; m++) {
    const mt = machines[m]!;
    const hiddenBits = universe.bits(mt.hidden);
    const hides = (r: ReleaseModel) => mt.target === 'x-mig' && r.interfaces.xmig;
    // Tolerances of a destination (release, accelerator), as pairContext() builds them.
    const tolCache = new Map<string, { oneEnd: Uint32Array; tests: { i: number; t: Tolerance }[]; duplicates: boolean }>();
    const tolOf = (h: number) => {
      const r = relD[h]!;
      const key = `${r.id}/${hosts[h]!.accel}`;
      let v = tolCache.get(key);
      if (!v) {
        const ctx = pairContext(mt, hosts[h]!, hosts[h]!, { ...opts, to: r, from: r });
        const oneEnd = new Uint32Array(W);
        const tests: { i: number; t: Tolerance }[] = [];
        for (const t of ctx.tolerances.values()) {
          const i = universe.indexOf(t.id);
          if (t.kind === 'one-end') oneEnd[i >>> 5]! |= 1 << (i & 31);
          else tests.push({ i, t });
        }
        v = { oneEnd, tests, duplicates: ctx.duplicates.length > 0 };
        tolCache.set(key, v);
      }
      return v;
    };
    for (let h = 0; h < H; h++) {
      const off = h * W;
      const hs = hides(relS[h]!);
      const hd = hides(relD[h]!);
      let ns = 0;
      let nd = 0;
      for (let w = 0; w < W; w++) {
        const v = hostBits[off + w]!;
        const a = hs ? v & ~hiddenBits[w]! : v;
        const b = hd ? v & ~hiddenBits[w]! : v;
        maskedS[off + w] = a;
        maskedD[off + w] = b;
        ns += popcount(a);
        nd += popcount(b);
      }
      lenS[h] = ns;
      lenD[h] = nd;
      lastD[h] = highestBit(maskedD, off, W);
      const host = hosts[h]!;
      unsupportedHost[h] =
        mt.requiresKernel !== null && host.accel === 'kvm' && (host.kernel === null || compareVersions(host.kernel, mt.requiresKernel) < 0) ? 1 : 0;
      allowed[h] = cpuAllowed(mt, host.cpu) ? 1 : 0;
    }
    const identityHidden = identityIdx.map((i) => (hiddenBits[i >>> 5]! & (1 << (i & 31))) !== 0);

    for (let s = 0; s < H; s++) {
      const so = s * W;
      const rowBase = (m * H + s) * H;
      // Accepted tolerances depend on the source's values (source-value tests): per destination key.
      const acceptCache = new Map<string, Uint32Array>();
      for (let d = 0; d < H; d++) {
        if (unsupportedHost[s]! | unsupportedHost[d]! || isKvm[s] !== isKvm[d]) {
          codes[rowBase + d] = 5;
          continue;
        }
        const sc = streamOf(relS[s]!, relD[d]!);
        if (sc !== 0) {
          codes[rowBase + d] = sc;
          continue;
        }
        const tol = tolOf(d);
        if (tol.duplicates) {
          codes[rowBase + d] = 6;
          continue;
        }
        const r = relD[d]!;
        if (r.lengthCheck && lenS[s]! > lenD[d]! + r.lengthSlack) {
          codes[rowBase + d] = 6;
          continue;
        }
        const akey = `${r.id}/${hosts[d]!.accel}`;
        let acc = acceptCache.get(akey);
        if (!acc) {
          acc = tol.oneEnd.slice();
          for (const { i, t } of tol.tests) if (accepts(t, sourceValue(universe.ids[i]!, hosts[s]!, opts))) acc[i >>> 5]! |= 1 << (i & 31);
          acceptCache.set(akey, acc);
        }
        const dOff = d * W;
        let anyU = 0;
        let miss = 0;
        for (let w = 0; w < W; w++) {
          const sv = maskedS[so + w]!;
          const dv = maskedD[dOff + w]!;
          const o = sv & ~dv;
          onlyIn[w] = o;
          anyU |= o & ~acc[w]!;
          miss |= dv & ~sv;
        }
        let code = miss !== 0 ? 1 : 0;
        if (anyU !== 0) {
          if (r.walk === 'local-end') {
            // Fails when an unexpected register sorts below the destination's last one; else it is dropped.
            const last = lastD[d]!;
            let below = false;
            for (let w = 0; w < W && !below && w * 32 < last; w++) {
              const u = onlyIn[w]! & ~acc[w]!;
              const n = last - w * 32; // bits of this word below `last`
              if (u !== 0 && (n >= 32 ? u : u & ((1 << n) - 1)) !== 0) below = true;
            }
            if (below) {
              codes[rowBase + d] = 6;
              continue;
            }
            code = 2;
          } else if (r.walk === 'report-all') {
            codes[rowBase + d] = 6;
            continue;
          } else {
            const decider = highestBit(onlyIn, 0, W);
            const decided = decider >= 0 && (acc[decider >>> 5]! & (1 << (decider & 31))) !== 0;
            if (!(r.assignBug && decided)) {
              codes[rowBase + d] = 6;
              continue;
            }
            code = 4;
          }
        }
        if (isKvm[s] && cpuClass[s] !== cpuClass[d]) {
          let fail = false;
          const a = hosts[s]!.cpu;
          const b = hosts[d]!.cpu;
          for (let k = 0; k < 3 && !fail; k++) {
            const i = identityIdx[k]!;
            const inBoth = has(maskedS, so, i) && has(maskedD, dOff, i);
            if (writable[d]![k] || !inBoth || (identityHidden[k] && hides(r))) continue;
            const differ = k === 0 ? a.midr !== b.midr : k === 1 ? a.revidr !== b.revidr : a.aidr !== b.aidr;
            if (differ) fail = true;
          }
          if (fail) {
            codes[rowBase + d] = 6;
            continue;
          }
          if (!(allowed[s]! & allowed[d]!) && code < 3) code = 3;
        }
        // TCG writes an undefined value for a register missing from the stream (context.ts, tcgUndefinedMissing).
        if (!isKvm[d] && miss !== 0) {
          codes[rowBase + d] = 6;
          continue;
        }
        if (isTcgWithValues[s] && isTcgWithValues[d]) {
          const inBoth = (id: bigint) => {
            const i = universe.indexOf(id);
            return has(maskedS, so, i) && has(maskedD, dOff, i);
          };
          if (tcgReadBackFailures(hosts[s]!, hosts[d]!, inBoth).length > 0) {
            codes[rowBase + d] = 6;
            continue;
          }
        }
        codes[rowBase + d] = code;
      }
      if (progress && (s & 15) === 15) progress(m * H + s + 1, M * H);
    }
  }
  progress?.(M * H, M * H);
  return {
    machines,
    hosts,
    codes,
    outcome: (m, s, d) => outcomes[codes[(m * H + s) * H + d]!]!,
  };
}

// Re-exported for callers that want the pieces.
export { unsupportedReason, cpusDiffer } from './common.js';

/**
 * The fast simulator.
 *
 * - explainPair(): one cell in full (QEMU's lines, notes), by a merge walk over
 *   the two sorted register lists, as QEMU's destination does it.
 * - simulateMatrix(): outcomes only, for machine types × sources ×
 *   destinations. Every register id of the universe is mapped once to a dense
 *   index in id order; each host becomes a Uint32Array bitset; each machine
 *   type a few masks. A pair then costs a pass over W = ⌈universe/32⌉ words,
 *   so the whole matrix grows linearly with its number of cells.
 *
 * Both agree with the reference model (reference.ts); tests check it.
 */
import { generationFor, identityStep, identityWritable, unsupportedReason, cpusDiffer, cpuAllowed } from './common.js';
import { describeRegister, identityRegs, lengthLines, loadFailedLines, missingLine, unexpectedLine, hostLabel, MAX_REPORTED_ANOMALIES } from './messages.js';
import type { AcceptedRegister, HostModel, MachineModel, Outcome, PairResult, SimulateOptions, ToleratedModel } from './types.js';
import { outcomes } from './types.js';
import { compareVersions } from './versions.js';

function hexValue(v: bigint): string {
  return '0x' + v.toString(16);
}

/** One cell in full: outcome, the lines QEMU prints, and notes for people. */
/** Most register names one note lists before `and N more`. */
const NOTE_NAMES = 12;

export function explainPair(machine: MachineModel, src: HostModel, dst: HostModel, opts: SimulateOptions): PairResult {
  const qemu = generationFor(dst, opts);
  const hidden = new Set(machine.hidden);
  const S = src.regs.filter((id) => !hidden.has(id));
  const D = dst.regs.filter((id) => !hidden.has(id));
  const tol = new Map<bigint, ToleratedModel>();
  for (const t of machine.tolerated) if (!hidden.has(t.id)) tol.set(t.id, t);

  const missing: bigint[] = [];
  const unexpected: bigint[] = [];
  const accepted: AcceptedRegister[] = [];
  const rejectedTests: bigint[] = [];
  const walkLines: string[] = [];
  let stopped = false;
  let i = 0;
  let j = 0;
  let matchedIdentity = new Set<bigint>();
  while (i < S.length || j < D.length) {
    if (j >= D.length || (i < S.length && S[i] < D[j])) {
      const id = S[i++];
      const t = tol.get(id);
      let ok = false;
      if (t !== undefined) {
        if (t.kind === 'one-end') ok = true;
        else if (((opts.regValues.get(id) ?? 0n) & t.mask) === t.value) ok = true;
        else rejectedTests.push(id);
      }
      if (ok) {
        accepted.push({ id, kind: t!.kind });
        continue;
      }
      unexpected.push(id);
      if (!stopped && unexpected.length <= MAX_REPORTED_ANOMALIES) walkLines.push(unexpectedLine(dst.accel, id));
      if (qemu === '10.2') stopped = true;
    } else if (i >= S.length || D[j] < S[i]) {
      const id = D[j++];
      missing.push(id);
      if (!stopped && missing.length <= MAX_REPORTED_ANOMALIES) walkLines.push(missingLine(dst.accel, id));
    } else {
      if (identityRegs.includes(S[i])) matchedIdentity.add(S[i]);
      i++;
      j++;
    }
  }

  const base = { qemu, missing, unexpected, accepted, rejectedTests, sourceLength: S.length, destinationLength: D.length };
  const reason = unsupportedReason(machine, src, dst);
  if (reason !== null) return { ...base, outcome: 'unsupported', lines: [], notes: [reason] };

  const notes: string[] = [];
  const oneName = describeRegisterFor(machine);
  // Lists of names in notes stay readable when hosts differ by thousands of registers.
  const names = (ids: readonly bigint[]) =>
    ids.length <= NOTE_NAMES ? ids.map(oneName).join(', ') : `${ids.slice(0, NOTE_NAMES).map(oneName).join(', ')} and ${ids.length - NOTE_NAMES} more`;
  const onlySrc = `listed by ${hostLabel(src)} but not by ${hostLabel(dst)}`;
  for (const id of rejectedTests) {
    const t = tol.get(id)!;
    const v = opts.regValues.get(id) ?? 0n;
    notes.push(
      `${oneName(id)} is ${onlySrc}; ${machine.name} tolerates it only when (value & ${hexValue(t.mask)}) == ${hexValue(t.value)}, and the incoming value ${hexValue(v)} fails that test (set it with --reg-value).`,
    );
  }
  const plainUnexpected = unexpected.filter((id) => !rejectedTests.includes(id));
  if (plainUnexpected.length > 0)
    notes.push(
      `${names(plainUnexpected)} ${plainUnexpected.length === 1 ? 'is' : 'are'} ${onlySrc}, and ${machine.name} neither hides nor tolerates ${plainUnexpected.length === 1 ? 'it' : 'them'}: hide ${plainUnexpected.length === 1 ? 'it' : 'them'} (newer kernel added ${plainUnexpected.length === 1 ? 'it' : 'them'}) or tolerate ${plainUnexpected.length === 1 ? 'it' : 'them'} (older kernel listed ${plainUnexpected.length === 1 ? 'it' : 'them'}).`,
    );
  if (accepted.length > 0) {
    const one = accepted.length === 1;
    const kinds = new Set(accepted.map((a) => a.kind));
    const how = [...kinds].map((k) => (k === 'one-end' ? 'on one end only' : 'when the value test passes')).join(' or ');
    notes.push(`${names(accepted.map((a) => a.id))} ${one ? 'is' : 'are'} only on the source; ${machine.name} tolerates ${one ? 'it' : 'them'} (${how}), so the destination ignores ${one ? 'it' : 'them'}.`);
  }
  if (missing.length > 0)
    notes.push(`${names(missing)} ${missing.length === 1 ? 'is' : 'are'} listed by ${hostLabel(dst)} but not sent by ${hostLabel(src)}: ${missing.length === 1 ? 'it keeps its' : 'they keep their'} reset value${missing.length === 1 ? '' : 's'} on the destination.`);

  const room = opts.toleratedRoom ? [...tol.keys()].filter((id) => !binaryHas(D, id)).length : 0;
  if (qemu === '10.2' && S.length > D.length + room) {
    notes.unshift(
      `The source sends ${S.length} registers and the destination has room for ${D.length + room}${room > 0 ? ` (${D.length} + ${room} tolerated)` : ''}: QEMU ≤ 10.2 rejects a longer list before comparing indexes (QEMU 11.x would report each mismatch instead).`,
    );
    return { ...base, outcome: 'fail', lines: lengthLines(S.length, D.length + room), notes };
  }
  if (unexpected.length > 0) {
    if (qemu === '10.2' && unexpected.length > 1)
      notes.push(`QEMU ≤ 10.2 stops at the first unexpected register; ${unexpected.length - 1} more would follow.`);
    return { ...base, outcome: 'fail', lines: [...walkLines, ...loadFailedLines()], notes };
  }
  const ident = identityStep(machine, src, dst, (id) => matchedIdentity.has(id));
  let outcome: Outcome = missing.length > 0 ? 'warn' : 'ok';
  if (ident.unsafe) outcome = 'unsafe';
  if (ident.fail) outcome = 'fail';
  return { ...base, outcome, lines: [...walkLines, ...ident.lines], notes: [...notes, ...ident.notes] };
}

function describeRegisterFor(machine: MachineModel): (id: bigint) => string {
  return (id) => describeRegister(id, machine);
}

function binaryHas(sorted: readonly bigint[], id: bigint): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid];
    if (v === id) return true;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Outcome codes in a matrix: index into `outcomes`. */
export const outcomeCode: Readonly<Record<Outcome, number>> = { ok: 0, warn: 1, unsafe: 2, unsupported: 3, fail: 4 };

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

/** Outcomes of every (machine type, source, destination) cell. */
export function simulateMatrix(
  machines: readonly MachineModel[],
  hosts: readonly HostModel[],
  opts: SimulateOptions,
  progress?: MatrixProgress,
): Matrix {
  const H = hosts.length;
  const M = machines.length;
  const universe = new Universe([
    ...hosts.map((h) => h.regs),
    ...machines.map((m) => m.hidden),
    ...machines.map((m) => m.tolerated.map((t) => t.id)),
    identityRegs,
  ]);
  const W = universe.words;
  const hostBits = new Uint32Array(H * W);
  hosts.forEach((h, k) => universe.bits(h.regs, hostBits, k * W));

  const identityIdx = identityRegs.map((id) => universe.indexOf(id));
  const has = (bits: Uint32Array, off: number, i: number) => (bits[off + (i >>> 5)] & (1 << (i & 31))) !== 0;
  const isKvm = hosts.map((h) => h.accel === 'kvm');
  const gen10 = hosts.map((h) => generationFor(h, opts) === '10.2');
  const writable = hosts.map((h) => identityRegs.map((id) => identityWritable(h, id)));
  // Hosts with identical CPU identity share a class.
  const cpuKey = new Map<string, number>();
  const cpuClass = hosts.map((h) => {
    const k = `${h.cpu.midr}:${h.cpu.revidr}:${h.cpu.aidr}`;
    if (!cpuKey.has(k)) cpuKey.set(k, cpuKey.size);
    return cpuKey.get(k)!;
  });

  const codes = new Uint8Array(M * H * H);
  const masked = new Uint32Array(H * W);
  const notAccept = new Uint32Array(W);
  const tolAll = new Uint32Array(W);
  const keep = new Uint32Array(W);
  const len = new Int32Array(H);
  const room = new Int32Array(H);
  const unsupportedHost = new Uint8Array(H);
  const allowed = new Uint8Array(H);

  for (let m = 0; m < M; m++) {
    const mt = machines[m];
    keep.fill(0xffffffff);
    for (const id of mt.hidden) {
      const i = universe.indexOf(id);
      keep[i >>> 5] &= ~(1 << (i & 31));
    }
    notAccept.fill(0xffffffff);
    tolAll.fill(0);
    for (const t of mt.tolerated) {
      const i = universe.indexOf(t.id);
      tolAll[i >>> 5] |= 1 << (i & 31);
      const pass = t.kind === 'one-end' || ((opts.regValues.get(t.id) ?? 0n) & t.mask) === t.value;
      if (pass) notAccept[i >>> 5] &= ~(1 << (i & 31));
    }
    for (let w = 0; w < W; w++) tolAll[w] &= keep[w];
    for (let h = 0; h < H; h++) {
      const off = h * W;
      let n = 0;
      let r = 0;
      for (let w = 0; w < W; w++) {
        const v = hostBits[off + w] & keep[w];
        masked[off + w] = v;
        n += popcount(v);
        r += popcount(tolAll[w] & ~v);
      }
      len[h] = n;
      room[h] = opts.toleratedRoom ? r : 0;
      const host = hosts[h];
      unsupportedHost[h] =
        mt.requiresKernel !== null && host.accel === 'kvm' && (host.kernel === null || compareVersions(host.kernel, mt.requiresKernel) < 0) ? 1 : 0;
      allowed[h] = cpuAllowed(mt, host.cpu) ? 1 : 0;
    }
    const identityKept = identityIdx.map((i) => (keep[i >>> 5] & (1 << (i & 31))) !== 0);

    for (let s = 0; s < H; s++) {
      const so = s * W;
      const rowBase = (m * H + s) * H;
      for (let d = 0; d < H; d++) {
        if (unsupportedHost[s] | unsupportedHost[d] || isKvm[s] !== isKvm[d]) {
          codes[rowBase + d] = 3;
          continue;
        }
        if (gen10[d] && len[s] > len[d] + room[d]) {
          codes[rowBase + d] = 4;
          continue;
        }
        const dOff = d * W;
        let unexp = 0;
        let miss = 0;
        for (let w = 0; w < W; w++) {
          const sv = masked[so + w];
          const dv = masked[dOff + w];
          unexp |= sv & ~dv & notAccept[w];
          miss |= dv & ~sv;
        }
        if (unexp !== 0) {
          codes[rowBase + d] = 4;
          continue;
        }
        let code = miss !== 0 ? 1 : 0;
        if (isKvm[s] && cpuClass[s] !== cpuClass[d]) {
          let fail = false;
          {
            const a = hosts[s].cpu;
            const b = hosts[d].cpu;
            for (let k = 0; k < 3 && !fail; k++) {
              if (writable[d][k] || !identityKept[k] || !has(masked, so, identityIdx[k]) || !has(masked, dOff, identityIdx[k])) continue;
              const differ = k === 0 ? a.midr !== b.midr : k === 1 ? a.revidr !== b.revidr : a.aidr !== b.aidr;
              if (differ) fail = true;
            }
          }
          if (fail) code = 4;
          else if (!(allowed[s] & allowed[d])) code = 2;
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
    outcome: (m, s, d) => outcomes[codes[(m * H + s) * H + d]],
  };
}

// Re-exported for callers that want the pieces.
export { unsupportedReason, cpusDiffer };

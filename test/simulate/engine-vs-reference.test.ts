/**
 * Property tests: the fast engine (merge walk and bitset matrix) agrees with
 * the plain set-based reference model on random register lists, hidden and
 * tolerated sets, values, CPUs, kernels and QEMU generations.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explainPair, simulateMatrix } from '../../src/simulate/engine.js';
import { referencePair } from '../../src/simulate/reference.js';
import type { HostModel, MachineModel, PairResult, SimulateOptions } from '../../src/simulate/types.js';

// A small universe so that random lists overlap a lot; includes the identity registers.
const POOL: bigint[] = [
  0x603000000013c000n, // MIDR_EL1
  0x603000000013c006n, // REVIDR_EL1
  0x603000000013c807n, // AIDR_EL1
  0x6030000000160003n,
  0x6030000000160000n,
  0x603000000013c103n,
  0x603000000013c512n,
  0x603000000013c513n,
  0x603000000013df19n,
  0x6020000000110001n,
  0x40200000200e0298n,
  0x6030000000140002n,
];

const subset = fc.subarray(POOL).map((l) => [...l].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
const cpu = fc.constantFrom(
  { midr: 0x413fd0c1n, revidr: 0n, aidr: 0n },
  { midr: 0xc00fac31n, revidr: 0n, aidr: 0n },
  { midr: 0x413fd0c1n, revidr: 1n, aidr: 0n },
);
const host = (name: string) =>
  fc.record({
    accel: fc.constantFrom<'kvm' | 'tcg'>('kvm', 'kvm', 'kvm', 'tcg'),
    kernel: fc.constantFrom('6.6', '6.12', '6.15', '6.18'),
    qemu: fc.constantFrom<string | null>(null, '10.0', '11.0'),
    cpu,
    regs: subset,
  }).map((h): HostModel => ({ name, ...h }));
const small = fc.constantFrom(0n, 1n, 3n, 0xffffffffffffffffn);
const machineArb = fc
  .record({
    hidden: fc.subarray(POOL, { maxLength: 4 }),
    tolerated: fc.array(
      fc.record({ id: fc.constantFrom(...POOL), kind: fc.constantFrom<'one-end' | 'source-value'>('one-end', 'source-value'), mask: small, value: small }),
      { maxLength: 5 },
    ),
    allowed: fc.subarray([0x413fd0c1n, 0xc00fac31n]),
    requiresKernel: fc.constantFrom<string | null>(null, null, '6.12', '6.15'),
  })
  .map(({ hidden, tolerated, allowed, requiresKernel }): MachineModel => {
    // One rule per id, as the build document guarantees (and never hidden and tolerated: MTC1006).
    const seen = new Set<bigint>(hidden);
    const tol = tolerated.filter((t) => (seen.has(t.id) ? false : (seen.add(t.id), true)));
    return { name: 'm', target: 'x-mig', hidden, tolerated: tol, allowedCpus: allowed.map((midr) => ({ midr, revidr: null, aidr: null })), requiresKernel };
  });
const optsArb = fc
  .record({
    qemu: fc.constantFrom<'10.2' | '11.0'>('10.2', '11.0'),
    toleratedRoom: fc.boolean(),
    values: fc.array(fc.tuple(fc.constantFrom(...POOL), small), { maxLength: 3 }),
  })
  .map((o): SimulateOptions => ({ qemu: o.qemu, toleratedRoom: o.toleratedRoom, regValues: new Map(o.values) }));

const comparable = (r: PairResult) => ({ ...r, notes: undefined });

describe('fast engine vs reference model', () => {
  it('explainPair equals the reference on random pairs', () => {
    fc.assert(
      fc.property(machineArb, host('a'), host('b'), optsArb, (m, a, b, o) => {
        expect(comparable(explainPair(m, a, b, o))).toEqual(comparable(referencePair(m, a, b, o)));
      }),
      { numRuns: 2000 },
    );
  });

  it('the bitset matrix gives the reference outcome for every cell', () => {
    fc.assert(
      fc.property(fc.array(machineArb, { minLength: 1, maxLength: 3 }), fc.array(fc.integer(), { minLength: 2, maxLength: 5 }), optsArb, (ms, seeds, o) => {
        // Hosts from the seed integers, deterministic.
        const hosts = seeds.map((s, k) => fc.sample(host(`h${k}`), { numRuns: 1, seed: s })[0]);
        const mx = simulateMatrix(ms, hosts, o);
        ms.forEach((m, mi) =>
          hosts.forEach((a, si) => hosts.forEach((b, di) => expect(mx.outcome(mi, si, di)).toBe(referencePair(m, a, b, o).outcome))),
        );
      }),
      { numRuns: 400 },
    );
  });

  it('the bitset matrix handles universes wider than one word', () => {
    const wide = Array.from({ length: 100 }, (_, i) => 0x6030000000130000n + BigInt(i));
    fc.assert(
      fc.property(fc.array(fc.subarray(wide), { minLength: 2, maxLength: 4 }), fc.subarray(wide, { maxLength: 10 }), (lists, tol) => {
        const hosts: HostModel[] = lists.map((regs, k) => ({ name: `w${k}`, accel: 'kvm', kernel: '6.12', qemu: null, cpu: { midr: 1n, revidr: 0n, aidr: 0n }, regs: [...regs].sort((x, y) => (x < y ? -1 : 1)) }));
        const m: MachineModel = { name: 'w', target: 'x-mig', hidden: [], tolerated: tol.map((id) => ({ id, kind: 'one-end', mask: 0n, value: 0n })), allowedCpus: [], requiresKernel: null };
        const o: SimulateOptions = { qemu: '11.0', toleratedRoom: true, regValues: new Map() };
        const mx = simulateMatrix([m], hosts, o);
        hosts.forEach((a, si) => hosts.forEach((b, di) => expect(mx.outcome(0, si, di)).toBe(referencePair(m, a, b, o).outcome)));
      }),
      { numRuns: 200 },
    );
  });
});

/**
 * Property tests: the detailed pair model (pair.ts) and the bitset matrix
 * (engine.ts) agree with the plain set-based reference model (reference.ts)
 * on random register lists, hidden and tolerated sets, sent and captured
 * values, CPUs, kernels and every QEMU release of catalog/qemu/releases.yaml
 * on either end (their walks, length checks, built-in tolerances, the 11.1
 * assignment bug and the streams a release refuses).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explainPair, simulateMatrix } from '../../src/simulate/engine.js';
import { referenceOutcome } from '../../src/simulate/reference.js';
import { loadReleases } from '../../src/qemu/releases.js';
import type { HostModel, MachineModel, SimulateOptions } from '../../src/simulate/types.js';

// A small universe so that random lists overlap a lot: the identity registers,
// the registers 11.1.1 tolerates by itself (target/arm/cpu64.c:769-789,
// helper.c:6499), an ID register TCG reads back, and a few others.
const POOL: bigint[] = [
  0x603000000013c000n, // MIDR_EL1
  0x603000000013c006n, // REVIDR_EL1
  0x603000000013c807n, // AIDR_EL1
  0x603000000013c030n, // ID_AA64ISAR0_EL1
  0x6030000000160003n, // KVM_REG_ARM_VENDOR_HYP_BMAP_2
  0x6030000000160000n,
  0x603000000013c103n, // TCR2_EL1
  0x603000000013c512n, // PIRE0_EL1
  0x603000000013c513n, // PIR_EL1
  0x603000000013df19n,
  0x6020000000110001n,
  0x40200000200e0298n, // DBGDTRTX (AArch32)
  0x6030000000140002n,
];

const RELEASES = loadReleases().map((r) => r.id);
const sorted = (l: readonly bigint[]) => [...l].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const subset = fc.subarray(POOL).map(sorted);
const small = fc.constantFrom(0n, 1n, 3n, 0xffffffffffffffffn);
const cpu = fc.constantFrom(
  { midr: 0x413fd0c1n, revidr: 0n, aidr: 0n },
  { midr: 0xc00fac31n, revidr: 0n, aidr: 0n },
  { midr: 0x413fd0c1n, revidr: 1n, aidr: 0n },
);
const host = (name: string) =>
  fc
    .record({
      accel: fc.constantFrom<'kvm' | 'tcg'>('kvm', 'kvm', 'kvm', 'tcg'),
      kernel: fc.constantFrom('6.6', '6.12', '6.15', '6.18'),
      qemu: fc.constantFrom<string | null>(null, '10.0.13', '10.2.2', '11.1.1', '10.1'),
      cpu,
      regs: subset,
      values: fc.option(fc.array(fc.tuple(fc.constantFrom(...POOL), small), { maxLength: 4 }), { nil: undefined }),
    })
    .map(({ values, ...h }): HostModel => {
      // Captured values exist only for registers the host lists.
      const v = values?.filter(([id]) => h.regs.includes(id));
      return { name, ...h, ...(v ? { values: new Map(v) } : {}) };
    });
const machineArb = fc
  .record({
    target: fc.constantFrom<'x-mig' | 'tolerances'>('x-mig', 'tolerances'),
    hidden: fc.subarray(POOL, { maxLength: 4 }),
    tolerated: fc.array(
      fc.record({ id: fc.constantFrom(...POOL), kind: fc.constantFrom<'one-end' | 'source-value'>('one-end', 'source-value'), mask: small, value: small }),
      { maxLength: 5 },
    ),
    allowed: fc.subarray([0x413fd0c1n, 0xc00fac31n]),
    requiresKernel: fc.constantFrom<string | null>(null, null, '6.12', '6.15'),
  })
  .map(({ target, hidden, tolerated, allowed, requiresKernel }): MachineModel => {
    // One rule per id, as the build document guarantees (never hidden and
    // tolerated: MTC1006); the tolerances target has no hide rules.
    const hid = target === 'x-mig' ? hidden : [];
    const seen = new Set<bigint>(hid);
    const tol = tolerated.filter((t) => (seen.has(t.id) ? false : (seen.add(t.id), true)));
    return { name: 'm', target, hidden: hid, tolerated: tol, allowedCpus: allowed.map((midr) => ({ midr, revidr: null, aidr: null })), requiresKernel };
  });
const release = fc.constantFrom(...RELEASES).map((id) => loadReleases().find((r) => r.id === id)!);
const optsArb = fc
  .record({ from: release, to: release, values: fc.array(fc.tuple(fc.constantFrom(...POOL), small), { maxLength: 3 }) })
  .map((o): SimulateOptions => ({ from: o.from, to: o.to, regValues: new Map(o.values) }));

describe('fast engine vs reference model', () => {
  it('the detailed pair model gives the reference outcome on random pairs', () => {
    fc.assert(
      fc.property(machineArb, host('a'), host('b'), optsArb, (m, a, b, o) => {
        expect(explainPair(m, a, b, o).outcome).toBe(referenceOutcome(m, a, b, o));
      }),
      { numRuns: 3000 },
    );
  });

  it('the detailed pair model explains what it decides: lines for a failure, registers for every difference', () => {
    fc.assert(
      fc.property(machineArb, host('a'), host('b'), optsArb, (m, a, b, o) => {
        const r = explainPair(m, a, b, o);
        if (r.outcome === 'fail') expect(r.lines.length + r.notes.length).toBeGreaterThan(0);
        if (r.outcome === 'dropped') expect(r.dropped.length).toBeGreaterThan(0);
        if (r.outcome === 'bug') expect(r.clearedBy).not.toBeNull();
        for (const id of r.unexpected) expect(r.accepted.some((x) => x.id === id)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('the bitset matrix gives the reference outcome for every cell', () => {
    fc.assert(
      fc.property(fc.array(machineArb, { minLength: 1, maxLength: 3 }), fc.array(fc.integer(), { minLength: 2, maxLength: 5 }), optsArb, (ms, seeds, o) => {
        // Hosts from the seed integers, deterministic.
        const hosts = seeds.map((s, k) => fc.sample(host(`h${k}`), { numRuns: 1, seed: s })[0]!);
        const mx = simulateMatrix(ms, hosts, o);
        ms.forEach((m, mi) =>
          hosts.forEach((a, si) => hosts.forEach((b, di) => expect([mi, si, di, mx.outcome(mi, si, di)]).toEqual([mi, si, di, referenceOutcome(m, a, b, o)]))),
        );
      }),
      { numRuns: 400 },
    );
  });

  it('the bitset matrix handles universes wider than one word', () => {
    const wide = Array.from({ length: 100 }, (_, i) => 0x6030000000130000n + BigInt(i));
    fc.assert(
      fc.property(fc.array(fc.subarray(wide), { minLength: 2, maxLength: 4 }), fc.subarray(wide, { maxLength: 10 }), release, (lists, tol, rel) => {
        const hosts: HostModel[] = lists.map((regs, k) => ({ name: `w${k}`, accel: 'kvm', kernel: '6.12', qemu: null, cpu: { midr: 1n, revidr: 0n, aidr: 0n }, regs: sorted(regs) }));
        const m: MachineModel = { name: 'w', target: 'tolerances', hidden: [], tolerated: tol.map((id) => ({ id, kind: 'one-end', mask: 0n, value: 0n })), allowedCpus: [], requiresKernel: null };
        const o: SimulateOptions = { from: rel, to: rel, regValues: new Map() };
        const mx = simulateMatrix([m], hosts, o);
        hosts.forEach((a, si) => hosts.forEach((b, di) => expect(mx.outcome(0, si, di)).toBe(referenceOutcome(m, a, b, o))));
      }),
      { numRuns: 200 },
    );
  });
});

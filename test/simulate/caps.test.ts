import { describe, expect, it } from 'vitest';
import { explainPair } from '../../src/simulate/engine.js';
import type { HostModel, MachineModel } from '../../src/simulate/types.js';
import { opts, release } from './helpers.js';

const cpu = { midr: 0x413fd0c1n, revidr: 0n, aidr: 0n };
const base = Array.from({ length: 50 }, (_, i) => 0x603000000013c000n + BigInt(i));
const extra = Array.from({ length: 300 }, (_, i) => 0x6030000000138000n + BigInt(i));
const host = (name: string, regs: bigint[]): HostModel => ({ name, accel: 'kvm', kernel: '6.15', qemu: null, cpu, regs: [...regs].sort((a, b) => (a < b ? -1 : 1)) });
const machine: MachineModel = { name: 'm-1.0', target: 'x-mig', hidden: [], tolerated: [], allowedCpus: [], requiresKernel: null };

describe('reports stay readable when hosts differ by hundreds of registers', () => {
  it('the x-mig series prints at most 10 missing registers, counted from 0; notes name 12 then count the rest', () => {
    expect(release('x-mig-series').anomalyCap).toBe(10);
    const r = explainPair(machine, host('small', base), host('big', [...base, ...extra]), opts({ qemu: 'x-mig-series' }));
    expect(r.outcome).toBe('warn');
    expect(r.missing).toHaveLength(300);
    const printed = r.lines.filter((l) => l.includes('Missing register'));
    expect(printed).toHaveLength(10);
    expect(printed[9]).toContain('Missing register in input stream: 9 0x6030000000138009');
    const note = r.notes.find((n) => n.includes('keep their reset values'))!;
    expect(note).toContain('and 288 more');
  });

  it('QEMU 11.1 prints every one (its walk has no cap)', () => {
    const r = explainPair(machine, host('small', base), host('big', [...base, ...extra]), opts({ qemu: '11.1' }));
    expect(r.lines.filter((l) => l.includes('expected by the destination'))).toHaveLength(300);
  });

  it('the series fails on a list longer than its slack of 10 before printing any register', () => {
    const r = explainPair(machine, host('big', [...base, ...extra]), host('small', base), opts({ qemu: 'x-mig-series' }));
    expect(r.outcome).toBe('fail');
    expect(r.unexpected).toHaveLength(300);
    expect(r.lines[0]).toBe('qemu-system-aarch64: Invalid value 350 expecting positive value <= 60');
  });
});

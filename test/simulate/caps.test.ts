import { describe, expect, it } from 'vitest';
import { explainPair } from '../../src/simulate/engine.js';
import { MAX_REPORTED_ANOMALIES } from '../../src/simulate/messages.js';
import type { HostModel, MachineModel } from '../../src/simulate/types.js';

const cpu = { midr: 0x413fd0c1n, revidr: 0n, aidr: 0n };
const base = Array.from({ length: 50 }, (_, i) => 0x603000000013c000n + BigInt(i));
const extra = Array.from({ length: 300 }, (_, i) => 0x6030000000138000n + BigInt(i));
const host = (name: string, regs: bigint[]): HostModel => ({ name, accel: 'kvm', kernel: '6.15', qemu: null, cpu, regs: [...regs].sort((a, b) => (a < b ? -1 : 1)) });
const machine: MachineModel = { name: 'm-1.0', target: 'x-mig', hidden: [], tolerated: [], allowedCpus: [], requiresKernel: null };

describe('reports stay readable when hosts differ by hundreds of registers', () => {
  it('QEMU prints at most 10 missing registers, and notes name 12 then count the rest', () => {
    const r = explainPair(machine, host('small', base), host('big', [...base, ...extra]), { qemu: '11.0', regValues: new Map(), toleratedRoom: true });
    expect(r.outcome).toBe('warn');
    expect(r.missing).toHaveLength(300);
    expect(r.lines.filter((l) => l.includes('Missing register'))).toHaveLength(MAX_REPORTED_ANOMALIES);
    const note = r.notes.find((n) => n.includes('keep their reset values'))!;
    expect(note).toContain('and 288 more');
  });

  it('QEMU 11 prints at most 10 unexpected registers', () => {
    const r = explainPair(machine, host('big', [...base, ...extra]), host('small', base), { qemu: '11.0', regValues: new Map(), toleratedRoom: true });
    expect(r.outcome).toBe('fail');
    expect(r.unexpected).toHaveLength(300);
    expect(r.lines.filter((l) => l.includes('Unexpected register'))).toHaveLength(MAX_REPORTED_ANOMALIES);
  });
});

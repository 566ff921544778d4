/**
 * Steps shared by the fast engine and the reference model: whether a pair is
 * supported at all, which QEMU generation loads it, and the CPU identity
 * writes (MIDR_EL1, REVIDR_EL1, AIDR_EL1) after a successful walk.
 */
import { describeRegister, hex32, identityRegs, MIDR_EL1, REVIDR_EL1 } from './messages.js';
import type { CpuIdentity, HostModel, MachineModel } from './types.js';
import { compareVersions, WRITABLE_ID_KERNEL } from './versions.js';
import { registerName, renderLine, type ReleaseModel } from '../qemu/releases.js';

/** Why a pair is outside what the machine type supports, or null. */
export function unsupportedReason(machine: MachineModel, src: HostModel, dst: HostModel): string | null {
  if (src.accel !== dst.accel)
    return `${src.name} uses ${src.accel.toUpperCase()} and ${dst.name} uses ${dst.accel.toUpperCase()}; QEMU does not migrate between accelerators`;
  const req = machine.requiresKernel;
  if (req !== null) {
    for (const h of [src, dst]) {
      if (h.accel !== 'kvm') continue;
      if (h.kernel === null) return `${h.name} has no kernel version, and ${machine.name} requires kernel ${req} or newer`;
      if (compareVersions(h.kernel, req) < 0)
        return `${h.name} runs kernel ${h.kernel}, below ${machine.name}'s minimum kernel ${req}: the pair is outside what the machine type supports`;
    }
  }
  return null;
}

export function cpusDiffer(a: CpuIdentity, b: CpuIdentity): boolean {
  return a.midr !== b.midr || a.revidr !== b.revidr || a.aidr !== b.aidr;
}

export function cpuAllowed(machine: MachineModel, cpu: CpuIdentity): boolean {
  return machine.allowedCpus.some(
    (c) => c.midr === cpu.midr && (c.revidr === null || c.revidr === cpu.revidr) && (c.aidr === null || c.aidr === cpu.aidr),
  );
}

/** Whether KVM_SET_ONE_REG accepts a different value of identity register `id` on host `h`. */
export function identityWritable(h: HostModel, id: bigint): boolean {
  if (h.writable) return h.writable.includes(id);
  return h.kernel !== null && compareVersions(h.kernel, WRITABLE_ID_KERNEL) >= 0;
}

function identityValue(cpu: CpuIdentity, id: bigint): bigint {
  return id === MIDR_EL1 ? cpu.midr : id === REVIDR_EL1 ? cpu.revidr : cpu.aidr;
}

export interface IdentityStep {
  /** QEMU lines printed by the writes (only when they fail). */
  readonly lines: string[];
  readonly fail: boolean;
  readonly unsafe: boolean;
  readonly notes: string[];
}

/**
 * After the walk succeeded, QEMU writes the migrated values back with
 * KVM_SET_ONE_REG. The identity registers are invariant before Linux 6.15 (a
 * different value fails the load) and writable from 6.15 (the write succeeds;
 * the migration is safe only when both CPUs are on the allow list).
 * `migrated(id)`: the id is in both lists after hiding, so it is written.
 */
export function identityStep(machine: MachineModel, src: HostModel, dst: HostModel, migrated: (id: bigint) => boolean, to: ReleaseModel): IdentityStep {
  const none: IdentityStep = { lines: [], fail: false, unsafe: false, notes: [] };
  if (src.accel !== 'kvm' || dst.accel !== 'kvm' || !cpusDiffer(src.cpu, dst.cpu)) return none;
  const writable = identityRegs.every((id) => identityWritable(dst, id));
  const cpuText = `${src.name} has MIDR ${hex32(src.cpu.midr)}${src.cpu.name ? ` (${src.cpu.name})` : ''}, ${dst.name} has MIDR ${hex32(dst.cpu.midr)}${dst.cpu.name ? ` (${dst.cpu.name})` : ''}`;
  {
    const lines: string[] = [];
    const failed: bigint[] = [];
    for (const id of identityRegs) {
      if (!migrated(id) || identityWritable(dst, id)) continue;
      const v = identityValue(src.cpu, id);
      const is = identityValue(dst.cpu, id);
      if (v !== is) {
        // QEMU prints the value with %x (the identity registers are 64-bit: %PRIx64), no 0x.
        if (to.messages.setRegister) lines.push(renderLine(to.messages.setRegister, { name: registerName(to, 'kvm', id), value: v.toString(16), is: is.toString(16) }));
        failed.push(id);
      }
    }
    if (failed.length > 0) {
      return {
        lines: [...lines, ...to.messages.postLoadFail.map((t) => renderLine(t, {}))],
        fail: true,
        unsafe: false,
        notes: [
          `Different CPUs: ${cpuText}. The destination kernel ${dst.kernel ?? '?'} does not let userspace change the identity registers (writable from ${WRITABLE_ID_KERNEL}), so KVM_SET_ONE_REG rejects the source's ${failed.map((id) => describeRegister(id)).join(', ')}.`,
        ],
      };
    }
  }
  const both = cpuAllowed(machine, src.cpu) && cpuAllowed(machine, dst.cpu);
  if (both) {
    return { lines: [], fail: false, unsafe: false, notes: [`Different CPUs: ${cpuText}; both are on ${machine.name}'s allow list, so the guest knows both implementations.`] };
  }
  const missingAllow = [src, dst].filter((h) => !cpuAllowed(machine, h.cpu)).map((h) => `${hex32(h.cpu.midr)} (${h.name})`);
  return {
    lines: [],
    fail: false,
    unsafe: true,
    notes: [
      `Different CPUs: ${cpuText}. The load passes${writable ? ` (MIDR/REVIDR/AIDR are writable from kernel ${WRITABLE_ID_KERNEL})` : ''}, but the guest keeps the source CPU's identity and errata workarounds: not on ${machine.name}'s allow list: ${missingAllow.join(', ')}. Add \`allow cpu\` rules for both CPUs, or keep the guest on one CPU type.`,
    ],
  };
}

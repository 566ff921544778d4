/**
 * The lines QEMU prints on the destination (domain.md §3), and register names
 * for people. QEMU's own register naming comes from the catalog's qemuName().
 */
import { idHex, loadBuiltinCatalog, qemuName } from '../catalog/index.js';
import type { HostModel, MachineModel } from './types.js';

export const QEMU_PREFIX = 'qemu-system-aarch64: ';

export const MIDR_EL1 = 0x603000000013c000n;
export const REVIDR_EL1 = 0x603000000013c006n;
export const AIDR_EL1 = 0x603000000013c807n;
export const identityRegs: readonly bigint[] = [MIDR_EL1, REVIDR_EL1, AIDR_EL1];

/** Where the walk's messages come from: KVM's post-load hook, or the generic one under TCG (inferred). */
export function postLoadFunction(accel: 'kvm' | 'tcg'): string {
  return accel === 'kvm' ? 'kvm_arm_cpu_post_load' : 'cpu_post_load';
}

export function lengthLines(incoming: number, limit: number): string[] {
  return [
    `${QEMU_PREFIX}Invalid value ${incoming} expecting positive value <= ${limit}`,
    `${QEMU_PREFIX}Failed to load cpu:cpreg_vmstate_array_len`,
    `${QEMU_PREFIX}error while loading state for instance 0x0 of device 'cpu'`,
    `${QEMU_PREFIX}load of migration failed: Invalid argument`,
  ];
}

export function missingLine(accel: 'kvm' | 'tcg', id: bigint): string {
  return `${QEMU_PREFIX}${postLoadFunction(accel)} Missing register in input stream: 0 ${idHex(id)} ${qemuName(id)}`;
}

export function unexpectedLine(accel: 'kvm' | 'tcg', id: bigint): string {
  return `${QEMU_PREFIX}${postLoadFunction(accel)} Unexpected register in input stream: 0 ${idHex(id)} ${qemuName(id)}`;
}

export function setRegisterLine(id: bigint, value: bigint, is: bigint): string {
  return `${QEMU_PREFIX}Could not set register ${qemuName(id)} to ${value.toString(16)} (is ${is.toString(16)})`;
}

/**
 * The line that makes a migration fail, among the lines QEMU prints for it: the
 * length check, the first unexpected register or the refused identity write,
 * not a harmless "Missing register" warning printed before it.
 */
export function fatalLine(lines: readonly string[]): string | undefined {
  return lines.find((l) => /Invalid value|Unexpected register|Could not set register/.test(l)) ?? lines.find((l) => !/Missing register/.test(l)) ?? lines[0];
}

export function loadFailedLines(): string[] {
  return [
    `${QEMU_PREFIX}error while loading state for instance 0x0 of device 'cpu'`,
    `${QEMU_PREFIX}load of migration failed: Operation not permitted`,
  ];
}

/** `TCR2_EL1 (0x603000000013c103)`: the catalog or document name with the id, for people. */
export function describeRegister(id: bigint, machine?: MachineModel): string {
  const name = machine?.names?.get(id) ?? catalogName(id);
  return name ? `${name} (${idHex(id)})` : idHex(id);
}

function catalogName(id: bigint): string | undefined {
  try {
    return loadBuiltinCatalog().lookupId(id)?.name;
  } catch {
    return undefined;
  }
}

export function hostLabel(h: HostModel): string {
  if (h.accel === 'tcg') return `${h.name} (TCG, QEMU ${h.qemu ?? '?'})`;
  return `${h.name} (kernel ${h.kernel ?? '?'}${h.flavour ? '-' + h.flavour : ''})`;
}

export function hex32(v: bigint): string {
  return '0x' + v.toString(16).padStart(8, '0');
}

/**
 * QEMU prints at most this many missing and this many unexpected registers
 * (MAX_CPREG_VMSTATE_ANOMALIES in the series that added the messages; see
 * seeds/002), so a host list that differs by thousands stays readable.
 */
export const MAX_REPORTED_ANOMALIES = 10;

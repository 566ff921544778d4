/**
 * Register names and host labels for people, and which of QEMU's lines is
 * the fatal one. The lines themselves are each release's own
 * (catalog/qemu/releases.yaml, rendered in pair.ts).
 */
import { idHex, loadBuiltinCatalog, type Catalog } from '../catalog/index.js';
import type { HostModel, MachineModel } from './types.js';

export { QEMU_PREFIX } from '../qemu/releases.js';

export const MIDR_EL1 = 0x603000000013c000n;
export const REVIDR_EL1 = 0x603000000013c006n;
export const AIDR_EL1 = 0x603000000013c807n;
export const identityRegs: readonly bigint[] = [MIDR_EL1, REVIDR_EL1, AIDR_EL1];

/** Where the walk's messages come from: KVM's post-load hook, or the generic one under TCG (inferred). */
export function postLoadFunction(accel: 'kvm' | 'tcg'): string {
  return accel === 'kvm' ? 'kvm_arm_cpu_post_load' : 'cpu_post_load';
}

/**
 * The line that makes a migration fail, among the lines QEMU prints for it: the
 * length check, the first unexpected register or the refused identity write,
 * not a harmless "Missing register" warning printed before it.
 */
export function fatalLine(lines: readonly string[]): string | undefined {
  return (
    lines.find((l) => /Invalid value|Unexpected register|fail migration|Could not set register|Assertion|load of migration failed/.test(l)) ??
    lines.find((l) => !/Missing register|expected by the destination|warning:/.test(l)) ??
    lines[0]
  );
}

/** `TCR2_EL1 (0x603000000013c103)`: the catalog or document name with the id, for people. */
export function describeRegister(id: bigint, machine?: MachineModel, catalog?: Catalog): string {
  const name = machine?.names?.get(id) ?? catalogName(id, catalog);
  return name ? `${name} (${idHex(id)})` : idHex(id);
}

function catalogName(id: bigint, catalog: Catalog | undefined): string | undefined {
  try {
    return (catalog ?? loadBuiltinCatalog()).lookupId(id)?.name;
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

/**
 * A captured cpreg list as a host profile (schema/profile.schema.json): the
 * list of vCPU 0 as `registers`, its values as `values`, the identity of the
 * CPU as `cpu`, and how it was taken as `capture`. The YAML is written by hand
 * so that it is byte for byte deterministic and names each register in a
 * comment.
 */
import type { Catalog } from '../catalog/types.js';
import { decodeSysreg, genericSysregName, idHex } from '../catalog/regid.js';
import { compareVcpus, type CpregList } from './cpreg.js';
import type { ParsedStream } from './savevm.js';

export const MIDR_EL1 = 0x603000000013c000n;
export const REVIDR_EL1 = 0x603000000013c006n;
export const AIDR_EL1 = 0x603000000013c807n;

export interface CaptureMeta {
  readonly accel: 'tcg' | 'kvm';
  /** `10.2.2` (query-version, or `--qemu-version` for a stream file). */
  readonly qemuVersion?: string;
  readonly qemuPackage?: string;
  /** `-cpu` as given. */
  readonly cpu?: string;
  /** QOM type of vCPU 0 (`max-arm-cpu`). */
  readonly cpuType?: string;
  /** MIDR from the vCPU's `midr` property (TCG does not migrate MIDR_EL1). */
  readonly midr?: number;
  /** Machine type QEMU resolved `-M` to (`virt-10.2`), when known from QMP. */
  readonly machine?: string;
  /** Host kernel (`uname -r`), recorded for KVM captures. */
  readonly kernel?: string;
  readonly name?: string;
  readonly description?: string;
}

/** What the profile's `capture` block holds. */
export interface CaptureBlock {
  machine?: string;
  cpu?: string;
  cpu_type?: string;
  accel: 'tcg' | 'kvm';
  qemu_version?: string;
  qemu_package?: string;
  vcpus: number;
  cpu_section_version: number;
  /** Registers whose value differs on another vCPU (MPIDR-like per-core values). */
  vcpu_value_differences?: string[];
  /** Registers listed by vCPU 0 only, or by another vCPU only. */
  vcpu_list_differences?: string[];
}

export interface CapturedProfile {
  format: 1;
  name: string;
  description: string;
  accel: 'tcg' | 'kvm';
  kernel?: string;
  qemu?: string;
  cpu?: { name?: string; midr: string; revidr?: string; aidr?: string };
  capture: CaptureBlock;
  registers: string[];
  values: Record<string, string>;
}

const u32Hex = (v: bigint | number) => '0x' + v.toString(16).padStart(8, '0');
const u64Hex = (v: bigint) => '0x' + v.toString(16).padStart(16, '0');

/** `tcg-qemu-10.2.2-virt-10.2-max` (`-smp2` with two vCPUs); only the characters a profile name may have. */
export function defaultProfileName(meta: CaptureMeta, machine: string | undefined, vcpus = 1): string {
  const parts: string[] = [meta.accel];
  if (meta.accel === 'kvm' && meta.kernel) parts.push(meta.kernel);
  parts.push(meta.qemuVersion ? `qemu-${meta.qemuVersion}` : 'qemu');
  if (machine) parts.push(machine);
  if (meta.cpu) parts.push(meta.cpu);
  if (vcpus > 1) parts.push(`smp${vcpus}`);
  const name = parts
    .join('-')
    .replace(/[^A-Za-z0-9_.+-]/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);
  return name || 'captured';
}

/** Builds the profile from vCPU sections sorted by instance id (vCPU 0 first). */
export function buildProfile(stream: ParsedStream, lists: readonly CpregList[], meta: CaptureMeta): CapturedProfile {
  const sortedLists = [...lists].sort((a, b) => a.instanceId - b.instanceId);
  const cpu0 = sortedLists[0];
  // The configuration section names the machine type as QEMU resolved it; QMP's answer is the fallback.
  const machine = stream.machine ?? meta.machine;
  const value = new Map<bigint, bigint>();
  cpu0.indexes.forEach((id, i) => value.set(id, cpu0.values[i]));
  const cmp = compareVcpus(sortedLists);
  const capture: CaptureBlock = {
    accel: meta.accel,
    vcpus: sortedLists.length,
    cpu_section_version: cpu0.versionId,
  };
  if (machine !== undefined) capture.machine = machine;
  if (meta.cpu !== undefined) capture.cpu = meta.cpu;
  if (meta.cpuType !== undefined) capture.cpu_type = meta.cpuType;
  if (meta.qemuVersion !== undefined) capture.qemu_version = meta.qemuVersion;
  if (meta.qemuPackage) capture.qemu_package = meta.qemuPackage;
  if (cmp.valueDifferences.length) capture.vcpu_value_differences = cmp.valueDifferences.map(idHex);
  if (cmp.listDifferences.length) capture.vcpu_list_differences = cmp.listDifferences.map(idHex);

  const bits = [meta.qemuVersion ? `QEMU ${meta.qemuVersion}` : 'QEMU', machine ? `-M ${machine}` : undefined, meta.cpu ? `-cpu ${meta.cpu}` : undefined, `-accel ${meta.accel}`];
  if (sortedLists.length > 1) bits.push(`-smp ${sortedLists.length}`);
  const p: CapturedProfile = {
    format: 1,
    name: meta.name ?? defaultProfileName(meta, machine, sortedLists.length),
    description: meta.description ?? `captured by mtc capture: ${bits.filter((b) => b !== undefined).join(' ')}${meta.kernel && meta.accel === 'kvm' ? `, kernel ${meta.kernel}` : ''}`,
    accel: meta.accel,
    capture,
    registers: cpu0.indexes.map(idHex),
    values: Object.fromEntries(cpu0.indexes.map((id, i) => [idHex(id), u64Hex(cpu0.values[i])])),
  };
  if (meta.kernel !== undefined && meta.accel === 'kvm') p.kernel = meta.kernel;
  if (meta.qemuVersion !== undefined) p.qemu = meta.qemuVersion;
  // MIDR: the vCPU property when QEMU was asked (TCG migrates no MIDR_EL1: it is ARM_CP_NO_RAW,
  // qemu-10.2.2 target/arm/helper.c:7074-7079), else the migrated value (KVM lists it).
  const midr = meta.midr !== undefined ? BigInt(meta.midr) : value.get(MIDR_EL1);
  if (midr !== undefined && midr <= 0xffffffffn) {
    const cpu: CapturedProfile['cpu'] = { midr: u32Hex(midr) };
    if (meta.cpu !== undefined) cpu.name = meta.cpu;
    const revidr = value.get(REVIDR_EL1);
    const aidr = value.get(AIDR_EL1);
    if (revidr !== undefined && revidr <= 0xffffffffn) cpu.revidr = u32Hex(revidr);
    if (aidr !== undefined && aidr <= 0xffffffffn) cpu.aidr = u32Hex(aidr);
    p.cpu = cpu;
  }
  return p;
}

/** A register's name for the comment next to its id: the catalog's, else Arm's generic name. */
function registerComment(catalog: Catalog | undefined, id: bigint): string {
  const known = catalog?.lookupId(id)?.name;
  if (known) return known;
  const f = decodeSysreg(id);
  return f ? genericSysregName(f) : '';
}

/** A YAML double-quoted scalar (JSON strings are valid YAML 1.2). */
const q = (s: string) => JSON.stringify(s);

export function renderProfileYaml(p: CapturedProfile, catalog?: Catalog): string {
  const out: string[] = [];
  out.push('# Host profile captured by `mtc capture`. Schema: schema/profile.schema.json');
  out.push('# registers: the cpreg list of vCPU 0 in the migration stream (cpreg_vmstate_indexes);');
  out.push('# values: what the source sent for each (cpreg_vmstate_values).');
  out.push('format: 1');
  out.push(`name: ${q(p.name)}`);
  out.push(`description: ${q(p.description)}`);
  out.push(`accel: ${p.accel}`);
  if (p.kernel !== undefined) out.push(`kernel: ${q(p.kernel)}`);
  if (p.qemu !== undefined) out.push(`qemu: ${q(p.qemu)}`);
  if (p.cpu) {
    out.push('cpu:');
    if (p.cpu.name !== undefined) out.push(`  name: ${q(p.cpu.name)}`);
    out.push(`  midr: ${q(p.cpu.midr)}`);
    if (p.cpu.revidr !== undefined) out.push(`  revidr: ${q(p.cpu.revidr)}`);
    if (p.cpu.aidr !== undefined) out.push(`  aidr: ${q(p.cpu.aidr)}`);
  }
  const c = p.capture;
  out.push('capture:');
  if (c.machine !== undefined) out.push(`  machine: ${q(c.machine)}`);
  if (c.cpu !== undefined) out.push(`  cpu: ${q(c.cpu)}`);
  if (c.cpu_type !== undefined) out.push(`  cpu_type: ${q(c.cpu_type)}`);
  out.push(`  accel: ${c.accel}`);
  if (c.qemu_version !== undefined) out.push(`  qemu_version: ${q(c.qemu_version)}`);
  if (c.qemu_package !== undefined) out.push(`  qemu_package: ${q(c.qemu_package)}`);
  out.push(`  vcpus: ${c.vcpus}`);
  out.push(`  cpu_section_version: ${c.cpu_section_version}`);
  for (const key of ['vcpu_value_differences', 'vcpu_list_differences'] as const) {
    const list = c[key];
    if (!list) continue;
    out.push(`  ${key}:`);
    for (const id of list) out.push(`    - ${q(id)}${comment(catalog, id)}`);
  }
  out.push(p.registers.length ? 'registers:' : 'registers: []');
  for (const id of p.registers) out.push(`  - ${q(id)}${comment(catalog, id)}`);
  out.push(p.registers.length ? 'values:' : 'values: {}');
  for (const id of p.registers) out.push(`  ${q(id)}: ${q(p.values[id])}`);
  return out.join('\n') + '\n';
}

function comment(catalog: Catalog | undefined, id: string): string {
  const name = registerComment(catalog, BigInt(id));
  return name ? `  # ${name}` : '';
}

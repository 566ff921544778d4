/**
 * The cpreg list of each `cpu` section: what an Arm CPU migrates of its
 * system registers (target/arm/machine.c, `vmstate_arm_cpu`):
 *
 *   qemu-10.2.2 :1155-1161  VMSTATE_INT32_POSITIVE_LE(cpreg_vmstate_array_len)   type "int32 le", 4 bytes
 *                           VMSTATE_VARRAY_INT32(cpreg_vmstate_indexes, …, vmstate_info_uint64)
 *                           VMSTATE_VARRAY_INT32(cpreg_vmstate_values, …, vmstate_info_uint64)
 *   qemu-11.1.1 :1286-1292  VMSTATE_INT32(cpreg_vmstate_array_len)                type "int32"
 *                           VMSTATE_VARRAY_INT32_ALLOC(… indexes / values …)     (ALLOC changes only the loader)
 *
 * "int32 le" is the *less-or-equal* check of the loader (vmstate-types.c:
 * 10.2.2 :150-171, `get_int32_le`), not little-endian: it is written with
 * `put_int32`, big-endian like every other integer. Each index and value is a
 * be64 (`put_uint64`, vmstate-types.c:305-311). The source fills the arrays
 * from its cpreg list in `cpu_pre_save` (10.2.2 machine.c:969-973), sorted
 * ascending: the destination's merge walk (machine.c:1054-1066) relies on it.
 */
import { Cursor, StreamError, be64At, showOffset } from './cursor.js';
import type { DeviceSection, FieldLocation, ParsedStream } from './savevm.js';

export interface CpregList {
  /** The section's instance id: the vCPU's cpu_index. */
  readonly instanceId: number;
  readonly sectionId: number;
  /** Version of the `cpu` section (`vmstate_arm_cpu.version_id`). */
  readonly versionId: number;
  readonly sectionOffset: number;
  /** Offset of cpreg_vmstate_array_len, of the first index and of the first value. */
  readonly lengthOffset: number;
  readonly indexesOffset: number;
  readonly valuesOffset: number;
  /** The length field's vmstate type: `int32 le` (≤ 10.2) or `int32` (11.x). */
  readonly lengthType: string;
  readonly indexes: readonly bigint[];
  readonly values: readonly bigint[];
}

function field(cpu: DeviceSection, name: string): FieldLocation | undefined {
  return cpu.fields.find((f) => f.name === name);
}

/** Reads the cpreg arrays of one `cpu` section. Throws StreamError. */
export function readCpregList(bytes: Uint8Array, cpu: DeviceSection): CpregList {
  const where = `cpu section (instance ${cpu.instanceId}) at ${showOffset(cpu.offset)}`;
  const lenField = field(cpu, 'cpreg_vmstate_array_len');
  if (!lenField) throw new StreamError(cpu.offset, `${where} has no field cpreg_vmstate_array_len: it is not an Arm CPU`, 'no-cpu');
  if (lenField.size !== 4 || lenField.count !== 1 || !/^int32( le)?$/.test(lenField.type))
    throw new StreamError(lenField.offset, `${where}: cpreg_vmstate_array_len is ${lenField.count} × ${lenField.size} bytes of type \`${lenField.type}\`, expected one int32`);
  const raw = new Cursor(bytes, lenField.offset).be32('cpreg_vmstate_array_len');
  const n = raw | 0;
  if (n < 0) throw new StreamError(lenField.offset, `${where}: cpreg_vmstate_array_len is negative (${n})`);
  const arrays = (['cpreg_vmstate_indexes', 'cpreg_vmstate_values'] as const).map((name) => {
    const f = field(cpu, name);
    if (n === 0) {
      // QEMU describes no field for an empty array (the save loop runs zero times).
      if (f && f.count !== 0) throw new StreamError(f.offset, `${where}: cpreg_vmstate_array_len is 0 but ${name} has ${f.count} elements`);
      return { offset: f?.offset ?? lenField.offset + 4, items: [] as bigint[] };
    }
    if (!f) throw new StreamError(lenField.offset, `${where}: cpreg_vmstate_array_len is ${n} but the section has no ${name}`);
    if (f.size !== 8 || f.type !== 'uint64')
      throw new StreamError(f.offset, `${where}: ${name} has elements of ${f.size} bytes of type \`${f.type}\`, expected uint64`);
    if (f.count !== n) throw new StreamError(f.offset, `${where}: cpreg_vmstate_array_len is ${n} but ${name} has ${f.count} elements`);
    const items: bigint[] = new Array(n);
    for (let i = 0; i < n; i++) items[i] = be64At(bytes, f.offset + 8 * i);
    return { offset: f.offset, items };
  });
  const [indexes, values] = arrays;
  for (let i = 1; i < indexes.items.length; i++)
    if (indexes.items[i] <= indexes.items[i - 1])
      throw new StreamError(
        indexes.offset + 8 * i,
        `${where}: cpreg index ${i} (0x${indexes.items[i].toString(16)}) does not sort after index ${i - 1} (0x${indexes.items[i - 1].toString(16)}); QEMU sends them strictly ascending`,
      );
  return {
    instanceId: cpu.instanceId,
    sectionId: cpu.sectionId,
    versionId: cpu.versionId,
    sectionOffset: cpu.offset,
    lengthOffset: lenField.offset,
    indexesOffset: indexes.offset,
    valuesOffset: values.offset,
    lengthType: lenField.type,
    indexes: indexes.items,
    values: values.items,
  };
}

/** The cpreg lists of every vCPU, vCPU 0 first. Throws StreamError. */
export function cpregLists(bytes: Uint8Array, parsed: ParsedStream): CpregList[] {
  if (parsed.cpus.length === 0) {
    const names = [...new Set(parsed.sections.map((s) => s.idstr))].slice(0, 8).join(', ');
    throw new StreamError(parsed.description.markOffset, `the stream has no \`cpu\` section (its sections: ${names || 'none'})`, 'no-cpu');
  }
  return parsed.cpus.map((c) => readCpregList(bytes, c)).sort((a, b) => a.instanceId - b.instanceId);
}

export interface VcpuComparison {
  /** Ids whose values differ between vCPU 0 and another vCPU. */
  readonly valueDifferences: bigint[];
  /** Ids listed by some vCPUs and not by others. */
  readonly listDifferences: bigint[];
}

/** Compares every vCPU with vCPU 0 (the first section by instance id). */
export function compareVcpus(lists: readonly CpregList[]): VcpuComparison {
  const [first, ...rest] = lists;
  const valueDiff = new Set<bigint>();
  const listDiff = new Set<bigint>();
  const base = new Map<bigint, bigint>();
  first?.indexes.forEach((id, i) => base.set(id, first.values[i]));
  for (const l of rest) {
    const seen = new Set<bigint>();
    l.indexes.forEach((id, i) => {
      seen.add(id);
      const v = base.get(id);
      if (v === undefined) listDiff.add(id);
      else if (v !== l.values[i]) valueDiff.add(id);
    });
    for (const id of base.keys()) if (!seen.has(id)) listDiff.add(id);
  }
  const sorted = (s: Set<bigint>) => [...s].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { valueDifferences: sorted(valueDiff), listDifferences: sorted(listDiff) };
}

/**
 * The JSON VM description QEMU appends to a precopy stream, after the
 * end-of-file mark: `QEMU_VM_VMDESCRIPTION` (0x06), a be32 length, then that
 * many bytes of JSON (qemu-10.2.2 migration/savevm.c:1697-1708; 11.1.1
 * migration/savevm.c:1719-1731, `qemu_savevm_state_vm_desc`). It names every
 * field of every non-iterable section and the bytes it took (vmstate.c,
 * `vmsd_desc_field_start` and `vmsd_desc_field_end`, 10.2.2 :356-412):
 *
 *   { "configuration": VMSD, "page_size": 4096, "devices": [DEVICE…] }
 *   VMSD   = { "vmsd_name", "version", "fields": [FIELD…], "subsections"?: [VMSD…] }
 *   DEVICE = VMSD + { "name": idstr, "instance_id" }
 *            (an old-style section: "size" and one "data" buffer field)
 *   FIELD  = { "name", "type", "size", "array_len"? | "index"?, "struct"?: VMSD }
 *
 * `size` is the number of bytes QEMU wrote for the field; for a compressed
 * array (`array_len`, written when an array has more than one element) it is
 * the size of the first element only (vmstate.c:562-565: "Compressed arrays
 * only care about the first element"). A field whose array has no element is
 * not described at all (the save loop runs zero times), and a one-element
 * array is described as a plain field (`is_array = max > 1`, :361).
 *
 * This module only locates and checks that document; savevm.ts walks the
 * stream with it.
 */
import { StreamError, be32At } from './cursor.js';

export interface FieldDesc {
  readonly name: string;
  readonly type: string;
  /** Bytes of one element. */
  readonly size: number;
  /** Elements: `array_len` of a compressed array, else 1. */
  readonly count: number;
  readonly struct?: VmsdDesc;
}

export interface VmsdDesc {
  readonly vmsdName: string;
  readonly version?: number;
  readonly fields: readonly FieldDesc[];
  readonly subsections: readonly VmsdDesc[];
}

export interface DeviceDesc extends VmsdDesc {
  /** The section's idstr (`cpu`, `ram`, `0000:00:00.0/gpex_root`). */
  readonly name: string;
  readonly instanceId: number;
}

export interface VmDescription {
  /** Offset of the 0x06 mark; the stream data ends here. */
  readonly markOffset: number;
  readonly jsonOffset: number;
  readonly jsonLength: number;
  readonly pageSize: number;
  readonly configuration?: VmsdDesc;
  readonly devices: readonly DeviceDesc[];
}

export const QEMU_VM_VMDESCRIPTION = 0x06;

/** Nesting deeper than this is refused (QEMU's deepest descriptions nest a handful of levels). */
export const MAX_DESC_DEPTH = 64;

/**
 * Finds the description at the end of the stream: the last position `p` with
 * `bytes[p] == 0x06`, `be32(p + 1) == length - p - 5` and `{` at `p + 5`.
 * Only the last `maxBytes` bytes are searched.
 */
export function locateDescription(bytes: Uint8Array, maxBytes: number): { markOffset: number; jsonOffset: number; jsonLength: number } | undefined {
  const n = bytes.length;
  const lowest = Math.max(0, n - maxBytes - 5);
  for (let p = n - 6; p >= lowest; p--) {
    if (bytes[p] !== QEMU_VM_VMDESCRIPTION || bytes[p + 5] !== 0x7b) continue;
    if (be32At(bytes, p + 1) === n - p - 5) return { markOffset: p, jsonOffset: p + 5, jsonLength: n - p - 5 };
  }
  return undefined;
}

type Json = unknown;

class DescReader {
  nodes = 0;
  constructor(
    readonly at: number,
    readonly streamLength: number,
  ) {}

  fail(path: string, message: string): never {
    throw new StreamError(this.at, `VM description: ${path}: ${message}`);
  }

  obj(v: Json, path: string): Record<string, Json> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'expected an object');
    return v as Record<string, Json>;
  }

  arr(v: Json, path: string): Json[] {
    if (!Array.isArray(v)) this.fail(path, 'expected an array');
    return v;
  }

  str(v: Json, path: string): string {
    if (typeof v !== 'string') this.fail(path, 'expected a string');
    return v;
  }

  /** A non-negative integer no larger than the stream (no field can be larger than the stream that holds it). */
  int(v: Json, path: string, max = this.streamLength): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) this.fail(path, 'expected a non-negative integer');
    if (v > max) this.fail(path, `${v} is larger than possible (${max})`);
    return v;
  }

  vmsd(v: Json, path: string, depth: number): VmsdDesc {
    if (depth > MAX_DESC_DEPTH) this.fail(path, `nested more than ${MAX_DESC_DEPTH} levels`);
    const o = this.obj(v, path);
    const fields = o.fields === undefined ? [] : this.arr(o.fields, `${path}.fields`).map((f, i) => this.field(f, `${path}.fields[${i}]`, depth));
    const subsections =
      o.subsections === undefined ? [] : this.arr(o.subsections, `${path}.subsections`).map((s, i) => this.vmsd(s, `${path}.subsections[${i}]`, depth + 1));
    const d: { -readonly [K in keyof VmsdDesc]: VmsdDesc[K] } = {
      vmsdName: o.vmsd_name === undefined ? '' : this.str(o.vmsd_name, `${path}.vmsd_name`),
      fields,
      subsections,
    };
    if (o.version !== undefined) d.version = this.int(o.version, `${path}.version`, 0xffffffff);
    return d;
  }

  field(v: Json, path: string, depth: number): FieldDesc {
    if (++this.nodes > this.streamLength) this.fail(path, 'more fields than bytes in the stream');
    const o = this.obj(v, path);
    const f: { -readonly [K in keyof FieldDesc]: FieldDesc[K] } = {
      name: this.str(o.name, `${path}.name`),
      type: this.str(o.type, `${path}.type`),
      size: this.int(o.size, `${path}.size`),
      count: 1,
    };
    if (o.array_len !== undefined) {
      f.count = this.int(o.array_len, `${path}.array_len`);
      if (f.count < 1) this.fail(`${path}.array_len`, 'an array is described only when it has elements');
    }
    if (o.index !== undefined) this.int(o.index, `${path}.index`);
    if (f.type === 'struct') {
      if (o.struct === undefined) this.fail(`${path}.struct`, 'a struct field needs its description');
      f.struct = this.vmsd(o.struct, `${path}.struct`, depth + 1);
    }
    return f;
  }
}

/** Parses and checks the description found by locateDescription(). Throws StreamError. */
export function readDescription(bytes: Uint8Array, loc: { markOffset: number; jsonOffset: number; jsonLength: number }): VmDescription {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(loc.jsonOffset, loc.jsonOffset + loc.jsonLength));
  } catch {
    throw new StreamError(loc.jsonOffset, 'VM description is not UTF-8');
  }
  let json: Json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // SyntaxError, or RangeError for nesting deeper than the engine's stack.
    throw new StreamError(loc.jsonOffset, `VM description is not valid JSON: ${(e as Error).message.slice(0, 200)}`);
  }
  const r = new DescReader(loc.jsonOffset, bytes.length);
  const top = r.obj(json, '$');
  const pageSize = r.int(top.page_size, '$.page_size', 1 << 20);
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) r.fail('$.page_size', `${pageSize} is not a power of two from 512`);
  const devices = r.arr(top.devices, '$.devices').map((d, i) => {
    const path = `$.devices[${i}]`;
    const o = r.obj(d, path);
    const base = r.vmsd(o, path, 0);
    return { ...base, name: r.str(o.name, `${path}.name`), instanceId: r.int(o.instance_id, `${path}.instance_id`, 0xffffffff) };
  });
  const out: { -readonly [K in keyof VmDescription]: VmDescription[K] } = { ...loc, pageSize, devices };
  if (top.configuration !== undefined) out.configuration = r.vmsd(top.configuration, '$.configuration', 0);
  return out;
}

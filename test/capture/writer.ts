/**
 * Writes small synthetic savevm streams for the reader's tests, record by
 * record as QEMU writes them (see src/capture/savevm.ts for the format and
 * where QEMU defines it), with hooks to break any part on purpose.
 */

export class Bytes {
  private parts: number[] = [];
  get length(): number {
    return this.parts.length;
  }
  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  be16(v: number): this {
    return this.u8(v >>> 8).u8(v);
  }
  be32(v: number): this {
    return this.u8(v >>> 24)
      .u8(v >>> 16)
      .u8(v >>> 8)
      .u8(v);
  }
  be64(v: bigint): this {
    return this.be32(Number((v >> 32n) & 0xffffffffn)).be32(Number(v & 0xffffffffn));
  }
  str(s: string): this {
    for (const c of Buffer.from(s, 'latin1')) this.u8(c);
    return this;
  }
  /** u8 length + text, as QEMU writes idstrs. */
  name(s: string): this {
    return this.u8(s.length).str(s);
  }
  raw(b: Uint8Array | number[]): this {
    for (const c of b) this.u8(c);
    return this;
  }
  bytes(): Buffer {
    return Buffer.from(this.parts);
  }
}

export interface CpuSpec {
  readonly instance?: number;
  readonly indexes: readonly bigint[];
  readonly values?: readonly bigint[];
  /** Written as cpreg_vmstate_array_len instead of the real count. */
  readonly lengthField?: number;
  /** The description's array_len for both arrays instead of the real count. */
  readonly describedCount?: number;
  readonly lengthType?: string;
}

export interface StreamSpec {
  readonly magic?: number;
  readonly version?: number;
  readonly machine?: string;
  readonly capabilities?: string[];
  readonly pageSize?: number;
  readonly cpus?: readonly CpuSpec[];
  /** Extra device sections before the cpus (name, 4 bytes of payload). */
  readonly devices?: readonly string[];
  /** Replace the RAM records between the section header and the end (each part must end with EOS). */
  readonly ram?: (b: Bytes, pageSize: number) => void;
  /** Called before the EOF mark, to add records. */
  readonly beforeEof?: (b: Bytes) => void;
  /** Edits the description before it is written. */
  readonly desc?: (d: Record<string, unknown>) => void;
  /** Replaces the JSON text. */
  readonly descText?: (t: string) => string;
  readonly footers?: boolean;
  readonly subsection?: boolean;
}

export const FLAG = { ZERO: 0x02, MEM_SIZE: 0x04, PAGE: 0x08, EOS: 0x10, CONTINUE: 0x20, XBZRLE: 0x40, HOOK: 0x80, MULTIFD_FLUSH: 0x200 };

/** A RAM section of one block `ram0` of 4 pages: one zero page, one data page. */
export function defaultRam(b: Bytes, pageSize: number): void {
  b.be64(BigInt(4 * pageSize) | BigInt(FLAG.MEM_SIZE))
    .name('ram0')
    .be64(BigInt(4 * pageSize));
  b.be64(BigInt(FLAG.ZERO)).name('ram0').u8(0);
  b.be64(BigInt(pageSize) | BigInt(FLAG.PAGE | FLAG.CONTINUE)).raw(new Array(pageSize).fill(0xab));
  b.be64(BigInt(FLAG.MULTIFD_FLUSH));
  b.be64(BigInt(FLAG.EOS));
}

export function writeStream(spec: StreamSpec = {}): Buffer {
  const pageSize = spec.pageSize ?? 1024;
  const footers = spec.footers ?? true;
  const b = new Bytes();
  b.be32(spec.magic ?? 0x5145564d).be32(spec.version ?? 3);
  // configuration
  const machine = spec.machine ?? 'virt-10.2';
  b.u8(0x07).be32(machine.length).str(machine);
  const configSubs: Record<string, unknown>[] = [];
  if (spec.capabilities?.length) {
    b.u8(0x05).name('configuration/capabilities').be32(1).be32(spec.capabilities.length);
    for (const c of spec.capabilities) b.name(c);
    configSubs.push({
      vmsd_name: 'configuration/capabilities',
      version: 1,
      fields: [
        { name: 'caps_count', type: 'uint32', size: 4 },
        { name: 'capabilities', ...(spec.capabilities.length > 1 ? { array_len: spec.capabilities.length } : {}), type: 'capability', size: spec.capabilities[0].length + 1 },
      ],
    });
  }
  let sectionId = 0;
  // ram: start, end
  const ramId = ++sectionId;
  b.u8(0x01).be32(ramId).name('ram').be32(0).be32(4);
  (spec.ram ?? defaultRam)(b, pageSize);
  if (footers) b.u8(0x7e).be32(ramId);
  b.u8(0x03).be32(ramId).be64(BigInt(FLAG.EOS));
  if (footers) b.u8(0x7e).be32(ramId);
  const devices: Record<string, unknown>[] = [];
  for (const name of spec.devices ?? ['timer']) {
    const id = ++sectionId;
    b.u8(0x04).be32(id).name(name).be32(0).be32(2).be32(0xdeadbeef);
    if (footers) b.u8(0x7e).be32(id);
    devices.push({ name, instance_id: 0, vmsd_name: name, version: 2, fields: [{ name: 'x', type: 'uint32', size: 4 }] });
  }
  for (const [k, cpu] of (spec.cpus ?? [{ indexes: [0x603000000013c006n, 0x603000000013c807n] }]).entries()) {
    const id = ++sectionId;
    const n = cpu.indexes.length;
    const values = cpu.values ?? cpu.indexes.map((_, i) => BigInt(i) * 0x1111n);
    b.u8(0x04)
      .be32(id)
      .name('cpu')
      .be32(cpu.instance ?? k)
      .be32(22);
    b.be64(0x1234n); // env.pc
    b.be32(cpu.lengthField ?? n);
    for (const x of cpu.indexes) b.be64(x);
    for (const v of values) b.be64(v);
    b.be32(7); // env.spsr
    const described = cpu.describedCount ?? n;
    const arr = (name: string) =>
      described === 0 ? [] : [{ name, ...(described > 1 ? { array_len: described } : {}), type: 'uint64', size: 8 }];
    const fields = [
      { name: 'env.pc', type: 'uint64', size: 8 },
      { name: 'cpreg_vmstate_array_len', type: cpu.lengthType ?? 'int32 le', size: 4 },
      ...arr('cpreg_vmstate_indexes'),
      ...arr('cpreg_vmstate_values'),
      { name: 'env.spsr', type: 'uint32', size: 4 },
    ];
    const device: Record<string, unknown> = { name: 'cpu', instance_id: cpu.instance ?? k, vmsd_name: 'cpu', version: 22, fields };
    if (spec.subsection ?? true) {
      b.u8(0x05).name('cpu/vfp').be32(3).be32(0x10);
      device.subsections = [{ vmsd_name: 'cpu/vfp', version: 3, fields: [{ name: 'fpscr', type: 'fpscr', size: 4 }] }];
    }
    if (footers) b.u8(0x7e).be32(id);
    devices.push(device);
  }
  spec.beforeEof?.(b);
  b.u8(0x00);
  const desc: Record<string, unknown> = {
    configuration: {
      vmsd_name: 'configuration',
      version: 1,
      fields: [
        { name: 'len', type: 'uint32', size: 4 },
        { name: 'name', type: 'buffer', size: machine.length },
      ],
      ...(configSubs.length ? { subsections: configSubs } : {}),
    },
    page_size: pageSize,
    devices,
  };
  spec.desc?.(desc);
  let json = JSON.stringify(desc);
  if (spec.descText) json = spec.descText(json);
  const jb = Buffer.from(json, 'utf8');
  b.u8(0x06).be32(jb.length).raw(jb);
  return b.bytes();
}

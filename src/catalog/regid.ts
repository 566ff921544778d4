/**
 * KVM register id encoding (Linux uapi, arch/arm64/include/uapi/asm/kvm.h;
 * facts in domain.md §4). Written from the documented layout, not copied.
 *
 *   bits 63..56  architecture (0x60 arm64, 0x40 arm)
 *   bits 55..52  size: 1 << n bytes
 *   bits 27..16  coprocessor / register group
 */

import type { RegisterClass } from './types.js';

export const KVM_REG_ARM64 = 0x6000000000000000n;
export const KVM_REG_SIZE_U64 = 0x0030000000000000n;
export const SYSREG_BASE = 0x6030000000130000n;

export interface SysregFields {
  readonly op0: number;
  readonly op1: number;
  readonly crn: number;
  readonly crm: number;
  readonly op2: number;
}

export const sysregLimits: Readonly<Record<keyof SysregFields, number>> = { op0: 3, op1: 7, crn: 15, crm: 15, op2: 7 };

export function encodeSysreg(f: SysregFields): bigint {
  return (
    SYSREG_BASE |
    (BigInt(f.op0) << 14n) |
    (BigInt(f.op1) << 11n) |
    (BigInt(f.crn) << 7n) |
    (BigInt(f.crm) << 3n) |
    BigInt(f.op2)
  );
}

export function decodeSysreg(id: bigint): SysregFields | undefined {
  if ((id & ~0xffffn) !== SYSREG_BASE) return undefined;
  return {
    op0: Number((id >> 14n) & 3n),
    op1: Number((id >> 11n) & 7n),
    crn: Number((id >> 7n) & 15n),
    crm: Number((id >> 3n) & 15n),
    op2: Number(id & 7n),
  };
}

/** Arm's generic name `S<op0>_<op1>_C<crn>_C<crm>_<op2>` (case-insensitive). */
export function parseGenericSysregName(name: string): SysregFields | undefined {
  const m = /^S([0-3])_([0-7])_C([0-9]|1[0-5])_C([0-9]|1[0-5])_([0-7])$/i.exec(name);
  if (!m) return undefined;
  return { op0: +m[1], op1: +m[2], crn: +m[3], crm: +m[4], op2: +m[5] };
}

export function genericSysregName(f: SysregFields): string {
  return `S${f.op0}_${f.op1}_C${f.crn}_C${f.crm}_${f.op2}`;
}

/** Fixed-width lower-case hex, as QEMU and the kernel print register ids. */
export function idHex(id: bigint): string {
  return '0x' + id.toString(16).padStart(16, '0');
}

export function parseIdHex(text: string): bigint | undefined {
  if (!/^0x[0-9a-fA-F]{1,16}$/.test(text)) return undefined;
  return BigInt(text);
}

/* ------------------------------------------------------------------------ */
/* Every register class (domain.md §4). Constants are the documented uapi    */
/* layout; the code is written from that description.                        */
/* ------------------------------------------------------------------------ */


export const KVM_REG_ARM = 0x4000000000000000n;
export const KVM_REG_ARCH_MASK = 0xff00000000000000n;
export const KVM_REG_SIZE_MASK = 0x00f0000000000000n;
export const KVM_REG_SIZE_SHIFT = 52n;
export const COPROC_MASK = 0x000000000fff0000n;
export const COPROC_SHIFT = 16n;

export const COPROC_CORE = 0x10;
export const COPROC_DEMUX = 0x11;
export const COPROC_SYSREG = 0x13;
export const COPROC_FW = 0x14;
export const COPROC_SVE = 0x15;
export const COPROC_FW_BMAP = 0x16;

export const FW_BASE = 0x6030000000140000n;
export const FW_BMAP_BASE = 0x6030000000160000n;
export const CORE_BASE = 0x6000000000100000n;
export const DEMUX_CCSIDR_BASE = 0x6020000000110000n;
export const SVE_VLS_ID = 0x606000000015ffffn;

/** Register width in bytes from the size field (bits 55..52): 1 << n. */
export function idSizeBytes(id: bigint): number {
  return 1 << Number((id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);
}

function sizeField(bytes: number): bigint {
  const n = Math.log2(bytes);
  if (!Number.isInteger(n) || n < 0 || n > 11) throw new RangeError(`bad register size ${bytes}`);
  return BigInt(n) << KVM_REG_SIZE_SHIFT;
}

/** AArch32 cpreg fields as QEMU encodes them in its index (TCG migration stream). */
export interface Aarch32Fields {
  /** 14 or 15. */
  readonly cp: number;
  readonly is64: boolean;
  /** Non-secure bank bit (bit 29). */
  readonly ns: boolean;
  readonly opc1: number;
  readonly crn: number;
  readonly crm: number;
  readonly opc2: number;
}

export type SveKind = 'zreg' | 'preg' | 'ffr' | 'vls';

/** One id taken apart; `class` says which fields are present. */
export type DecodedId =
  | { readonly class: 'sysreg'; readonly fields: SysregFields }
  | { readonly class: 'fw'; readonly index: number }
  | { readonly class: 'fw-bmap'; readonly index: number }
  /** `offset`: index in 32-bit words into struct kvm_regs; `bytes`: 4, 8 or 16. */
  | { readonly class: 'core'; readonly offset: number; readonly bytes: number }
  | { readonly class: 'demux'; readonly csselr: number }
  | { readonly class: 'sve'; readonly kind: SveKind; readonly n: number; readonly slice: number }
  | { readonly class: 'aarch32'; readonly fields: Aarch32Fields };

export function decodeId(id: bigint): DecodedId | undefined {
  if (id < 0n || id > 0xffffffffffffffffn) return undefined;
  const arch = id & KVM_REG_ARCH_MASK;
  if (arch === KVM_REG_ARM) return decodeAarch32(id);
  if (arch !== KVM_REG_ARM64) return undefined;
  const coproc = Number((id & COPROC_MASK) >> COPROC_SHIFT);
  const size = id & KVM_REG_SIZE_MASK;
  // bits 51..28 must be clear for every arm64 class.
  if ((id & 0x000ffffff0000000n) !== 0n) return undefined;
  const low = Number(id & 0xffffn);
  switch (coproc) {
    case COPROC_SYSREG:
      return size === KVM_REG_SIZE_U64 ? { class: 'sysreg', fields: decodeSysreg(id)! } : undefined;
    case COPROC_FW:
      return size === KVM_REG_SIZE_U64 ? { class: 'fw', index: low } : undefined;
    case COPROC_FW_BMAP:
      return size === KVM_REG_SIZE_U64 ? { class: 'fw-bmap', index: low } : undefined;
    case COPROC_CORE: {
      const bytes = idSizeBytes(id);
      if (bytes !== 4 && bytes !== 8 && bytes !== 16) return undefined;
      return { class: 'core', offset: low, bytes };
    }
    case COPROC_DEMUX:
      // CCSIDR demux: id 0 in bits 15..8, CSSELR value in bits 7..0; U32.
      if (idSizeBytes(id) !== 4 || (low & 0xff00) !== 0) return undefined;
      return { class: 'demux', csselr: low & 0xff };
    case COPROC_SVE: {
      if (id === SVE_VLS_ID) return { class: 'sve', kind: 'vls', n: 0, slice: 0 };
      const bytes = idSizeBytes(id);
      const slice = low & 0x1f;
      const n = (low >> 5) & 0x1f;
      const base = low & 0xfc00;
      if (base === 0 && bytes === 256 && (low & 0x400) === 0) return { class: 'sve', kind: 'zreg', n, slice };
      if ((low & 0xfe00) === 0x400 && bytes === 32 && n < 16) return { class: 'sve', kind: 'preg', n, slice };
      if ((low & 0xffe0) === 0x600 && bytes === 32) return { class: 'sve', kind: 'ffr', n: 0, slice };
      return undefined;
    }
    default:
      return undefined;
  }
}

function decodeAarch32(id: bigint): DecodedId | undefined {
  const size = id & KVM_REG_SIZE_MASK;
  if (size !== 0x0020000000000000n && size !== KVM_REG_SIZE_U64) return undefined;
  if ((id & 0x000fffffc0000000n) !== 0n) return undefined;
  const v = Number(id & 0xffffffffn);
  if ((v & 0x1ff00000) !== 0) return undefined; // bits 20..28 unused
  const fields: Aarch32Fields = {
    ns: ((v >>> 29) & 1) === 1,
    cp: (v >>> 16) & 0xf,
    is64: ((v >>> 15) & 1) === 1,
    crn: (v >>> 11) & 0xf,
    crm: (v >>> 7) & 0xf,
    opc1: (v >>> 3) & 0xf,
    opc2: v & 7,
  };
  // cpreg_to_kvm_id() (target/arm/cpregs.h) moves the 64-bit flag of a QEMU
  // cpreg id into the KVM size field and clears bit 15 from the index.
  if (fields.is64) return undefined;
  return { class: 'aarch32', fields: { ...fields, is64: size === KVM_REG_SIZE_U64 } };
}

export function encodeId(d: DecodedId): bigint {
  switch (d.class) {
    case 'sysreg':
      checkFields(d.fields);
      return encodeSysreg(d.fields);
    case 'fw':
      return FW_BASE | BigInt(checkRange(d.index, 0xffff, 'fw index'));
    case 'fw-bmap':
      return FW_BMAP_BASE | BigInt(checkRange(d.index, 0xffff, 'fw-bmap index'));
    case 'core':
      return CORE_BASE | sizeField(d.bytes) | BigInt(checkRange(d.offset, 0xffff, 'core offset'));
    case 'demux':
      return DEMUX_CCSIDR_BASE | BigInt(checkRange(d.csselr, 0xff, 'csselr'));
    case 'sve': {
      if (d.kind === 'vls') return SVE_VLS_ID;
      const base = KVM_REG_ARM64 | (BigInt(COPROC_SVE) << COPROC_SHIFT);
      const slice = BigInt(checkRange(d.slice, 31, 'slice'));
      if (d.kind === 'zreg') return base | sizeField(256) | (BigInt(checkRange(d.n, 31, 'zreg')) << 5n) | slice;
      if (d.kind === 'preg') return base | sizeField(32) | 0x400n | (BigInt(checkRange(d.n, 15, 'preg')) << 5n) | slice;
      return base | sizeField(32) | 0x600n | slice;
    }
    case 'aarch32': {
      const f = d.fields;
      const v =
        ((f.ns ? 1 : 0) * 2 ** 29) +
        (checkRange(f.cp, 15, 'cp') << 16) +
        // The 64-bit flag lives in the KVM size field, not in bit 15 (cpreg_to_kvm_id(), target/arm/cpregs.h).
        (checkRange(f.crn, 15, 'crn') << 11) +
        (checkRange(f.crm, 15, 'crm') << 7) +
        (checkRange(f.opc1, 15, 'opc1') << 3) +
        checkRange(f.opc2, 7, 'opc2');
      return KVM_REG_ARM | (f.is64 ? KVM_REG_SIZE_U64 : 0x0020000000000000n) | BigInt(v);
    }
  }
}

function checkRange(v: number, max: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${what} ${v} out of range 0..${max}`);
  return v;
}

function checkFields(f: SysregFields): void {
  for (const k of Object.keys(sysregLimits) as (keyof SysregFields)[]) checkRange(f[k], sysregLimits[k], k);
}

export function classOfId(id: bigint): RegisterClass | undefined {
  return decodeId(id)?.class;
}

/**
 * The name QEMU prints for an id in its migration messages (domain.md §3,
 * `kvm_print_register_name`): `op0:3 op1:0 crn:2 crm:0 op2:3`, `fw reg 3`,
 * `fw feat reg 3`, `core reg 0x…`, `demuxed reg 0x…`, `SVE …`, else hex.
 */
export function qemuName(id: bigint): string {
  const d = decodeId(id);
  if (!d) return id.toString(16);
  switch (d.class) {
    case 'sysreg': {
      const f = d.fields;
      return `op0:${f.op0} op1:${f.op1} crn:${f.crn} crm:${f.crm} op2:${f.op2}`;
    }
    case 'fw':
      return `fw reg ${d.index}`;
    case 'fw-bmap':
      return `fw feat reg ${d.index}`;
    // QEMU prints these with %PRIx64: hex, no 0x (target/arm/kvm.c:983-985 of 11.1.1, :920- of 10.2.2).
    case 'core':
      return `core reg ${id.toString(16)}`;
    case 'demux':
      return `demuxed reg ${id.toString(16)}`;
    case 'sve':
      if (d.kind === 'vls') return 'SVE VLS';
      if (d.kind === 'zreg') return `SVE zreg n:${d.n} slice:${d.slice}`;
      if (d.kind === 'preg') return `SVE preg n:${d.n} slice:${d.slice}`;
      return `SVE ffr slice:${d.slice}`;
    case 'aarch32':
      return id.toString(16);
  }
}

/**
 * Parses QEMU's printed names back to an id: `op0:3 op1:0 crn:2 crm:0 op2:3`,
 * `fw reg 3`, `fw feat reg 3`, `core reg 0x…`, `demuxed reg 0x…`, `SVE VLS`,
 * `SVE zreg n:1 slice:0`, `SVE preg n:1 slice:0`, `SVE ffr slice:0`.
 */
export function parseQemuName(text: string): bigint | undefined {
  const t = text.trim().replace(/\s+/g, ' ');
  let m = /^op0:(\d+) op1:(\d+) crn:(\d+) crm:(\d+) op2:(\d+)$/i.exec(t);
  if (m) return safeEncode({ class: 'sysreg', fields: { op0: +m[1], op1: +m[2], crn: +m[3], crm: +m[4], op2: +m[5] } });
  if ((m = /^fw feat reg (\d+)$/i.exec(t))) return safeEncode({ class: 'fw-bmap', index: +m[1] });
  if ((m = /^fw reg (\d+)$/i.exec(t))) return safeEncode({ class: 'fw', index: +m[1] });
  if ((m = /^(core|demuxed) reg (0x)?([0-9a-f]{1,16})$/i.exec(t))) {
    const v = BigInt('0x' + m[3]);
    const want = m[1].toLowerCase() === 'core' ? 'core' : 'demux';
    if (decodeId(v)?.class === want) return v;
    // A bare offset / csselr.
    if (want === 'demux') return safeEncode({ class: 'demux', csselr: Number(v) });
    return safeEncode({ class: 'core', offset: Number(v), bytes: 8 });
  }
  if (/^SVE VLS$/i.test(t)) return SVE_VLS_ID;
  if ((m = /^SVE (zreg|preg) n:(\d+) slice:(\d+)$/i.exec(t)))
    return safeEncode({ class: 'sve', kind: m[1].toLowerCase() as SveKind, n: +m[2], slice: +m[3] });
  if ((m = /^SVE ffr slice:(\d+)$/i.exec(t))) return safeEncode({ class: 'sve', kind: 'ffr', n: 0, slice: +m[1] });
  return undefined;
}

function safeEncode(d: DecodedId): bigint | undefined {
  try {
    return encodeId(d);
  } catch {
    return undefined;
  }
}

/**
 * Tuple forms a user may type (decode command, catalog files):
 * `sysreg(3,0,2,0,3)`, `3,0,2,0,3`, `S3_0_C2_C0_3`, `fw(3)`, `fw-bmap(3)`,
 * `demux(0)`, `cp14(opc1,crn,crm,opc2)` / `cp15(...)` (AArch32, 32-bit, ns),
 * `cp15_64(opc1,crm)`, or any QEMU name.
 */
export function parseRegisterTuple(text: string): bigint | undefined {
  const t = text.trim();
  const g = parseGenericSysregName(t);
  if (g) return encodeSysreg(g);
  // The Linux uapi macros, as `mtc decode` prints them and KVM selftests list them.
  let u = /^ARM64_SYS_REG\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)$/i.exec(t);
  if (u) return safeEncode({ class: 'sysreg', fields: { op0: +u[1]!, op1: +u[2]!, crn: +u[3]!, crm: +u[4]!, op2: +u[5]! } });
  if ((u = /^KVM_REG_ARM_FW_(FEAT_BMAP_)?REG\(\s*(\d+)\s*\)$/i.exec(t))) return safeEncode(u[1] ? { class: 'fw-bmap', index: +u[2]! } : { class: 'fw', index: +u[2]! });
  const nums = (s: string): number[] | undefined => {
    const parts = s.split(',').map((p) => p.trim());
    if (parts.some((p) => !/^(0x[0-9a-f]+|\d+)$/i.test(p))) return undefined;
    return parts.map((p) => Number(p));
  };
  let m = /^(sysreg)?\s*\(?\s*([0-9xa-f,\s]+?)\s*\)?$/i.exec(t);
  if (m && (m[1] || /^\d/.test(t))) {
    const n = nums(m[2]);
    if (n && n.length === 5) return safeEncode({ class: 'sysreg', fields: { op0: n[0], op1: n[1], crn: n[2], crm: n[3], op2: n[4] } });
  }
  if ((m = /^(fw|fw-bmap|fw_bmap|demux)\s*\(\s*(\d+)\s*\)$/i.exec(t))) {
    const k = m[1].toLowerCase();
    const v = +m[2];
    if (k === 'fw') return safeEncode({ class: 'fw', index: v });
    if (k === 'demux') return safeEncode({ class: 'demux', csselr: v });
    return safeEncode({ class: 'fw-bmap', index: v });
  }
  if ((m = /^cp(14|15)(_64)?\s*\(([^)]*)\)$/i.exec(t))) {
    const n = nums(m[3]);
    if (!n) return undefined;
    const cp = +m[1];
    if (m[2]) {
      if (n.length !== 2) return undefined;
      return safeEncode({ class: 'aarch32', fields: { cp, is64: true, ns: true, opc1: n[0], crn: 0, crm: n[1], opc2: 0 } });
    }
    if (n.length !== 4) return undefined;
    return safeEncode({ class: 'aarch32', fields: { cp, is64: false, ns: true, opc1: n[0], crn: n[1], crm: n[2], opc2: n[3] } });
  }
  return parseQemuName(t);
}

/**
 * Why an id with a valid layout is still not a register KVM lists, or
 * undefined. The arm64 sysreg space with op0 0 or 1 encodes instructions, not
 * registers (op0=0: hints, barriers, PSTATE access such as `MSR DAIFSet`;
 * op0=1: SYS instructions such as cache and TLB maintenance), so no kernel's
 * KVM_GET_REG_LIST contains one.
 */
export function notARegister(id: bigint): string | undefined {
  const d = decodeId(id);
  if (d?.class !== 'sysreg' || d.fields.op0 >= 2) return undefined;
  const f = d.fields;
  const what = f.op0 === 0 ? 'the instruction space (hints, barriers, PSTATE access such as MSR DAIFSet)' : 'the SYS instruction space (cache and TLB maintenance, address translation)';
  return `${idHex(id)} has the layout of an arm64 system register id (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG) but op0=${f.op0} (op1=${f.op1} CRn=${f.crn} CRm=${f.crm} op2=${f.op2}): op0 ${f.op0} is ${what}, not a register, so no kernel lists it; system registers have op0 2 (debug) or 3`;
}

/** Human-readable field listing of an id, e.g. `op0=3 op1=0 CRn=2 CRm=0 op2=3`. */
export function describeFields(id: bigint): string {
  const d = decodeId(id);
  if (!d) return 'not a known arm/arm64 register id';
  switch (d.class) {
    case 'sysreg': {
      const f = d.fields;
      return `op0=${f.op0} op1=${f.op1} CRn=${f.crn} CRm=${f.crm} op2=${f.op2} (${genericSysregName(f)})`;
    }
    case 'fw':
      return `KVM_REG_ARM_FW_REG(${d.index})`;
    case 'fw-bmap':
      return `KVM_REG_ARM_FW_FEAT_BMAP_REG(${d.index})`;
    case 'core':
      return `KVM_REG_ARM_CORE offset=${d.offset} (32-bit words) size=U${d.bytes * 8}`;
    case 'demux':
      return `KVM_REG_ARM_DEMUX_ID_CCSIDR csselr=${d.csselr} (level ${(d.csselr >> 1) + 1}, ${d.csselr & 1 ? 'instruction' : 'data/unified'})`;
    case 'sve':
      return d.kind === 'vls' ? 'KVM_REG_ARM64_SVE_VLS' : `SVE ${d.kind} n=${d.n} slice=${d.slice}`;
    case 'aarch32': {
      const f = d.fields;
      return `cp${f.cp} ${f.is64 ? '64-bit' : '32-bit'} opc1=${f.opc1} CRn=${f.crn} CRm=${f.crm} opc2=${f.opc2} ns=${f.ns ? 1 : 0}`;
    }
  }
}

/**
 * KVM register id encoding (Linux uapi, arch/arm64/include/uapi/asm/kvm.h;
 * facts in domain.md §4). Written from the documented layout, not copied.
 *
 *   bits 63..56  architecture (0x60 arm64, 0x40 arm)
 *   bits 55..52  size: 1 << n bytes
 *   bits 27..16  coprocessor / register group
 */

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

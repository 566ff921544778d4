/**
 * The register catalog as the rest of the pipeline sees it. The catalog stage
 * (src/catalog) loads YAML data into this shape; the resolver, validators,
 * emitters and simulator only use this interface.
 */

export type RegisterClass =
  | 'sysreg' // arm64 system register (includes the KVM timer ids)
  | 'fw' // firmware pseudo-register, KVM_REG_ARM_FW_REG(n)
  | 'fw-bmap' // firmware feature bitmap, KVM_REG_ARM_FW_FEAT_BMAP_REG(n)
  | 'core' // KVM_REG_ARM_CORE
  | 'demux' // CCSIDR demux
  | 'sve' // SVE Z/P/FFR/VLS
  | 'aarch32'; // AArch32 cpreg index as QEMU (TCG) migrates it: 0x4020.../0x4030...

export interface RegisterInfo {
  /** 64-bit KVM register id (or QEMU cpreg index for aarch32). */
  readonly id: bigint;
  /** Primary name, e.g. `TCR2_EL1`, `KVM_REG_ARM_VENDOR_HYP_BMAP_2`. */
  readonly name: string;
  /** Other accepted names (e.g. `KVM_REG_ARM_TIMER_CVAL`). */
  readonly aliases: readonly string[];
  readonly class: RegisterClass;
  readonly description?: string;
  /** Architecture feature the register depends on (`FEAT_TCR2`), if any. */
  readonly feature?: string;
  /** How the id is built, as the uapi writes it (`ARM64_SYS_REG(3,0,2,0,3)`). */
  readonly encoding?: string;
  /** Catalog file the entry came from (`builtin` for the shipped catalog). */
  readonly source?: string;
}

export interface Catalog {
  lookupId(id: bigint): RegisterInfo | undefined;
  /** Exact name or alias; case-insensitive. */
  lookupName(name: string): RegisterInfo | undefined;
  /** Every name and alias, for suggestions. */
  allNames(): readonly string[];
  /** Every entry, sorted by id (optional in the interface; the built-in catalog has it). */
  entries?(): readonly RegisterInfo[];
}

/**
 * A QEMU profile: what mtc needs to know about one QEMU source tree, read from
 * the tree itself (read-tree.ts) and never assumed. The built-in profiles in
 * catalog/qemu/ are generated from the real trees by `npm run qemu-profiles`
 * (a test fails when they are stale); `mtc qemu-profile DIR` prints one.
 *
 * Every fact carries where it was read (`at`: file relative to the tree root,
 * 1-based line), so that a diagnostic can send the maintainer to the line.
 * 64-bit values are `0x`-prefixed 16-digit lower-case hex strings, as in the
 * build document.
 *
 * May import: nothing outside this folder.
 */

export const QEMU_PROFILE_FORMAT = 'mtc-qemu-profile';
export const QEMU_PROFILE_VERSION = 1;

export interface Loc {
  readonly file: string;
  readonly line: number;
}

/** Naming of versioned machine types, from the tree's boards.h (RHEL inserts `rhel`). */
export interface Naming {
  /** Between the type prefix and the version: `-` upstream (`virt-10.1`), `-rhel` in RHEL (`virt-rhel9.6.0`). */
  readonly typeInfix: string;
  /** Between the symbol prefix and the version: `_machine_` upstream, `_rhel_machine_` in RHEL. */
  readonly symbolInfix: string;
  readonly at: Loc;
}

/** When versioned machine types are deprecated and stop being registered (boards.h). */
export interface Lifecycle {
  /** `qemu-version`: by QEMU's own major/minor; `rhel-version`: by RHEL_VERSION, a build option. */
  readonly scheme: 'qemu-version' | 'rhel-version' | 'unknown';
  readonly deprecationMajor: number | null;
  readonly deletionMajor: number | null;
  /**
   * Deletion gated by a QEMU version (10.0 deletes nothing unless
   * QEMU_DELETE_MACHINES is set; deletion applies from 10.1): that version,
   * or null when deletion is not gated.
   */
  readonly deletionFrom: string | null;
  readonly at: Loc | null;
}

export interface ToleranceType {
  readonly name: string;
  /** Whether arm_register_cpreg_mig_tolerance() accepts it (the others trip an assertion and abort QEMU). */
  readonly accepted: boolean;
  readonly at: Loc;
}

/** The cpreg migration tolerance API (QEMU 11.1 and backports). */
export interface ToleranceApi {
  /** Declaration of arm_register_cpreg_mig_tolerance(). */
  readonly declaration: Loc;
  /** The header that declares it, relative to the tree (`target/arm/internals.h`). */
  readonly header: string;
  readonly types: readonly ToleranceType[];
  /** The definition, whose assertions abort on a second registration of one index. */
  readonly definition: Loc | null;
  /** The assertion that an index is registered once, when found. */
  readonly assertOnce: Loc | null;
}

/** The CPU array properties of Eric Auger's RFC series (v3 to v6), found in no released tree. */
export interface XMigProperties {
  readonly hidden: Loc | null;
  readonly safeMissing: Loc | null;
}

/** Which vCPUs a tolerance QEMU registers by itself applies to. */
export interface TolerancesScope {
  /** `host`: `-cpu host` (and `-cpu max` under a hardware accelerator); `v7`: every CPU with ARM_FEATURE_V7 (every AArch64 CPU too); `all`: every CPU (also used when the reader cannot tell). */
  readonly cpus: 'host' | 'v7' | 'all';
  /** Accelerators it applies under; `any` when not limited. */
  readonly accels: readonly ('kvm' | 'tcg' | 'any')[];
}

/** One arm_register_cpreg_mig_tolerance() call in QEMU's own code. */
export interface BuiltinTolerance {
  /** KVM register index, or null when the reader could not evaluate the expression. */
  readonly id: string | null;
  /** The index argument as written (`ARM64_SYS_REG(3, 0, 2, 0, 3)`). */
  readonly expression: string;
  readonly mask: string | null;
  readonly value: string | null;
  readonly type: string;
  readonly at: Loc;
  /** The function the call is in, the `if` conditions around it and the preprocessor guards. */
  readonly function: string | null;
  readonly conditions: readonly string[];
  readonly guards: readonly string[];
  readonly scope: TolerancesScope;
}

export interface ProfileMachineType {
  /** `virt-10.1`, `virt-rhel9.6.0`, `pc-q35-11.0`. */
  readonly name: string;
  readonly version: readonly number[];
  readonly optionsFn: string;
  /** The options function's MachineClass parameter (`mc` in hw/arm, `m` in hw/i386). */
  readonly param: string;
  /** Line of the function name and of the registration macro. */
  readonly line: number;
  readonly registrationLine: number;
  /** The registration macro as written (`DEFINE_VIRT_MACHINE_AS_LATEST`). */
  readonly macro: string;
  readonly latest: boolean;
  /** Compat arrays the options function adds, in order (`hw_compat_10_1`). */
  readonly compatArrays: readonly string[];
  /** Registered at run time under the tree's lifecycle rules; null when that depends on a build option. */
  readonly registered: boolean | null;
  readonly deprecated: boolean | null;
}

export interface ProfileFamily {
  /** mtc's family name: `virt`, `virt-rhel`, `pc-q35`, `pc-i440fx`. */
  readonly name: string;
  readonly arch: 'aarch64' | 'x86_64' | null;
  /** The machine file (`hw/arm/virt.c`). */
  readonly file: string;
  /** QOM type name prefix (`virt`, `pc-q35`) and C symbol prefix (`virt`, `pc_q35`). */
  readonly typePrefix: string;
  readonly symbolPrefix: string;
  /** Registration macros and how many version arguments they take. */
  readonly macro: string;
  readonly latestMacro: string;
  readonly arity: number;
  /** Whether registration lines end with `;` (hw/i386 does, hw/arm/virt.c does not). */
  readonly semicolon: boolean;
  /** The unversioned alias of the latest type (`virt`, `q35`, `pc`), when found. */
  readonly alias: string | null;
  readonly latest: string | null;
  /** File-level GlobalProperty arrays of the machine file (`arm_virt_compat_defaults`). */
  readonly compatArraysDefined: readonly { readonly name: string; readonly line: number }[];
  /** Newest first, as in the file. */
  readonly machineTypes: readonly ProfileMachineType[];
}

/** Where the tolerance hook goes for the virt machine (tolerances target). */
export interface VirtHooks {
  /** The VirtMachineClass struct: its first line and the line of its closing `};`. */
  readonly machineClass: { readonly file: string; readonly line: number; readonly endLine: number } | null;
  /** machvirt_init()'s realize of each vCPU (`qdev_realize(DEVICE(cpuobj), ...)`). */
  readonly cpuRealize: Loc | null;
  /** Whether hw/arm/virt.c includes the header that declares the tolerance API. */
  readonly includesToleranceHeader: boolean;
}

export interface QemuProfile {
  readonly format: typeof QEMU_PROFILE_FORMAT;
  readonly version: typeof QEMU_PROFILE_VERSION;
  /** From the tree's VERSION file. */
  readonly qemu: string;
  /** `upstream` or `rhel` (from the naming in boards.h). */
  readonly kind: 'upstream' | 'rhel';
  /** Where the tree came from (tarball name), or null for a tree read from a directory. */
  readonly source: string | null;
  readonly headers: { readonly boards: string | null; readonly virt: string | null };
  readonly naming: Naming;
  readonly lifecycle: Lifecycle;
  /** Where compat properties are applied with &error_abort (a bad entry aborts QEMU). */
  readonly compatApplied: Loc | null;
  readonly interfaces: {
    readonly xMig: XMigProperties | null;
    readonly tolerances: ToleranceApi | null;
  };
  readonly tolerances: readonly BuiltinTolerance[];
  readonly virt: VirtHooks;
  readonly families: readonly ProfileFamily[];
}

export function locText(l: Loc): string {
  return `${l.file}:${l.line}`;
}

/** The QEMU release a profile is (`11.1` for 11.1.1). */
export function releaseOf(p: Pick<QemuProfile, 'qemu'>): string {
  return p.qemu.split('.').slice(0, 2).join('.');
}

import type { Catalog } from '../catalog/types.js';
import { newestRelease } from '../qemu/releases.js';
/**
 * Data model of the migration simulator. The simulator reads only the build
 * document (src/contract/build-document.ts) and host models; it never looks at
 * compiler internals.
 */

/**
 * What the destination does with the incoming cpreg list. Ordered by
 * severity (see outcomeRank). `dropped` and `bug` pass, but not cleanly: a
 * register's value is lost without a word (QEMU 10.x never looks at incoming
 * registers after its own last one), or the pass holds only because of a
 * QEMU bug (11.1.1 lets a later tolerated register clear an earlier failure).
 */
export type Outcome = 'ok' | 'warn' | 'dropped' | 'unsafe' | 'bug' | 'unsupported' | 'fail';

export const outcomes: readonly Outcome[] = ['ok', 'warn', 'dropped', 'unsafe', 'bug', 'unsupported', 'fail'];

export const outcomeLabels: Readonly<Record<Outcome, string>> = {
  ok: 'migrates',
  warn: 'migrates with warnings (registers missing from the stream keep their reset values)',
  dropped: 'passes, but the destination drops incoming registers without a word (their values are lost)',
  unsafe: 'passes but unsafe (different CPUs, not both on the machine type\'s allow list)',
  bug: 'passes only because of a QEMU bug (an earlier unexpected register did not fail the load)',
  unsupported: 'unsupported (a host is below the machine type\'s minimum kernel, accelerators differ, or the destination QEMU cannot load the source QEMU\'s stream for reasons the model does not know)',
  fail: 'fails (QEMU rejects the incoming CPU state)',
};

/** A QEMU release as a destination or source (catalog/qemu/releases.yaml). */
export type { ReleaseModel } from '../qemu/releases.js';
import type { ReleaseModel } from '../qemu/releases.js';
import type { QemuProfile } from '../qemu/profile.js';

export interface CpuIdentity {
  readonly name?: string;
  readonly midr: bigint;
  readonly revidr: bigint;
  readonly aidr: bigint;
}

/** One host as the simulator sees it. */
export interface HostModel {
  readonly name: string;
  readonly description?: string;
  readonly accel: 'kvm' | 'tcg';
  /** Kernel version (`6.12`), or null when unknown (TCG). */
  readonly kernel: string | null;
  readonly flavour?: string;
  /** QEMU version of the host; for TCG it defines the register list. */
  readonly qemu: string | null;
  readonly cpu: CpuIdentity;
  /** KVM_GET_REG_LIST minus core and SVE registers (or TCG cpreg indexes): sorted ascending, unique. */
  readonly regs: readonly bigint[];
  /** Values the host sent for its registers, when the profile was captured (`mtc capture`). */
  readonly values?: ReadonlyMap<bigint, bigint>;
  /**
   * Identity registers (MIDR_EL1, REVIDR_EL1, AIDR_EL1) that userspace may set
   * to another value on this host, from the kernel history. Absent: derived
   * from the kernel version (writable from 6.15).
   */
  readonly writable?: readonly bigint[];
}

export interface ToleratedModel {
  readonly id: bigint;
  readonly kind: 'one-end' | 'source-value';
  readonly mask: bigint;
  readonly value: bigint;
}

export interface AllowedCpuModel {
  readonly midr: bigint;
  readonly revidr: bigint | null;
  readonly aidr: bigint | null;
}

/** One machine type's effective rules, decoded from the build document. */
export interface MachineModel {
  readonly name: string;
  /** Guest architecture from the build document; the simulator models aarch64 (KVM/TCG arm) only. */
  readonly arch?: 'aarch64' | 'x86_64' | null;
  readonly target: 'x-mig' | 'tolerances';
  readonly hidden: readonly bigint[];
  readonly tolerated: readonly ToleratedModel[];
  readonly allowedCpus: readonly AllowedCpuModel[];
  readonly requiresKernel: string | null;
  /** Register names known from the document (for explanations). */
  readonly names?: ReadonlyMap<bigint, string>;
}

export interface SimulateOptions {
  /** QEMU release of KVM destinations (a TCG host's profile names its own). */
  readonly to: ReleaseModel;
  /** QEMU release of KVM sources. */
  readonly from: ReleaseModel;
  /** Profiles of trees read now (`--qemu-tree`), by release id: their own tolerances stand for the built-in profile's. */
  readonly trees?: ReadonlyMap<string, QemuProfile>;
  /**
   * Value of a register in the incoming stream, for `source-value` tolerance
   * tests. Registers not listed use their reset value, 0.
   */
  readonly regValues: ReadonlyMap<bigint, bigint>;
  /** The catalog that names registers in lines and notes (`--catalog`); default: the built-in one. */
  readonly catalog?: Catalog;
}

/** Simulation options with the newest release on both ends (read from catalog/qemu/releases.yaml). */
export function defaultSimulateOptions(): SimulateOptions {
  return { to: newestRelease(), from: newestRelease(), regValues: new Map() };
}

/** A tolerated register the destination accepted although it lacks it. */
export interface AcceptedRegister {
  readonly id: bigint;
  readonly kind: 'one-end' | 'source-value';
}

/** Full explanation of one (machine type, source, destination) cell. */
export interface PairResult {
  readonly outcome: Outcome;
  /** The QEMU releases of the source and the destination. */
  readonly from: string;
  readonly to: string;
  /** Lines QEMU prints on the destination, in order (warnings and errors). */
  readonly lines: readonly string[];
  /** Plain-language notes: why, which rule helped, what to do. */
  readonly notes: readonly string[];
  /** In the destination list, not in the stream (keep reset values). Sorted. */
  readonly missing: readonly bigint[];
  /** In the stream, not on the destination, not tolerated. Sorted. */
  readonly unexpected: readonly bigint[];
  /** In the stream, not on the destination, accepted by a tolerance. Sorted by id. */
  readonly accepted: readonly AcceptedRegister[];
  /** Source-value tolerances whose test failed (so the register counted as unexpected). */
  readonly rejectedTests: readonly bigint[];
  /** Incoming registers the destination never looked at (QEMU 10.x): lost, with the value sent when known. */
  readonly dropped: readonly { readonly id: bigint; readonly value: bigint | null }[];
  /** QEMU 11.1.1's bug: the register whose tolerance cleared the failure of the earlier unexpected ones. */
  readonly clearedBy: bigint | null;
  /** Number of registers in the stream and the destination list (after hiding). */
  readonly sourceLength: number;
  readonly destinationLength: number;
}

export const outcomeRank: Readonly<Record<Outcome, number>> = { ok: 0, warn: 1, dropped: 2, unsafe: 3, bug: 4, unsupported: 5, fail: 6 };

/**
 * Data model of the migration simulator. The simulator reads only the build
 * document (src/contract/build-document.ts) and host models; it never looks at
 * compiler internals.
 */

/** What the destination does with the incoming cpreg list. Ordered by severity (see outcomeRank). */
export type Outcome = 'ok' | 'warn' | 'unsafe' | 'unsupported' | 'fail';

export const outcomes: readonly Outcome[] = ['ok', 'warn', 'unsafe', 'unsupported', 'fail'];

export const outcomeLabels: Readonly<Record<Outcome, string>> = {
  ok: 'migrates',
  warn: 'migrates with warnings (registers missing from the stream keep their reset values)',
  unsafe: 'passes but unsafe (different CPUs, not both on the machine type\'s allow list)',
  unsupported: 'unsupported (a host is below the machine type\'s minimum kernel, or accelerators differ)',
  fail: 'fails (QEMU rejects the incoming CPU state)',
};

/**
 * Destination QEMU generation. `10.2`: QEMU up to 10.2, with the early length
 * check on cpreg_vmstate_array_len and a walk that stops at the first
 * unexpected register. `11.0`: QEMU 11.x, which allocates the incoming arrays,
 * so there is no length failure and every mismatch is reported.
 */
export type QemuGeneration = '10.2' | '11.0';

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
  /** Destination QEMU generation for hosts whose profile does not fix it (KVM hosts). Default `10.2`. */
  readonly qemu: QemuGeneration;
  /**
   * Value of a register in the incoming stream, for `source-value` tolerance
   * tests. Registers not listed use their reset value, 0.
   */
  readonly regValues: ReadonlyMap<bigint, bigint>;
  /**
   * QEMU <= 10.2 with x-mig-safe-missing-regs or tolerances: the destination
   * makes room in its incoming arrays for the tolerated registers it lacks, so
   * the length check allows that many more (inferred: without it the series'
   * own TCR2_EL1 example could not work). Default true.
   */
  readonly toleratedRoom: boolean;
}

export const defaultSimulateOptions: SimulateOptions = { qemu: '10.2', regValues: new Map(), toleratedRoom: true };

/** A tolerated register the destination accepted although it lacks it. */
export interface AcceptedRegister {
  readonly id: bigint;
  readonly kind: 'one-end' | 'source-value';
}

/** Full explanation of one (machine type, source, destination) cell. */
export interface PairResult {
  readonly outcome: Outcome;
  /** Destination generation used. */
  readonly qemu: QemuGeneration;
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
  /** Number of registers in the stream and the destination list (after hiding). */
  readonly sourceLength: number;
  readonly destinationLength: number;
}

export const outcomeRank: Readonly<Record<Outcome, number>> = { ok: 0, warn: 1, unsafe: 2, unsupported: 3, fail: 4 };

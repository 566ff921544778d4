import type { Span } from '../diagnostics/source.js';

/**
 * The resolved model: every machine type with its chain and its effective,
 * merged rule set, registers resolved to ids through the catalog. Emitters
 * read only this; the simulator and review read the JSON emitted from it.
 */

export type CTarget = 'x-mig' | 'tolerances';

export interface SourceRef {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export type ReferenceKind = 'linux' | 'qemu' | 'msgid' | 'bug' | 'url';

export interface Reference {
  readonly kind: ReferenceKind;
  readonly value: string;
  /** A link for docs, when one can be made (lore for Message-IDs, git.kernel.org for commits). */
  readonly url?: string;
}

export interface KernelSpan {
  /** Inclusive lower bound, `6.15`; absent = from the beginning. */
  readonly from?: string;
  /** Inclusive upper bound; absent = open-ended. */
  readonly to?: string;
}

/** Where a rule came from and why. */
export interface Provenance {
  /** Machine type that declared the rule (for inherited entries, a newer one in the chain). */
  readonly origin: string;
  readonly reason?: string;
  readonly refs: readonly Reference[];
  readonly kernels?: KernelSpan;
  readonly source: SourceRef;
  /** Exact span of the rule in `source.file` (not part of the JSON document). */
  readonly span: Span;
}

export interface HiddenRegister extends Provenance {
  readonly id: bigint;
  /** Catalog name when the catalog knows the id. */
  readonly name?: string;
  /** Span of the register reference itself (not part of the JSON document). */
  readonly refSpan: Span;
}

export type ToleranceKind = 'one-end' | 'source-value';

export interface ToleratedRegister extends Provenance {
  readonly id: bigint;
  readonly name?: string;
  /** Span of the register reference itself (not part of the JSON document). */
  readonly refSpan: Span;
  /** `one-end`: present on one end only (x-mig-safe-missing-regs / ToleranceNotOnBothEnds). `source-value`: on the source only, if (value & mask) == value (ToleranceOnlySrcTestValue). */
  readonly kind: ToleranceKind;
  readonly mask?: bigint;
  readonly value?: bigint;
}

export interface PropertySetting extends Provenance {
  readonly driver: string;
  readonly property: string;
  readonly value: string;
  /** QEMU's `.optional = true`: no error when no object has the property. */
  readonly optional?: boolean;
  /** The shared compat set the entry comes from (`hw_compat_10_1`), when it is not the machine type's own `set`. */
  readonly compatSet?: string;
}

/** `use NAME;` on a machine type (own rules only). */
export interface UsedSet extends Provenance {
  readonly name: string;
  /** Span of the set's name in the `use` statement (not part of the JSON document). */
  readonly refSpan: Span;
}

/** A shared compat set (`compat hw_compat_10_1 { ... }`), with its entries in source order. */
export interface CompatSetInfo {
  readonly name: string;
  readonly source: SourceRef;
  readonly span: Span;
  /** Its `set` rules in order; `origin` is the set's name. */
  readonly entries: readonly PropertySetting[];
  /** Machine types whose own rules `use` it, in model order. */
  readonly usedBy: readonly string[];
}

export interface AllowedCpu extends Provenance {
  readonly midr: bigint;
  readonly revidr?: bigint;
  readonly aidr?: bigint;
}

export interface KernelRequirement extends Provenance {
  readonly version: string;
}

/**
 * A set of rules. For a machine type's `own` rules, every list is in source
 * order, exactly as written (repeats included, so validators can see them).
 * For `effective` rules: hidden and tolerated sorted by id and unique,
 * properties one per driver.property (the last applied wins) sorted by driver
 * then property, allowed CPUs sorted by MIDR, REVIDR, AIDR and unique.
 * `hide`, `tolerate` and `set` are inherited down the chain; `allow` and
 * `requires` belong to one machine type and are not.
 */
export interface RuleSet {
  readonly hidden: readonly HiddenRegister[];
  readonly tolerated: readonly ToleratedRegister[];
  readonly properties: readonly PropertySetting[];
  readonly allowedCpus: readonly AllowedCpu[];
  /** Minimum host kernel of this machine type (not inherited). */
  readonly requiresKernel?: KernelRequirement;
  /**
   * Own rules only: the shared compat sets this machine type applies, in
   * source order. They are applied before its own `set`s; their entries take
   * part in `effective.properties` like its own.
   */
  readonly uses?: readonly UsedSet[];
}

export interface MachineType {
  readonly name: string;
  /** `virt` for `virt-10.1`, `virt-rhel` for `virt-rhel9.6.0`, `pc-q35` for `pc-q35-2.11`. */
  readonly family: string;
  /** Guest architecture of the family (`virt` → aarch64, `pc-q35` → x86_64); absent when unknown. */
  readonly arch?: 'aarch64' | 'x86_64';
  /** Numeric version parsed from the name (`[10, 1]`), absent when the name has none. */
  readonly version?: readonly number[];
  /** The next newer machine type whose compat entries this one inherits. */
  readonly inherits?: string;
  /** Whether `inherits` was written or inferred from version order. */
  readonly inheritsExplicit: boolean;
  /** This machine type first, then each newer one it inherits from. */
  readonly chain: readonly string[];
  readonly target: CTarget;
  readonly source: SourceRef;
  /** Rules written on this machine type itself. */
  readonly own: RuleSet;
  /** Rules in force: everything inherited from the chain plus its own, merged. */
  readonly effective: RuleSet;
}

export interface SourceFileInfo {
  /** Path relative to the project root, with `/` separators. */
  readonly path: string;
  readonly sha256: string;
}

export interface Model {
  /** Sorted by family, then newest version first (QEMU's order in hw/arm/virt.c). */
  readonly machines: readonly MachineType[];
  readonly files: readonly SourceFileInfo[];
  /** Shared compat sets, sorted by name (absent: none declared). */
  readonly compatSets?: readonly CompatSetInfo[];
}

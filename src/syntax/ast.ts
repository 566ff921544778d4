import type { Span } from '../diagnostics/source.js';

/**
 * The mtc abstract syntax tree. Nodes are readonly, carry a `kind` and the
 * exact source span of the text they came from (end-exclusive). A node built
 * during error recovery may have missing parts; such parts are `undefined`
 * and the file has an error diagnostic.
 */

export interface Node {
  readonly kind: string;
  readonly span: Span;
}

/** A bare word: machine names (`virt-10.1`), register names, ref kinds, target names. */
export interface Identifier extends Node {
  readonly kind: 'Identifier';
  readonly name: string;
}

/** A string literal with escapes decoded; adjacent literals are joined, as in C. */
export interface StringLiteral extends Node {
  readonly kind: 'StringLiteral';
  readonly value: string;
  /**
   * Source text of each piece, as written (the formatter keeps the split);
   * absent for the usual single piece, which is then the source text of
   * `span` (one list less per string of a large file).
   */
  readonly pieces?: readonly string[];
}

/** A numeric literal as written; `value` is undefined when malformed (and diagnosed). */
export interface NumberLiteral extends Node {
  readonly kind: 'NumberLiteral';
  readonly text: string;
  readonly value: bigint | undefined;
}

/** A kernel version such as `6.15` or `5.4.0`; `parts` is empty when malformed. */
export interface Version extends Node {
  readonly kind: 'Version';
  readonly text: string;
  readonly parts: readonly number[];
}

export interface File extends Node {
  readonly kind: 'File';
  readonly path: string;
  readonly statements: readonly TopStatement[];
  /** Every comment in the file, in order (the formatter re-attaches them). */
  readonly comments: readonly Comment[];
}

export interface Comment extends Node {
  readonly kind: 'Comment';
  /** Text after `//`, without the line terminator. */
  readonly text: string;
}

export type TopStatement = Include | Target | Machine | CompatSet;

/** `include "path/to/other.mtc";` paths are relative to the including file. */
export interface Include extends Node {
  readonly kind: 'Include';
  readonly path: StringLiteral | undefined;
}

/** `target x-mig;` or `target tolerances;` for the machine types of this file. */
export interface Target extends Node {
  readonly kind: 'Target';
  readonly name: Identifier | undefined;
}

/** `machine virt-10.1 [inherits virt-10.2] { ... }` or `machine virt-11.0;` */
export interface Machine extends Node {
  readonly kind: 'Machine';
  readonly name: Identifier | undefined;
  /** Explicit next-newer machine type whose compat entries this one inherits. */
  readonly inherits: Identifier | undefined;
  readonly body: readonly MachineStatement[];
  /** True when written `machine X;` (no body). */
  readonly bodyless: boolean;
}

export type MachineStatement = Hide | Tolerate | SetProperty | Allow | Requires | Use;
export type Rule = MachineStatement;

/**
 * `compat hw_compat_10_1 { set ...; }`: a shared compat set, declared once and
 * used by machine types of any family (QEMU's `hw_compat_X_Y[]` of
 * hw/core/machine.c, `pc_compat_X_Y[]`, `arm_virt_compat_defaults[]`). Only
 * `set` rules belong in it; anything else parsed in its body is diagnosed.
 */
export interface CompatSet extends Node {
  readonly kind: 'CompatSet';
  readonly name: Identifier | undefined;
  readonly body: readonly MachineStatement[];
}

/** `use hw_compat_10_1;`: the machine type applies a shared compat set (QEMU's `compat_props_add(mc->compat_props, hw_compat_10_1, ...)`). */
export interface Use extends RuleBase {
  readonly kind: 'Use';
  readonly name: Identifier | undefined;
}

/** Kernel versions a rule is about: `since 6.15`, `kernel 6.5..6.12`, `kernel ..6.12`. */
export interface KernelRange extends Node {
  readonly kind: 'KernelRange';
  /** Inclusive lower bound. */
  readonly from: Version | undefined;
  /** Inclusive upper bound. */
  readonly to: Version | undefined;
}

/** `reason "..."`, `ref linux "c0000e58c74e"`, or an attribute mtc does not know (diagnosed). */
export interface Attribute extends Node {
  readonly kind: 'Attribute';
  readonly name: Identifier;
  readonly values: readonly (Identifier | StringLiteral | NumberLiteral)[];
}

interface RuleBase extends Node {
  readonly range: KernelRange | undefined;
  readonly attributes: readonly Attribute[];
}

/** `hide REG[, REG...]` : x-mig-hidden-regs. */
export interface Hide extends RuleBase {
  readonly kind: 'Hide';
  readonly registers: readonly RegisterRef[];
}

/**
 * `tolerate REG[, REG...]`: present on one end only (x-mig-safe-missing-regs,
 * ToleranceNotOnBothEnds). With `when value & MASK == VALUE`: on the source
 * only, and only when the test holds (ToleranceOnlySrcTestValue).
 */
export interface Tolerate extends RuleBase {
  readonly kind: 'Tolerate';
  readonly registers: readonly RegisterRef[];
  readonly test: ValueTest | undefined;
}

export interface ValueTest extends Node {
  readonly kind: 'ValueTest';
  readonly mask: NumberLiteral | undefined;
  readonly value: NumberLiteral | undefined;
}

/** `set arm-cpu.pauth = off;` : a plain compat property (driver.property = value, as in -global). */
export interface SetProperty extends RuleBase {
  readonly kind: 'SetProperty';
  /** The `driver.property` word as written. */
  readonly target: Identifier | undefined;
  readonly driver: string | undefined;
  readonly property: string | undefined;
  readonly value: Identifier | StringLiteral | NumberLiteral | undefined;
  /** `set d.p = v optional;`: QEMU's `.optional = true` (no error when no object has the property). */
  readonly optional?: Identifier;
}

/** `allow cpu 0x413fd0c1 [revidr N] [aidr N];` : a CPU implementation hosts may have. */
export interface Allow extends RuleBase {
  readonly kind: 'Allow';
  readonly midr: NumberLiteral | undefined;
  readonly revidr: NumberLiteral | undefined;
  readonly aidr: NumberLiteral | undefined;
}

/** `requires kernel 5.19;` : minimum host kernel for the machine type. */
export interface Requires extends RuleBase {
  readonly kind: 'Requires';
  readonly version: Version | undefined;
}

export type RegisterRef = RegisterName | RegisterId | RegisterTuple;

/** A catalog name (`TCR2_EL1`) or Arm's generic name (`S3_0_C2_C0_3`). */
export interface RegisterName extends Node {
  readonly kind: 'RegisterName';
  readonly name: string;
  /** `TCR2_EL1 (0x603000000013c103)`: the id the author expects; checked against the catalog. */
  readonly expectedId: NumberLiteral | undefined;
}

/** A raw 64-bit KVM register id (`0x603000000013c103`). */
export interface RegisterId extends Node {
  readonly kind: 'RegisterId';
  readonly literal: NumberLiteral;
}

/** `sysreg(3, 0, 2, 0, 3)`: op0, op1, CRn, CRm, op2. */
export interface RegisterTuple extends Node {
  readonly kind: 'RegisterTuple';
  readonly space: string;
  readonly fields: readonly NumberLiteral[];
}

export type AnyNode =
  | File
  | Comment
  | Include
  | Target
  | Machine
  | CompatSet
  | Use
  | Hide
  | Tolerate
  | SetProperty
  | Allow
  | Requires
  | KernelRange
  | Attribute
  | ValueTest
  | Identifier
  | StringLiteral
  | NumberLiteral
  | Version
  | RegisterName
  | RegisterId
  | RegisterTuple;

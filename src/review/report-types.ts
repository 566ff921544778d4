/**
 * The diff report: what `mtc diff` found, independent of the output format.
 * `--format json` prints it as is (schema/diff.schema.json). 64-bit values
 * are `0x` hex strings; every list is in a stable order.
 */

/** A range in a file of the repository: 1-based lines and columns, end column exclusive (like SARIF's). */
export interface Location {
  /** Repository-relative path with `/` separators (or tree-relative for directory trees). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

export type ChangeKind =
  | 'machine-added'
  | 'machine-removed'
  | 'chain-changed'
  | 'target-changed'
  | 'hidden-added'
  | 'hidden-removed'
  | 'tolerance-added'
  | 'tolerance-removed'
  | 'tolerance-changed'
  | 'property-added'
  | 'property-removed'
  | 'property-changed'
  | 'cpu-added'
  | 'cpu-removed'
  | 'cpu-changed'
  | 'kernel-added'
  | 'kernel-removed'
  | 'kernel-raised'
  | 'kernel-lowered';

export interface Change {
  readonly kind: ChangeKind;
  readonly machine: string;
  /** What changed: a register (`TCR2_EL1 (0x603000000013c103)`), `driver.property`, a MIDR, `kernel`, `chain`, `target`. */
  readonly subject: string;
  readonly before: string | null;
  readonly after: string | null;
  /** One line for people. */
  readonly summary: string;
  /** The machine type whose rule this is (a newer one for inherited rules). */
  readonly origin: string | null;
  /** In the head tree when the change is there, else in the base tree. */
  readonly location: Location | null;
  readonly side: 'base' | 'head';
  /** Migration pairs (`src → dst`) this change makes pass. */
  readonly fixes: readonly string[];
  /** Migration pairs this change makes fail. */
  readonly breaks: readonly string[];
  /** Id of the cause this change belongs to (`causes`). */
  readonly cause: string;
}

/**
 * One rule change and everything it does: a rule edited on one machine type
 * shows as a change on every machine type that inherits it; a changed
 * `inherits` changes the chain (and the inherited rules) of every older
 * machine type. A cause gathers those changes, the machine types they affect
 * and the migration pairs they make fail or pass.
 */
export interface Cause {
  /** Stable id: kind, origin and subjects (`tolerance-removed virt-10.1 TCR2_EL1 (0x603000000013c103)`). */
  readonly id: string;
  readonly kind: ChangeKind;
  /** The machine type whose own rule (or `inherits`, or declaration) changed. */
  readonly origin: string;
  /** Registers, `driver.property`, MIDR, `kernel`, `chain`, `target` or the machine type. */
  readonly subjects: readonly string[];
  /** One line for people, starting with the origin. */
  readonly summary: string;
  readonly location: Location | null;
  readonly side: 'base' | 'head';
  /** Every machine type it changes: the origin first, then those that inherit the change. */
  readonly machines: readonly string[];
  /** Of those, the released ones. */
  readonly released: readonly string[];
  /** Other effective-rule changes it brings (a changed chain: the inherited rules gained or lost). */
  readonly effects: readonly string[];
  /** Pairs it makes fail, `machine: src → dst`. */
  readonly breaks: readonly string[];
  /** Pairs it makes pass, `machine: src → dst`. */
  readonly fixes: readonly string[];
  /** Pairs it makes unsupported (a raised kernel requirement), `machine: src → dst`. */
  readonly unsupports: readonly string[];
}

export type FindingSeverity = 'error' | 'warning' | 'note';

/**
 * One finding per cause (or, for migration pairs no change explains, per
 * machine type): the rule it breaks (or the note it gets), with the machine
 * types and pairs it concerns listed within.
 */
export interface Finding {
  /** Rule id, `MTC5001`. */
  readonly rule: string;
  /** Rule name, `released-rule-removed`. */
  readonly name: string;
  readonly severity: FindingSeverity;
  /** The cause's origin (the machine type whose rule changed); null for findings not tied to one (configuration). */
  readonly machine: string | null;
  /** Every machine type the finding concerns, the origin first. */
  readonly machines: readonly string[];
  readonly subject: string;
  /** The cause (`causes[].id`), or null for pairs no change explains. */
  readonly cause: string | null;
  readonly message: string;
  readonly location: Location | null;
  /** Migration pairs that passed before and now fail (`machine: src → dst`). */
  readonly breaks: readonly string[];
  /** Migration pairs that failed before and now pass. */
  readonly fixes: readonly string[];
  /** Lines QEMU prints on the destination for the first newly failing pair. */
  readonly qemu: readonly string[];
  readonly waived: { readonly reason: string; readonly file: string; readonly line: number } | null;
}

export interface PairChange {
  readonly machine: string;
  readonly source: string;
  readonly destination: string;
  readonly before: string;
  readonly after: string;
  /** QEMU's lines on the destination with the rules that fail (head for new failures, base for fixes). */
  readonly qemu: readonly string[];
  readonly notes: readonly string[];
  /** The causes that explain it (`causes[].id`). */
  readonly causes: readonly string[];
}

export interface MatrixChange {
  readonly hosts: readonly string[];
  readonly qemu: string;
  /** Machine types present in both trees and simulated. */
  readonly machines: readonly string[];
  readonly cells: number;
  readonly newlyFailing: readonly PairChange[];
  readonly newlyPassing: readonly PairChange[];
  /** Pairs that passed and are now unsupported (kernel requirement or accelerator). */
  readonly newlyUnsupported: readonly PairChange[];
}

export interface MachineSummary {
  readonly name: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly released: boolean;
  readonly changes: number;
}

export interface GeneratedDiff {
  /** Output path as `mtc build` writes it (`c/virt.c`). */
  readonly path: string;
  readonly status: 'added' | 'removed' | 'changed';
  readonly diff: string;
}

export interface TreeInfo {
  readonly kind: 'git' | 'dir' | 'worktree';
  /** What the user passed (`main`, `HEAD~1`, a directory). */
  readonly spec: string;
  readonly commit: string | null;
}

export interface ReportDiagnostic {
  readonly side: 'base' | 'head' | 'config';
  readonly code: string;
  readonly severity: 'error' | 'warning' | 'note';
  readonly message: string;
  readonly location: Location | null;
}

export type Verdict = 'breaking' | 'compatible' | 'no-changes' | 'error';

export interface DiffReport {
  readonly format: 'mtc-diff';
  readonly version: 2;
  readonly base: TreeInfo;
  readonly head: TreeInfo;
  readonly verdict: Verdict;
  readonly counts: {
    readonly breaking: number;
    readonly waived: number;
    readonly warnings: number;
    readonly fixes: number;
    readonly changes: number;
    /** Distinct rule changes (causes) behind the changes. */
    readonly causes: number;
    readonly machinesChanged: number;
    readonly machinesAdded: number;
    readonly machinesRemoved: number;
  };
  /** The `released:` patterns in force (base and head config united). */
  readonly released: readonly string[];
  readonly machines: readonly MachineSummary[];
  readonly changes: readonly Change[];
  readonly causes: readonly Cause[];
  readonly findings: readonly Finding[];
  readonly matrix: MatrixChange | null;
  readonly generated: readonly GeneratedDiff[];
  readonly diagnostics: readonly ReportDiagnostic[];
}

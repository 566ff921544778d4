/**
 * The build document (`out/mtc-build.json`): the contract between the compiler
 * and its consumers (the simulator, `mtc diff`, management tools). Its JSON
 * Schema is `schema/build.schema.json`. 64-bit values are `0x`-prefixed,
 * 16-digit lower-case hex strings; versions are strings like `6.15`.
 * Bump BUILD_DOCUMENT_VERSION on any incompatible change.
 */

export const BUILD_DOCUMENT_FORMAT = 'mtc-build';
export const BUILD_DOCUMENT_VERSION = 1;

export interface DocSourceRef {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface DocReference {
  readonly kind: 'linux' | 'qemu' | 'msgid' | 'bug' | 'url';
  readonly value: string;
  readonly url: string | null;
}

export interface DocProvenance {
  readonly origin: string;
  readonly reason: string | null;
  readonly refs: readonly DocReference[];
  readonly kernels: { readonly from: string | null; readonly to: string | null } | null;
  readonly source: DocSourceRef;
}

export interface DocHidden extends DocProvenance {
  readonly id: string;
  readonly name: string | null;
}

export interface DocTolerated extends DocProvenance {
  readonly id: string;
  readonly name: string | null;
  readonly kind: 'one-end' | 'source-value';
  /** Present for `source-value`, null otherwise. */
  readonly mask: string | null;
  readonly value: string | null;
}

export interface DocProperty extends DocProvenance {
  readonly driver: string;
  readonly property: string;
  readonly value: string;
  /** QEMU's `.optional = true`; absent when false. */
  readonly optional?: true;
  /** The shared compat set the entry comes from; absent for the machine type's own `set`. */
  readonly compatSet?: string;
}

export interface DocAllowedCpu extends DocProvenance {
  readonly midr: string;
  readonly revidr: string | null;
  readonly aidr: string | null;
  /** Decoded from the MIDR for people: implementer and part names when known. */
  readonly implementer: string | null;
  readonly part: string | null;
}

/** One entry as QMP `query-machines` with `compat-props: true` reports it. */
export interface DocCompatProp {
  readonly 'qom-type': string;
  readonly property: string;
  readonly value: string;
}

/** One `arm_register_cpreg_mig_tolerance()` call of the tolerance target. */
export interface DocToleranceCall {
  readonly id: string;
  readonly mask: string;
  readonly value: string;
  readonly type: 'ToleranceNotOnBothEnds' | 'ToleranceOnlySrcTestValue';
}

export interface DocRuleSet {
  readonly hidden: readonly DocHidden[];
  readonly tolerated: readonly DocTolerated[];
  readonly properties: readonly DocProperty[];
  readonly allowedCpus: readonly DocAllowedCpu[];
  readonly requiresKernel: (DocProvenance & { readonly version: string }) | null;
}

export interface DocMachineType {
  readonly name: string;
  readonly family: string;
  /** Guest architecture of the family (`virt` → aarch64, `pc-q35` → x86_64), null when unknown. The simulator models aarch64 only. */
  readonly arch: 'aarch64' | 'x86_64' | null;
  readonly version: string | null;
  readonly inherits: string | null;
  readonly chain: readonly string[];
  readonly target: 'x-mig' | 'tolerances';
  readonly source: DocSourceRef;
  /** Rules written on this machine type itself. */
  readonly own: DocRuleSet;
  /** Rules in force after merging the chain. The simulator reads this. */
  readonly effective: DocRuleSet;
  /** Effective compat properties in application order, as `query-machines` shows them (x-mig target: includes the merged register arrays). */
  readonly compatProps: readonly DocCompatProp[];
  /** Tolerance target: the calls to register; empty for x-mig. */
  readonly tolerances: readonly DocToleranceCall[];
  /** Shared compat sets this machine type applies itself, in order; absent when none. */
  readonly uses?: readonly string[];
}

export interface BuildDocument {
  readonly format: typeof BUILD_DOCUMENT_FORMAT;
  readonly version: typeof BUILD_DOCUMENT_VERSION;
  readonly generator: { readonly name: 'mtc'; readonly version: string };
  readonly sources: readonly { readonly path: string; readonly sha256: string }[];
  readonly machineTypes: readonly DocMachineType[];
}

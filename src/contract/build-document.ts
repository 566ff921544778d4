/**
 * The build document (`out/mtc-build.json`): the contract between the compiler
 * and its consumers (the simulator, `mtc diff`, management tools). Its JSON
 * Schema is `schema/build.schema.json`. 64-bit values are `0x`-prefixed,
 * 16-digit lower-case hex strings; versions are strings like `6.15`.
 * Bump BUILD_DOCUMENT_VERSION on any incompatible change.
 *
 * Version 2 (compact): every rule is written once, in `rules`, with its
 * provenance; a machine type's `own` and `effective` sets list indexes into
 * `rules` (an older machine type's effective set refers to the rules it
 * inherits instead of repeating them). Version 1 repeated every inherited rule
 * in every machine type (23x the rules' size at 10 MB of rules); readers
 * refuse it and say to rebuild.
 *
 * Version 3 (linear): a machine type lists only the compat properties its own
 * options function adds (`compatPropsAdded`), as QEMU builds them: each
 * options function first calls the next newer one. Version 2 repeated the
 * whole list of the chain in every machine type (the square of the chain
 * length; 16 MB of a 35 MB document at 10 MB of rules). `compatPropsOf`
 * computes the full lists. Readers refuse versions 1 and 2 and say to rebuild.
 */

export const BUILD_DOCUMENT_FORMAT = 'mtc-build';
export const BUILD_DOCUMENT_VERSION = 3;

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

/**
 * One entry a machine type's options function adds. With `replaces`, it first
 * drops every earlier entry of the same QOM type and property (the x-mig
 * target's set-once register arrays, merged over the chain).
 */
export interface DocCompatPropAdded extends DocCompatProp {
  readonly replaces?: true;
}

/**
 * Every machine type's effective compat properties in application order, as
 * `query-machines` shows them: its parent's list, then what it adds (an entry
 * with `replaces` first drops the earlier entries of its QOM type and
 * property). Machine types whose parent is not in the document start empty.
 */
export function compatPropsOf(doc: Pick<BuildDocument, 'machineTypes'>): Map<string, DocCompatProp[]> {
  const byName = new Map(doc.machineTypes.map((m) => [m.name, m]));
  const out = new Map<string, DocCompatProp[]>();
  const resolve = (name: string, depth: number): DocCompatProp[] => {
    const done = out.get(name);
    if (done) return done;
    const m = byName.get(name);
    if (!m || depth > doc.machineTypes.length) return [];
    let props = m.inherits !== null ? [...resolve(m.inherits, depth + 1)] : [];
    for (const e of m.compatPropsAdded) {
      if (e.replaces) props = props.filter((p) => !(p['qom-type'] === e['qom-type'] && p.property === e.property));
      props.push({ 'qom-type': e['qom-type'], property: e.property, value: e.value });
    }
    out.set(name, props);
    return props;
  };
  for (const m of doc.machineTypes) resolve(m.name, 0);
  return out;
}

/** One `arm_register_cpreg_mig_tolerance()` call of the tolerance target. */
export interface DocToleranceCall {
  readonly id: string;
  readonly mask: string;
  readonly value: string;
  readonly type: 'ToleranceNotOnBothEnds' | 'ToleranceOnlySrcTestValue';
}

export interface DocRequiresKernel extends DocProvenance {
  readonly version: string;
}

/** A rule of the `rules` table: `rule` says which kind. */
export type DocRule =
  | ({ readonly rule: 'hide' } & DocHidden)
  | ({ readonly rule: 'tolerate' } & DocTolerated)
  | ({ readonly rule: 'set' } & DocProperty)
  | ({ readonly rule: 'allow' } & DocAllowedCpu)
  | ({ readonly rule: 'requires' } & DocRequiresKernel);

/** A rule set as indexes into the document's `rules`, each list in the model's order. */
export interface DocRuleSet {
  readonly hidden: readonly number[];
  readonly tolerated: readonly number[];
  readonly properties: readonly number[];
  readonly allowedCpus: readonly number[];
  readonly requiresKernel: number | null;
}

/** A rule set with its rules looked up (what version 1 wrote inline). */
export interface DocRuleSetExpanded {
  readonly hidden: readonly DocHidden[];
  readonly tolerated: readonly DocTolerated[];
  readonly properties: readonly DocProperty[];
  readonly allowedCpus: readonly DocAllowedCpu[];
  readonly requiresKernel: DocRequiresKernel | null;
}

/** Looks up the rules of a set (no checks: for documents already validated against the schema). */
export function expandRuleSet(doc: Pick<BuildDocument, 'rules'>, set: DocRuleSet): DocRuleSetExpanded {
  const at = (i: number) => doc.rules[i] as never;
  return {
    hidden: set.hidden.map(at),
    tolerated: set.tolerated.map(at),
    properties: set.properties.map(at),
    allowedCpus: set.allowedCpus.map(at),
    requiresKernel: set.requiresKernel === null ? null : at(set.requiresKernel),
  };
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
  /** The compat properties this machine type's options function adds, in order (x-mig target: the merged register arrays, `replaces`); compatPropsOf gives the effective lists. */
  readonly compatPropsAdded: readonly DocCompatPropAdded[];
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
  /** Every rule once; rule sets refer to them by index. */
  readonly rules: readonly DocRule[];
  readonly machineTypes: readonly DocMachineType[];
}

/**
 * The model's rule entries as fixed-shape objects, and the parent-plus-own
 * merge of effective rule sets.
 *
 * Every entry of one kind has the same fields in the same order (optional ones
 * present as undefined), so V8 keeps one hidden class per kind; an entry's
 * provenance is computed once per rule and shared by the entries of its
 * registers; a rule's line and column are computed when someone reads them
 * (the build document, the C comments), not while checking.
 */
import type { Span } from '../diagnostics/source.js';
import type * as M from './model.js';
import { sortInPlace } from '../util/arrays.js';

/** Where a rule was written; line and column are computed from its span on first use. */
export class RuleSource implements M.SourceRef {
  #line = 0;
  #column = 0;
  constructor(
    readonly file: string,
    private readonly at: Span,
  ) {}
  get line(): number {
    if (this.#line === 0) this.#fill();
    return this.#line;
  }
  get column(): number {
    if (this.#line === 0) this.#fill();
    return this.#column;
  }
  #fill(): void {
    const p = this.at.start;
    this.#line = p.line;
    this.#column = p.column;
  }
  toJSON(): M.SourceRef {
    return { file: this.file, line: this.line, column: this.column };
  }
}

/** The provenance of one rule, shared by every entry the rule makes. */
export class Prov implements M.Provenance {
  constructor(
    readonly origin: string,
    readonly reason: string | undefined,
    readonly refs: readonly M.Reference[],
    readonly kernels: M.KernelSpan | undefined,
    readonly source: M.SourceRef,
    readonly span: Span,
  ) {}
}

/**
 * What every entry carries: its rule's provenance, copied into the entry's own
 * fields (one hidden class per kind of entry, each with these fields first).
 */
abstract class RuleEntry implements M.Provenance {
  readonly origin: string;
  readonly reason: string | undefined;
  readonly refs: readonly M.Reference[];
  readonly kernels: M.KernelSpan | undefined;
  readonly source: M.SourceRef;
  readonly span: Span;
  constructor(p: Prov) {
    this.origin = p.origin;
    this.reason = p.reason;
    this.refs = p.refs;
    this.kernels = p.kernels;
    this.source = p.source;
    this.span = p.span;
  }
}

export class HiddenEntry extends RuleEntry implements M.HiddenRegister {
  constructor(
    p: Prov,
    readonly id: bigint,
    readonly name: string | undefined,
    readonly refSpan: Span,
  ) {
    super(p);
  }
}

export class ToleratedEntry extends RuleEntry implements M.ToleratedRegister {
  constructor(
    p: Prov,
    readonly id: bigint,
    readonly name: string | undefined,
    readonly refSpan: Span,
    readonly kind: M.ToleranceKind,
    readonly mask: bigint | undefined,
    readonly value: bigint | undefined,
  ) {
    super(p);
  }
}

export class PropertyEntry extends RuleEntry implements M.PropertySetting {
  constructor(
    p: Prov,
    readonly driver: string,
    readonly property: string,
    readonly value: string,
  ) {
    super(p);
  }
}

export class CpuEntry extends RuleEntry implements M.AllowedCpu {
  constructor(
    p: Prov,
    readonly midr: bigint,
    readonly revidr: bigint | undefined,
    readonly aidr: bigint | undefined,
  ) {
    super(p);
  }
}

export class KernelEntry extends RuleEntry implements M.KernelRequirement {
  constructor(
    p: Prov,
    readonly version: string,
  ) {
    super(p);
  }
}

export class RuleSetImpl implements M.RuleSet {
  constructor(
    readonly hidden: readonly M.HiddenRegister[],
    readonly tolerated: readonly M.ToleratedRegister[],
    readonly properties: readonly M.PropertySetting[],
    readonly allowedCpus: readonly M.AllowedCpu[],
    readonly requiresKernel: M.KernelRequirement | undefined,
  ) {}
}

// ---- merging ---------------------------------------------------------------

function idOrder<T extends { id: bigint }>(a: T, b: T): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function propOrder(a: M.PropertySetting, b: M.PropertySetting): number {
  return a.driver !== b.driver ? (a.driver < b.driver ? -1 : 1) : a.property < b.property ? -1 : a.property > b.property ? 1 : 0;
}

function cpuOrder(a: M.AllowedCpu, b: M.AllowedCpu): number {
  if (a.midr !== b.midr) return a.midr < b.midr ? -1 : 1;
  const ra = a.revidr ?? -1n;
  const rb = b.revidr ?? -1n;
  if (ra !== rb) return ra < rb ? -1 : 1;
  const xa = a.aidr ?? -1n;
  const xb = b.aidr ?? -1n;
  if (xa !== xb) return xa < xb ? -1 : 1;
  return 0;
}

function sameTolerance(a: M.ToleratedRegister, b: M.ToleratedRegister): boolean {
  return a.kind === b.kind && a.mask === b.mask && a.value === b.value;
}

/** Merges two lists sorted by `order`; on a tie `pick(older, newer)` chooses. */
function mergeSorted<T>(base: readonly T[], add: readonly T[], order: (a: T, b: T) => number, pick: (inBase: T, added: T) => T): readonly T[] {
  if (add.length === 0) return base;
  if (base.length === 0) return add;
  const out: T[] = new Array(base.length + add.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < base.length && j < add.length) {
    const c = order(base[i], add[j]);
    if (c < 0) out[k++] = base[i++];
    else if (c > 0) out[k++] = add[j++];
    else {
      out[k++] = pick(base[i++], add[j++]);
    }
  }
  while (i < base.length) out[k++] = base[i++];
  while (j < add.length) out[k++] = add[j++];
  out.length = k;
  return out;
}

/** Own allowed CPUs, sorted and unique (the first written wins). */
function ownCpus(own: M.RuleSet): readonly M.AllowedCpu[] {
  if (own.allowedCpus.length <= 1) return own.allowedCpus;
  const sorted = sortInPlace([...own.allowedCpus], cpuOrder);
  const out: M.AllowedCpu[] = [sorted[0]];
  for (let i = 1; i < sorted.length; i++) if (cpuOrder(sorted[i], out[out.length - 1]) !== 0) out.push(sorted[i]);
  return out;
}

/**
 * The effective set of a machine type from its parent's effective set and its
 * own rules, applied after the parent's (QEMU's order): a register hidden by
 * the parent keeps the parent's entry; a different tolerance of the same
 * register replaces it; a property set again replaces it. Allowed CPUs and the
 * kernel requirement are this machine type's own. Lists the own rules do not
 * touch are shared with the parent, not copied.
 */
export function mergeOverParent(parent: M.RuleSet | undefined, own: M.RuleSet): M.RuleSet {
  const base = parent ?? EMPTY;
  // Hidden: the first entry for an id wins, the parent's before this machine type's.
  // (A single own rule of a kind, the usual case, is its own sorted list of unique entries.)
  let hidden = base.hidden;
  if (own.hidden.length === 1) hidden = mergeSorted(base.hidden, own.hidden, idOrder, keepBase);
  else if (own.hidden.length > 1) {
    const first = new Map<bigint, M.HiddenRegister>();
    for (const h of own.hidden) if (!first.has(h.id)) first.set(h.id, h);
    hidden = mergeSorted(base.hidden, sortInPlace([...first.values()], idOrder), idOrder, keepBase);
  }
  // Tolerated: applied in order; an equal tolerance keeps where it was introduced.
  let tolerated = base.tolerated;
  if (own.tolerated.length === 1) {
    const t = own.tolerated[0];
    const prev = findById(base.tolerated, t.id);
    if (!prev || !sameTolerance(prev, t)) tolerated = mergeSorted(base.tolerated, own.tolerated, idOrder, takeAdded);
  } else if (own.tolerated.length > 1) {
    const last = new Map<bigint, M.ToleratedRegister>();
    const inBase = (id: bigint) => findById(base.tolerated, id);
    for (const t of own.tolerated) {
      const prev = last.get(t.id) ?? inBase(t.id);
      if (!prev || !sameTolerance(prev, t)) last.set(t.id, t);
    }
    tolerated = mergeSorted(base.tolerated, sortInPlace([...last.values()], idOrder), idOrder, takeAdded);
  }
  // Properties: the last one written wins.
  let properties = base.properties;
  if (own.properties.length === 1) properties = mergeSorted(base.properties, own.properties, propOrder, takeAdded);
  else if (own.properties.length > 1) {
    // Sorted (the sort is stable: equal properties stay in written order), then the last of each run kept.
    const sorted = sortInPlace([...own.properties], propOrder);
    let k = 0;
    for (let i = 1; i < sorted.length; i++) {
      if (propOrder(sorted[k], sorted[i]) === 0) sorted[k] = sorted[i];
      else sorted[++k] = sorted[i];
    }
    sorted.length = k + 1;
    properties = mergeSorted(base.properties, sorted, propOrder, takeAdded);
  }
  return new RuleSetImpl(hidden, tolerated, properties, ownCpus(own), own.requiresKernel);
}

function keepBase<T>(inBase: T): T {
  return inBase;
}

function takeAdded<T>(_inBase: T, added: T): T {
  return added;
}

function findById<T extends { id: bigint }>(list: readonly T[], id: bigint): T | undefined {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = list[mid].id;
    if (v === id) return list[mid];
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

const EMPTY: M.RuleSet = new RuleSetImpl([], [], [], [], undefined);

/**
 * Merges own rule sets in application order (newest machine type first, this
 * one last), one parent-plus-own step at a time.
 */
export function mergeChain(sets: readonly M.RuleSet[]): M.RuleSet {
  let acc: M.RuleSet | undefined;
  for (const s of sets) acc = mergeOverParent(acc, s);
  return acc ?? EMPTY;
}

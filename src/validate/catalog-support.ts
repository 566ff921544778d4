import type { ValidationContext } from './rule.js';
import { compileHistory, loadBuiltinHistory, presenceAt, type CompiledHistory, type KernelHistory, type PresenceChange } from '../catalog/history.js';

/** `ctx.extras` key under which `mtc check --history` passes a KernelHistory. */
export const HISTORY_EXTRA = 'catalog.history';

const compiled = new WeakMap<KernelHistory, WeakMap<object, CompiledHistory>>();

/** The kernel history of a check, compiled against its catalog once (several rules use it). */
export function historyOf(ctx: ValidationContext): CompiledHistory {
  const h = (ctx.extras.get(HISTORY_EXTRA) as KernelHistory | undefined) ?? loadBuiltinHistory();
  let byCatalog = compiled.get(h);
  if (!byCatalog) compiled.set(h, (byCatalog = new WeakMap()));
  let c = byCatalog.get(ctx.catalog);
  if (!c) byCatalog.set(ctx.catalog, (c = compileHistory(h, ctx.catalog)));
  return c;
}

/** The kernel range the history implies for a register that some kernels list differently. */
export interface ImpliedRange {
  /** `hide`: the release that added it; `tolerate`: the era in which it was listed for everyone before being gated. */
  readonly from: string;
  readonly to?: string;
  readonly changes: readonly PresenceChange[];
  readonly unverified: boolean;
}

/** `compute(history, register)`, memoised per history (the rules ask it of every register they see). */
function perHistory<T>(compute: (h: CompiledHistory, id: bigint) => T): (h: CompiledHistory, id: bigint) => T {
  const memo = new WeakMap<CompiledHistory, Map<bigint, T>>();
  return (h, id) => {
    let byId = memo.get(h);
    if (!byId) memo.set(h, (byId = new Map()));
    if (byId.has(id)) return byId.get(id) as T;
    const r = compute(h, id);
    byId.set(id, r);
    return r;
  };
}

/** The kernel range the history implies for a register (memoised per history). */
export const impliedRange = perHistory(computeImpliedRange);

function computeImpliedRange(h: CompiledHistory, id: bigint): ImpliedRange | undefined {
  const t = h.timelines.get(id);
  if (!t) return undefined;
  const mainline = t.changes.filter((c) => !c.flavours);
  const first = mainline.find((c) => c.when === 'always') ?? mainline.find((c) => c.when !== 'never');
  if (!first) return undefined;
  const later = mainline.find((c) => mainline.indexOf(c) > mainline.indexOf(first) && c.when !== 'always');
  const rel = h.history.releases;
  const used = later ? [first, later] : [first];
  const unverified = used.some((c) => c.unverified === true);
  if (!later) return { from: first.since, changes: used, unverified };
  const i = rel.indexOf(later.since);
  return { from: first.since, to: i > 0 ? rel[i - 1] : later.since, changes: used, unverified };
}

/**
 * Whether every kernel of the history lists the register the same way, so that hiding or
 * tolerating it changes nothing (memoised per history).
 */
export const listedUniformly = perHistory(computeListedUniformly);

function computeListedUniformly(h: CompiledHistory, id: bigint): 'always' | 'never' | undefined {
  if (h.tcg.has(id)) return undefined;
  const t = h.timelines.get(id);
  if (!t) return 'never';
  const seen = new Set<string>();
  for (const r of h.history.releases) seen.add(presenceAt(t, r).when);
  for (const c of t.changes) seen.add(c.when);
  if (seen.size === 1) {
    const only = [...seen][0];
    return only === 'always' || only === 'never' ? only : undefined;
  }
  return undefined;
}

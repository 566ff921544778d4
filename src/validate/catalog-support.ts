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

const implied = new WeakMap<CompiledHistory, Map<bigint, ImpliedRange | undefined>>();

/** The kernel range the history implies for a register (memoised per history: every rule on it asks). */
export function impliedRange(h: CompiledHistory, id: bigint): ImpliedRange | undefined {
  let memo = implied.get(h);
  if (!memo) implied.set(h, (memo = new Map()));
  if (memo.has(id)) return memo.get(id);
  const r = computeImpliedRange(h, id);
  memo.set(id, r);
  return r;
}

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

/** Whether every release of the history lists the register the same way (so hiding/tolerating it changes nothing). */
const uniform = new WeakMap<CompiledHistory, Map<bigint, 'always' | 'never' | undefined>>();

/** Whether every kernel of the history lists the register the same way (memoised per history). */
export function listedUniformly(h: CompiledHistory, id: bigint): 'always' | 'never' | undefined {
  let memo = uniform.get(h);
  if (!memo) uniform.set(h, (memo = new Map()));
  if (memo.has(id)) return memo.get(id);
  const r = computeListedUniformly(h, id);
  memo.set(id, r);
  return r;
}

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

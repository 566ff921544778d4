import { readFileSync } from 'node:fs';
import { packageRootUrl } from '../util/package-root.js';
import { classOfId, idHex, parseIdHex } from './regid.js';
import type { Catalog } from './types.js';

/**
 * `always`, `never`, or what the register is gated on: a host/vcpu feature
 * (`FEAT_TCR2`), a kernel build option (`CONFIG_ARM64_POE`, on unless a host
 * profile's `kernel_config` turns it off), or several of them joined by `&`
 * (`FEAT_S1POE & CONFIG_ARM64_POE`: all of them).
 */
export type Presence = string;

export interface BaselineEntry {
  /** Catalog name or hex id. */
  readonly register: string;
  readonly when?: Presence;
  readonly note?: string;
}

export interface PresenceChange {
  readonly register: string;
  /** First kernel version (inclusive) with this behaviour. */
  readonly since: string;
  readonly when: Presence;
  /**
   * Only in these kernel flavours (`stable`, `el9`); absent = mainline and every flavour. With a
   * flavour, a `since` of three parts (`6.12.77`, a stable point release) applies within that
   * series only (6.12.77 and later 6.12.y): a backport to one stable series says nothing of the
   * next, which follows its own entry or mainline.
   */
  readonly flavours?: readonly string[];
  readonly commit?: string;
  readonly note?: string;
  readonly unverified?: boolean;
}

export interface WritableChange {
  readonly register: string;
  readonly since: string;
  readonly commit?: string;
  readonly note?: string;
  readonly unverified?: boolean;
}

export interface TcgChange {
  readonly register: string;
  readonly qemu_since?: string;
  readonly qemu_until?: string;
  readonly commit?: string;
  readonly note?: string;
  readonly unverified?: boolean;
}

/** The kernel history (catalog/kernels.yaml + the generated baseline). */
export interface KernelHistory {
  /** Mainline releases, ascending. */
  readonly releases: readonly string[];
  /** What the oldest release lists. */
  readonly baseline: readonly BaselineEntry[];
  readonly changes: readonly PresenceChange[];
  readonly writable: readonly WritableChange[];
  readonly tcg: readonly TcgChange[];
}

/** Compares dotted versions numerically; missing parts count as 0 (`6.12` == `6.12.0`). */
export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Feature names are case-insensitive and may omit `FEAT_`; some imply others (FP8 → FPMR). Kernel options keep their `CONFIG_`. */
export function normalizeFeature(f: string): string {
  const u = f.toUpperCase();
  return u.startsWith('FEAT_') || u.startsWith('CONFIG_') || u === 'ALWAYS' || u === 'NEVER' ? u : `FEAT_${u}`;
}
const IMPLIED: Record<string, string[]> = { FEAT_FP8: ['FEAT_FPMR'], FEAT_S1POE: [], FEAT_PMUV3: [] };

/**
 * What a host has: its features (and those they imply), and `!CONFIG_X` for
 * each kernel build option its `kernel_config` turns off.
 */
export function featureSet(features: readonly string[], kernelConfig: Readonly<Record<string, boolean>> = {}): Set<string> {
  const out = new Set<string>();
  for (const f of features) {
    const n = normalizeFeature(f);
    out.add(n);
    for (const i of IMPLIED[n] ?? []) out.add(i);
  }
  for (const [k, on] of Object.entries(kernelConfig)) if (!on) out.add(`!${normalizeFeature(k)}`);
  return out;
}

/** Resolves a catalog name or hex id. */
export function resolveRegisterSpec(catalog: Catalog, spec: string): bigint | undefined {
  if (/^0x/i.test(spec)) return parseIdHex(spec);
  return catalog.lookupName(spec)?.id;
}

export interface RegisterTimeline {
  readonly id: bigint;
  readonly baseline?: BaselineEntry;
  /** Sorted by `since`. */
  readonly changes: readonly PresenceChange[];
}

export interface CompiledHistory {
  readonly history: KernelHistory;
  readonly timelines: ReadonlyMap<bigint, RegisterTimeline>;
  readonly writable: ReadonlyMap<bigint, WritableChange>;
  readonly tcg: ReadonlyMap<bigint, TcgChange>;
  /** Names the catalog does not know (reported by the loaders). */
  readonly unknown: readonly string[];
}

const compiledCache = new WeakMap<KernelHistory, WeakMap<Catalog, CompiledHistory>>();

export function compileHistory(history: KernelHistory, catalog: Catalog): CompiledHistory {
  let byCat = compiledCache.get(history);
  const hit = byCat?.get(catalog);
  if (hit) return hit;
  const unknown: string[] = [];
  const res = (s: string): bigint | undefined => {
    const id = resolveRegisterSpec(catalog, s);
    if (id === undefined) unknown.push(s);
    return id;
  };
  const timelines = new Map<bigint, { id: bigint; baseline?: BaselineEntry; changes: PresenceChange[] }>();
  const tl = (id: bigint) => {
    let t = timelines.get(id);
    if (!t) timelines.set(id, (t = { id, changes: [] }));
    return t;
  };
  for (const b of history.baseline) {
    const id = res(b.register);
    if (id !== undefined) tl(id).baseline = b;
  }
  for (const c of history.changes) {
    const id = res(c.register);
    if (id !== undefined) tl(id).changes.push(c);
  }
  for (const t of timelines.values()) t.changes.sort((a, b) => compareVersions(a.since, b.since));
  const writable = new Map<bigint, WritableChange>();
  for (const w of history.writable) {
    const id = res(w.register);
    if (id !== undefined) writable.set(id, w);
  }
  const tcg = new Map<bigint, TcgChange>();
  for (const t of history.tcg) {
    const id = res(t.register);
    if (id !== undefined) tcg.set(id, t);
  }
  const out: CompiledHistory = { history, timelines, writable, tcg, unknown };
  if (!byCat) compiledCache.set(history, (byCat = new WeakMap()));
  byCat.set(catalog, out);
  return out;
}

/** Whether `commit` is one of `backports` (abbreviated ids of either length: one a prefix of the other). */
export function commitIn(commit: string, backports: readonly string[]): boolean {
  const c = commit.toLowerCase();
  return backports.some((b) => {
    const x = b.toLowerCase();
    return x.startsWith(c) || c.startsWith(x);
  });
}

/**
 * The rule in force for a register on a kernel: the last applicable change,
 * else the baseline. A change applies from its `since` on, in its
 * `flavours` only (a three-part `since` within its stable series only), and
 * also on an older kernel whose profile names its commit among `backports`
 * (a distribution kernel, 5.14 plus what RHEL 9 took from later releases).
 */
export function presenceAt(
  t: RegisterTimeline | undefined,
  kernel: string,
  flavour?: string,
  backports: readonly string[] = [],
): { when: Presence; change?: PresenceChange; baseline?: BaselineEntry } {
  if (!t) return { when: 'never' };
  const families = flavour ? flavourFamilies(flavour) : undefined;
  let found: PresenceChange | undefined;
  for (const c of t.changes) {
    if (c.flavours) {
      if (!families || !c.flavours.some((f) => families.has(f.toLowerCase()))) continue;
      if (c.since.split('.').length >= 3 && series(c.since) !== series(kernel)) continue;
    }
    const backported = !c.flavours && c.commit !== undefined && commitIn(c.commit, backports);
    if (compareVersions(c.since, kernel) <= 0 || backported) {
      // A flavour-specific change with an older `since` than a mainline one must not undo it.
      if (!found || compareVersions(c.since, found.since) >= 0) found = c;
    }
  }
  if (found) return { when: found.when, change: found };
  if (t.baseline) return { when: t.baseline.when ?? 'always', baseline: t.baseline };
  return { when: 'never' };
}

/** `6.12` of `6.12.77`. */
function series(v: string): string {
  return v.split('.').slice(0, 2).join('.');
}

/**
 * The names a flavour answers to: itself and its parts, a part's minor
 * release dropped (`570.12.1.el9_6.aarch64` → `el9_6`, `el9`, …), so that a
 * history entry for `el9` applies to every RHEL 9 kernel and one for `el9_6`
 * to RHEL 9.6's.
 */
export function flavourFamilies(f: string): Set<string> {
  const l = f.toLowerCase();
  const out = new Set<string>([l]);
  for (const part of l.split(/[.-]/)) {
    if (part === '') continue;
    out.add(part);
    out.add(part.replace(/_\d+$/, ''));
  }
  return out;
}

/** Whether a host with `features` (see featureSet()) lists a register gated by `when`. */
export function isListed(when: Presence, features: ReadonlySet<string>): boolean {
  return when.split('&').every((term) => {
    const t = term.trim();
    if (t === 'always') return true;
    if (t === 'never') return false;
    const n = normalizeFeature(t);
    // A kernel build option is on unless the host's profile turns it off.
    if (n.startsWith('CONFIG_')) return !features.has(`!${n}`);
    return features.has(n);
  });
}

/* ---------------------------- loading ---------------------------------- */

let builtin: KernelHistory | undefined;

/** The shipped history (catalog/kernels.json, compiled from catalog/kernels.yaml and the baseline TSV). */
export function loadShippedHistory(): KernelHistory {
  if (!builtin) builtin = normalizeHistory(JSON.parse(readFileSync(new URL('catalog/kernels.json', packageRootUrl()), 'utf8')) as Partial<KernelHistory>);
  return builtin;
}

/** The built-in history (the shipped one). Code that takes a history as a parameter defaults to it. */
export function loadBuiltinHistory(): KernelHistory {
  return loadShippedHistory();
}

export function normalizeHistory(h: Partial<KernelHistory>): KernelHistory {
  return {
    releases: [...(h.releases ?? [])].sort(compareVersions),
    baseline: h.baseline ?? [],
    changes: h.changes ?? [],
    writable: h.writable ?? [],
    tcg: h.tcg ?? [],
  };
}

/** For `decode`: in which releases (and on which features) the history lists a register. */
export function describeTimeline(history: KernelHistory, catalog: Catalog, id: bigint): string[] {
  const c = compileHistory(history, catalog);
  const t = c.timelines.get(id);
  const out: string[] = [];
  const cls = classOfId(id);
  if (cls === 'core' || cls === 'sve') out.push('not in the cpreg list: QEMU syncs core and SVE registers separately');
  if (cls === 'demux') out.push('listed per host cache level (profile `caches`); count normalised since 6.3 (unverified)');
  const tc = c.tcg.get(id);
  if (tc)
    out.push(
      `TCG: migrated by QEMU ${tc.qemu_since ? tc.qemu_since + '..' : '..'}${tc.qemu_until ?? ''}${tc.commit ? ` (${tc.commit})` : ''}${tc.unverified ? ' [unverified]' : ''}`,
    );
  if (!t) {
    if (cls !== 'core' && cls !== 'sve' && cls !== 'demux' && !tc) out.push('no known kernel lists it for a plain guest');
    return out;
  }
  const rel = history.releases;
  let prev = '';
  let startIdx = 0;
  const flush = (endIdx: number) => {
    if (prev === '' || prev === 'never') return;
    const from = rel[startIdx];
    const to = endIdx >= rel.length ? '' : rel[endIdx - 1];
    out.push(`${from}..${to}: ${prev === 'always' ? 'always listed' : `listed only with ${prev}`}`);
  };
  for (let i = 0; i < rel.length; i++) {
    const p = presenceAt(t, rel[i]);
    const key = p.when;
    if (key !== prev) {
      flush(i);
      prev = key;
      startIdx = i;
    }
  }
  flush(rel.length);
  for (const ch of t.changes) {
    const flags = [ch.flavours ? `flavours ${ch.flavours.join(',')}` : '', ch.unverified ? 'unverified' : ''].filter(Boolean).join(', ');
    out.push(`  since ${ch.since}: ${ch.when}${ch.commit ? ` (${ch.commit})` : ''}${flags ? ` [${flags}]` : ''}${ch.note ? ` — ${ch.note}` : ''}`);
  }
  const w = c.writable.get(id);
  if (w) out.push(`writable by userspace since ${w.since}${w.commit ? ` (${w.commit})` : ''}; invariant (must equal the host's) before`);
  if (out.length === 0) out.push(`history entry for ${idHex(id)} lists it in no release`);
  return out;
}

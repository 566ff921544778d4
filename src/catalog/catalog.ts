import { editDistance } from '../util/words.js';
import type { Catalog, RegisterClass, RegisterInfo } from './types.js';

/** In-memory catalog: id and name indexes over a list of entries. */
export class MapCatalog implements Catalog {
  private readonly byId = new Map<bigint, RegisterInfo>();
  private readonly byName = new Map<string, RegisterInfo>();
  private names: string[] | undefined;
  private sorted: RegisterInfo[] | undefined;

  constructor(entries: Iterable<RegisterInfo> = []) {
    for (const e of entries) this.add(e);
  }

  /**
   * Adds or replaces an entry. An entry with an id already present replaces
   * the old one (and drops the old one's names); a name already used by another
   * id moves to the new entry.
   */
  add(e: RegisterInfo): void {
    const old = this.byId.get(e.id);
    if (old) for (const n of [old.name, ...old.aliases]) if (this.byName.get(n.toUpperCase()) === old) this.byName.delete(n.toUpperCase());
    this.byId.set(e.id, e);
    for (const n of [e.name, ...e.aliases]) {
      const key = n.toUpperCase();
      const prev = this.byName.get(key);
      if (prev && prev !== e && prev.id !== e.id) {
        // The name moves: strip it from the previous owner so lookups stay consistent.
        const stripped: RegisterInfo =
          prev.name.toUpperCase() === key
            ? { ...prev, name: prev.aliases[0] ?? `S_${prev.id.toString(16)}`, aliases: prev.aliases.slice(1) }
            : { ...prev, aliases: prev.aliases.filter((a) => a.toUpperCase() !== key) };
        this.byId.set(prev.id, stripped);
        for (const [k, v] of this.byName) if (v === prev) this.byName.set(k, stripped);
      }
      this.byName.set(key, e);
    }
    this.names = undefined;
    this.sorted = undefined;
  }

  lookupId(id: bigint): RegisterInfo | undefined {
    return this.byId.get(id);
  }

  lookupName(name: string): RegisterInfo | undefined {
    return this.byName.get(name.toUpperCase());
  }

  allNames(): readonly string[] {
    if (!this.names) {
      const s = new Set<string>();
      for (const e of this.byId.values()) {
        s.add(e.name);
        for (const a of e.aliases) s.add(a);
      }
      this.names = [...s].sort();
    }
    return this.names;
  }

  entries(): readonly RegisterInfo[] {
    if (!this.sorted) this.sorted = [...this.byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return this.sorted;
  }

  get size(): number {
    return this.byId.size;
  }
}

/** The JSON/YAML shape of one catalog entry (ids as hex strings). */
export interface RegisterEntryData {
  name: string;
  id: string;
  class: RegisterClass;
  aliases?: string[];
  encoding?: string;
  description?: string;
  feature?: string;
}

export function entryFromData(d: RegisterEntryData, source: string): RegisterInfo {
  const info: { -readonly [K in keyof RegisterInfo]: RegisterInfo[K] } = {
    id: BigInt(d.id),
    name: d.name,
    aliases: d.aliases ?? [],
    class: d.class,
    source,
  };
  if (d.description !== undefined) info.description = d.description;
  if (d.feature !== undefined) info.feature = d.feature;
  if (d.encoding !== undefined) info.encoding = d.encoding;
  return info;
}


/**
 * Up to `max` catalog names closest to `name` (case-insensitive edit
 * distance, at most a third of the name's length, at least 2), best first,
 * ties by name. Used for "there is a register with a similar name".
 */
export function suggestNames(catalog: Catalog, name: string, max = 3): string[] {
  const q = name.toUpperCase();
  if (q.length === 0 || max <= 0) return [];
  const bound = Math.max(2, Math.floor(q.length / 3));
  const scored: { name: string; d: number }[] = [];
  for (const cand of catalog.allNames()) {
    const c = cand.toUpperCase();
    if (c === q) continue;
    let d = editDistance(q, c, bound);
    // `TCR2` for `TCR2_EL1`: a missing `_ELn` suffix counts as close.
    if (d > bound && /_EL[0-3][0-2]?$/.test(c) && c.replace(/_EL[0-3][0-2]?$/, '') === q) d = 1;
    if (d <= bound) scored.push({ name: cand, d });
  }
  scored.sort((a, b) => a.d - b.d || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return scored.slice(0, max).map((s) => s.name);
}

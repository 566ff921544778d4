/**
 * The build document (out/mtc-build.json) from the model and the plan, per
 * src/contract/build-document.ts. Keys are written in a fixed order and
 * every list is sorted by the model, so the output is byte-for-byte stable.
 */
import {
  BUILD_DOCUMENT_FORMAT,
  BUILD_DOCUMENT_VERSION,
  type DocAllowedCpu,
  type DocCompatPropAdded,
  type DocMachineType,
  type DocProvenance,
  type DocRule,
  type DocRuleSet,
  type DocToleranceCall,
} from '../contract/build-document.js';
import type { Model, Provenance, RuleSet } from '../resolve/model.js';
import { VERSION } from '../version.js';
import { decodeMidr, hex } from './midr.js';
import { applyPlan, idHex16, type BuildPlan } from './plan.js';

function prov(p: Provenance): DocProvenance {
  return {
    origin: p.origin,
    reason: p.reason ?? null,
    refs: p.refs.map((r) => ({ kind: r.kind, value: r.value, url: r.url ?? null })),
    kernels: p.kernels ? { from: p.kernels.from ?? null, to: p.kernels.to ?? null } : null,
    source: { file: p.source.file, line: p.source.line, column: p.source.column },
  };
}

function cpu(c: RuleSet['allowedCpus'][number]): DocAllowedCpu {
  const d = decodeMidr(c.midr);
  return {
    ...prov(c),
    midr: hex(Number(c.midr), 8),
    revidr: c.revidr !== undefined ? idHex16(c.revidr) : null,
    aidr: c.aidr !== undefined ? idHex16(c.aidr) : null,
    implementer: d.implementerName ?? null,
    part: d.partName ?? null,
  };
}

/** A rule of the model (an entry of a rule set) and its kind. */
type Entry =
  | { readonly kind: 'hide'; readonly e: RuleSet['hidden'][number] }
  | { readonly kind: 'tolerate'; readonly e: RuleSet['tolerated'][number] }
  | { readonly kind: 'set'; readonly e: RuleSet['properties'][number] }
  | { readonly kind: 'allow'; readonly e: RuleSet['allowedCpus'][number] }
  | { readonly kind: 'requires'; readonly e: NonNullable<RuleSet['requiresKernel']> };

function docRule(x: Entry): DocRule {
  switch (x.kind) {
    case 'hide':
      return { rule: 'hide', ...prov(x.e), id: idHex16(x.e.id), name: x.e.name ?? null };
    case 'tolerate': {
      const t = x.e;
      return {
        rule: 'tolerate',
        ...prov(t),
        id: idHex16(t.id),
        name: t.name ?? null,
        kind: t.kind,
        mask: t.kind === 'source-value' && t.mask !== undefined ? idHex16(t.mask) : null,
        value: t.kind === 'source-value' && t.value !== undefined ? idHex16(t.value) : null,
      };
    }
    case 'set': {
      const p = x.e;
      return {
        rule: 'set',
        ...prov(p),
        driver: p.driver,
        property: p.property,
        value: p.value,
        ...(p.optional ? { optional: true as const } : {}),
        ...(p.compatSet !== undefined ? { compatSet: p.compatSet } : {}),
      };
    }
    case 'allow':
      return { rule: 'allow', ...cpu(x.e) };
    case 'requires':
      return { rule: 'requires', ...prov(x.e), version: x.e.version };
  }
}

/**
 * The rules table: each model entry gets an index the first time a rule set
 * names it (an effective set holds the very entries of the own sets it merges,
 * so an inherited rule is written once). Only the indexes are kept; each
 * rule's JSON is made when it is written.
 */
class RuleTable {
  readonly entries: Entry[] = [];
  private readonly index = new Map<object, number>();
  private add<K extends Entry['kind']>(kind: K, e: Extract<Entry, { kind: K }>['e']): number {
    let i = this.index.get(e);
    if (i === undefined) {
      i = this.entries.length;
      this.entries.push({ kind, e } as Entry);
      this.index.set(e, i);
    }
    return i;
  }
  set(s: RuleSet): DocRuleSet {
    return {
      hidden: s.hidden.map((e) => this.add('hide', e)),
      tolerated: s.tolerated.map((e) => this.add('tolerate', e)),
      properties: s.properties.map((e) => this.add('set', e)),
      allowedCpus: s.allowedCpus.map((e) => this.add('allow', e)),
      requiresKernel: s.requiresKernel ? this.add('requires', s.requiresKernel) : null,
    };
  }
}

/** What one machine type's options function adds to `compat_props`, in order (see DocMachineType). */
function compatPropsAdded(plan: BuildPlan, name: string): DocCompatPropAdded[] {
  const mp = plan.byMachine.get(name);
  if (!mp) return [];
  const out: DocCompatPropAdded[] = [];
  for (const u of mp.uses ?? []) for (const e of u.entries) out.push({ 'qom-type': e.driver, property: e.property, value: e.value });
  for (const e of mp.arrays?.entries ?? []) out.push({ 'qom-type': e.driver, property: e.property, value: e.value, replaces: true });
  for (const e of mp.props?.entries ?? []) out.push({ 'qom-type': e.driver, property: e.property, value: e.value });
  return out;
}

function machineType(m: Model['machines'][number], plan: BuildPlan, table: RuleTable): DocMachineType {
  const tolerance = m.target === 'tolerances' ? applyPlan(plan, m.name).tolerance : undefined;
  const tolerances: DocToleranceCall[] = (tolerance?.calls ?? []).map((c) => ({ id: idHex16(c.id), mask: idHex16(c.mask), value: idHex16(c.value), type: c.type }));
  return {
    name: m.name,
    family: m.family,
    arch: m.arch ?? null,
    version: m.version && m.version.length > 0 ? m.version.join('.') : null,
    inherits: m.inherits ?? null,
    chain: [...m.chain],
    target: m.target,
    source: { file: m.source.file, line: m.source.line, column: m.source.column },
    own: table.set(m.own),
    effective: table.set(m.effective),
    compatPropsAdded: compatPropsAdded(plan, m.name),
    tolerances,
    ...(m.own.uses && m.own.uses.length > 0 ? { uses: m.own.uses.map((u) => u.name) } : {}),
  };
}

/**
 * Writes the build document in pieces: the envelope with two-space
 * indentation and each rule, source and machine type as one line of compact
 * JSON (a change to one rule is a one-line diff). Holds one record at a time
 * besides the index of the rules.
 */
export function writeBuildDocument(model: Model, plan: BuildPlan, write: (chunk: string) => void): void {
  // First pass: the index of every rule, in the order the machine types name them.
  const table = new RuleTable();
  for (const m of model.machines) {
    table.set(m.own);
    table.set(m.effective);
  }
  const sources = model.files.map((f) => ({ path: f.path, sha256: f.sha256 })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  write(`{\n  "format": ${JSON.stringify(BUILD_DOCUMENT_FORMAT)},\n  "version": ${BUILD_DOCUMENT_VERSION},\n  "generator": ${JSON.stringify({ name: 'mtc', version: VERSION })},\n`);
  const list = <T>(key: string, items: readonly T[], json: (item: T) => unknown, last: boolean) => {
    const end = last ? '' : ',';
    if (items.length === 0) {
      write(`  "${key}": []${end}\n`);
      return;
    }
    write(`  "${key}": [\n`);
    items.forEach((item, i) => write(`    ${JSON.stringify(json(item))}${i + 1 < items.length ? ',' : ''}\n`));
    write(`  ]${end}\n`);
  };
  list('sources', sources, (x) => x, false);
  list('rules', table.entries, docRule, false);
  list('machineTypes', model.machines, (m) => machineType(m, plan, table), true);
  write('}\n');
}

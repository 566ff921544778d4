/**
 * What the docs say about one machine family, before it is written as
 * Markdown (docs-md.ts) or HTML (docs-html.ts): per machine type its own
 * rules only, each written once where it is declared, plus a few counts of
 * what is in effect. Size is linear in the rules (issue 16: the docs repeated
 * every inherited rule on every older machine type, quadratic in the chain).
 * Text here is plain (unescaped); the writers escape it.
 */
import type { AllowedCpu, CompatSetInfo, HiddenRegister, KernelSpan, MachineType, PropertySetting, Reference, ToleratedRegister } from '../resolve/model.js';
import { kernelText } from './c.js';
import { cpuLabel, decodeMidr, hex } from './midr.js';
import { HIDDEN_PROP, SAFE_MISSING_PROP, idHex16, type BuildPlan } from './plan.js';

/** A piece of rich text: plain text, a code span, or a link to a machine type's section. */
export type Piece = string | { readonly code: string } | { readonly machine: string; readonly family: string; readonly text: string };
export type Rich = readonly Piece[];

/** One own rule of a machine type: what it does (as the rule file says it, then a note), its reason and references. */
export interface RuleRow {
  readonly rule: Rich;
  readonly reason: string;
  readonly refs: readonly Reference[];
}

/** The columns of a machine type's rules table. */
export const RULE_HEAD = ['Rule', 'Reason', 'References'] as const;

export interface Section {
  readonly machine: MachineType;
  /** One paragraph: what it inherits, what is in effect (counts). */
  readonly summary: Rich;
  /** Its own rules, each once: hide, tolerate, use, set (the used sets' entries first), allow, requires. */
  readonly rules: readonly RuleRow[];
}

export interface KernelRow {
  readonly rule: string;
  readonly machine: string;
  readonly span: KernelSpan | undefined;
}

export interface FamilyDoc {
  readonly family: string;
  /** Paragraphs before the first machine type (the C targets of the family). */
  readonly intro: readonly string[];
  readonly sections: readonly Section[];
  readonly kernelVersions: readonly string[];
  readonly kernelRows: readonly KernelRow[];
}

/** What every family doc needs from the whole model: machine types by name and the compat sets' entries. */
export interface DocsContext {
  readonly byName: ReadonlyMap<string, MachineType>;
  readonly setEntries: ReadonlyMap<string, readonly PropertySetting[]>;
  readonly plan: BuildPlan;
}

export function docsContext(machines: readonly MachineType[], compatSets: readonly CompatSetInfo[] | undefined, plan: BuildPlan): DocsContext {
  return { byName: new Map(machines.map((m) => [m.name, m])), setEntries: new Map((compatSets ?? []).map((s) => [s.name, s.entries])), plan };
}

export function cmpVersion(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  const pb = b.split(/[.-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

export function inSpan(v: string, s: KernelSpan | undefined): boolean {
  if (!s) return true;
  if (s.from !== undefined && cmpVersion(v, s.from) < 0) return false;
  if (s.to !== undefined && cmpVersion(v, s.to) > 0) return false;
  return true;
}

export function spanText(s: KernelSpan | undefined): [string, string] {
  return [s?.from ?? '(any)', s?.to ?? '(open)'];
}

/** What the docs are, said once at the top of each page. */
export const INTRO =
  "Each machine type's own compat rules and why. It also inherits the hide, tolerate and set rules of the newer ones in its chain, as in QEMU.";

const TARGET_TEXT = {
  'x-mig': `C target x-mig: properties by compat_props_add(), registers in the lists ${HIDDEN_PROP} and ${SAFE_MISSING_PROP} merged over the chain (RFC series, in no released QEMU).`,
  tolerances: 'C target tolerances: properties by compat_props_add(), the tolerated registers merged over the chain by arm_register_cpreg_mig_tolerance().',
} as const;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function findById<T extends { readonly id: bigint }>(list: readonly T[], id: bigint): T | undefined {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = list[mid]!.id;
    if (v === id) return list[mid];
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** The entry for driver.property in a list sorted by driver, then property (the model's effective order). */
function findProp(list: readonly PropertySetting[], driver: string, property: string): PropertySetting | undefined {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const p = list[mid]!;
    const c = p.driver !== driver ? (p.driver < driver ? -1 : 1) : p.property < property ? -1 : p.property > property ? 1 : 0;
    if (c === 0) return p;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** Consecutive entries of one rule (`hide A, B { ... }` gives one entry per register): one row per rule. */
function byRule<T extends HiddenRegister | ToleratedRegister>(list: readonly T[]): T[][] {
  const out: T[][] = [];
  let key = '';
  for (const r of list) {
    const k = `${r.source.file}\u0000${r.source.line}\u0000${r.source.column}`;
    if (out.length > 0 && k === key) out[out.length - 1]!.push(r);
    else out.push([r]);
    key = k;
  }
  return out;
}

function regName(r: HiddenRegister | ToleratedRegister): string {
  return r.name ?? '(unnamed)';
}

/** The notes of a rule's registers: `also hidden by [X]`, prefixed with the register's name when the rule names several. */
function regNotes<T extends HiddenRegister | ToleratedRegister>(group: readonly T[], note: (r: T) => Rich | undefined): Rich {
  const out: Piece[] = [];
  for (const r of group) {
    const n = note(r);
    if (!n) continue;
    if (out.length > 0) out.push('; ');
    if (group.length > 1) out.push(`${regName(r)}: `);
    out.push(...n);
  }
  return out;
}

/** `hide A 0x…, B 0x…, kernels 6.15 and later`: one rule, each register with its id, then what it accepts. */
function regRule(verb: string, group: readonly (HiddenRegister | ToleratedRegister)[], accepts?: Rich): Rich {
  const out: Piece[] = [`${verb} `];
  group.forEach((r, i) => out.push(i > 0 ? ', ' : '', `${regName(r)} `, { code: idHex16(r.id) }));
  if (accepts) out.push(': ', ...accepts);
  const kernels = kernelText(group[0]!.kernels);
  if (kernels) out.push(`, ${kernels}`);
  return out;
}

function acceptedWhen(t: ToleratedRegister): Rich {
  return t.kind === 'source-value' ? ['on the source only, if (value & ', { code: idHex16(t.mask ?? 0n) }, ') == ', { code: idHex16(t.value ?? 0n) }] : ['present on one end only'];
}

/** `allow CPU 0x413fd0c1: Arm Neoverse N1 r3p1, Ampere Altra / Altra Max` (REVIDR and AIDR when given: any when not). */
function cpuRule(c: AllowedCpu): Rich {
  const out: Piece[] = ['allow CPU ', { code: hex(Number(c.midr), 8) }, `: ${cpuLabel(decodeMidr(c.midr))}`];
  if (c.revidr !== undefined) out.push(', REVIDR ', { code: idHex16(c.revidr) });
  if (c.aidr !== undefined) out.push(', AIDR ', { code: idHex16(c.aidr) });
  return out;
}

function row(rule: Rich, note: Rich, p: { readonly reason?: string; readonly refs: readonly Reference[] }): RuleRow {
  return { rule: note.length > 0 ? [...rule, ' — ', ...note] : rule, reason: p.reason ?? '', refs: p.refs };
}

export class FamilyDocBuilder {
  constructor(private readonly ctx: DocsContext) {}

  private link(name: string, text = name): Piece {
    const m = this.ctx.byName.get(name);
    return m ? { machine: name, family: m.family, text } : text;
  }

  /** The properties a machine type applies itself: the entries of the sets it uses, in `use` order, then its own `set`s. */
  private applied(m: MachineType): PropertySetting[] {
    const out: PropertySetting[] = [];
    for (const u of m.own.uses ?? []) for (const e of this.ctx.setEntries.get(u.name) ?? []) out.push({ ...e, origin: m.name, compatSet: u.name });
    for (const p of m.own.properties) out.push(p);
    return out;
  }

  /** The rows of the properties it sets, each saying which value it overrides; and how many of its own are in effect. */
  private properties(m: MachineType, parent: MachineType | undefined, rows: RuleRow[]): number {
    const mine = new Map<string, PropertySetting>();
    for (const p of this.applied(m)) {
      const key = `${p.driver}\u0000${p.property}`;
      const note: Piece[] = [];
      if (p.compatSet !== undefined) note.push('compat set ', { code: p.compatSet });
      if (p.optional) note.push(note.length > 0 ? ', optional' : 'optional');
      const here = mine.get(key);
      const before = here ?? (parent ? findProp(parent.effective.properties, p.driver, p.property) : undefined);
      if (before) {
        if (note.length > 0) note.push('; ');
        note.push(before.value === p.value ? 'repeats ' : 'overrides ', { code: before.value });
        if (here) note.push(...(here.compatSet !== undefined ? [' of compat set ', { code: here.compatSet }] : [' set above']));
        else {
          note.push(' of ', this.link(before.origin));
          if (before.compatSet !== undefined) note.push(' (compat set ', { code: before.compatSet }, ')');
        }
      }
      mine.set(key, p);
      rows.push(row(['set ', { code: `${p.driver}.${p.property} = ${p.value}` }], note, p));
    }
    return mine.size;
  }

  private section(m: MachineType, multiTarget: boolean): Section {
    const parent = m.inherits !== undefined ? this.ctx.byName.get(m.inherits) : undefined;
    const e = m.effective;
    const pe = parent?.effective;
    const rows: RuleRow[] = [];
    for (const g of byRule(m.own.hidden)) {
      const note = regNotes(g, (h) => {
        const p = pe && findById(pe.hidden, h.id);
        return p ? ['also hidden by ', this.link(p.origin)] : undefined;
      });
      rows.push(row(regRule('hide', g), note, g[0]!));
    }
    for (const g of byRule(m.own.tolerated)) {
      const note = regNotes(g, (t) => {
        const p = pe && findById(pe.tolerated, t.id);
        if (!p) return undefined;
        return [p.kind === t.kind && p.mask === t.mask && p.value === t.value ? 'also tolerated by ' : 'replaces the tolerance of ', this.link(p.origin)];
      });
      rows.push(row(regRule('tolerate', g, acceptedWhen(g[0]!)), note, g[0]!));
    }
    for (const u of m.own.uses ?? []) rows.push(row(['use ', { code: u.name }, ` (${plural(this.ctx.setEntries.get(u.name)?.length ?? 0, 'entry', 'entries')})`], [], u));
    const ownProps = this.properties(m, parent, rows);
    for (const c of e.allowedCpus) rows.push(row(cpuRule(c), [], c));
    if (e.requiresKernel) rows.push(row([`requires kernel ${e.requiresKernel.version}`], [], e.requiresKernel));

    // What it inherits and what is in effect, as counts: the lists themselves are on the machine types that write them.
    const summary: Piece[] = m.inherits !== undefined ? ['Inherits ', this.link(m.inherits), '.'] : ['Inherits nothing.'];
    if (multiTarget) summary.push(` C target ${m.target}.`);
    const effect: Piece[] = [];
    const nRegs = e.hidden.length + e.tolerated.length;
    if (nRegs > 0) {
      const kinds = [e.hidden.length > 0 ? `${e.hidden.length} hidden` : '', e.tolerated.length > 0 ? `${e.tolerated.length} tolerated` : ''].filter(Boolean).join(' and ');
      effect.push(`${kinds} ${nRegs === 1 ? 'register' : 'registers'}`);
      // The C target merges the register lists over the chain: the parent's, then its own.
      if (pe && pe.hidden.length + pe.tolerated.length > 0 && m.inherits !== undefined)
        effect.push(m.own.hidden.length + m.own.tolerated.length > 0 ? ', its own plus ' : ', ', this.link(m.inherits), "'s");
      else effect.push(nRegs === 1 ? ', its own' : ', all its own');
    }
    if (e.properties.length > 0) {
      const n = e.properties.length;
      const own = ownProps === n ? (n === 1 ? 'its own' : 'all its own') : ownProps === 0 ? 'none its own' : `${ownProps} its own`;
      effect.push(effect.length > 0 ? '; ' : '', `${plural(n, 'property', 'properties')}, ${own}`);
    }
    if (effect.length > 0) summary.push(' In effect: ', ...effect, '.');
    else if (e.allowedCpus.length === 0 && !e.requiresKernel) summary.push(' No compat rules in force.');
    const mp = this.ctx.plan.byMachine.get(m.name);
    if (mp && m.inherits !== undefined && rows.length > 0 && !mp.arrays && !mp.props && !mp.tolerance && !mp.uses)
      summary.push(' Adds nothing of its own to the generated C: ', this.link(m.inherits), "'s entries stay in force.");
    return { machine: m, summary, rules: rows };
  }

  family(family: string, machines: readonly MachineType[]): FamilyDoc {
    const targets = [...new Set(machines.map((m) => m.target))].sort();
    const sections = machines.map((m) => this.section(m, targets.length > 1));
    const kernelRows: KernelRow[] = [];
    const versions = new Set<string>();
    for (const m of machines) {
      // Each rule written on this machine type, once.
      for (const [verb, list] of [
        ['hide', m.own.hidden],
        ['tolerate', m.own.tolerated],
      ] as const)
        for (const g of byRule<HiddenRegister | ToleratedRegister>(list)) {
          const r = g[0]!;
          kernelRows.push({ rule: `${verb} ${g.map((x) => x.name ?? idHex16(x.id)).join(', ')}`, machine: m.name, span: r.kernels });
          if (r.kernels?.from) versions.add(r.kernels.from);
          if (r.kernels?.to) versions.add(r.kernels.to);
        }
      if (m.own.requiresKernel) {
        kernelRows.push({ rule: `requires kernel ${m.own.requiresKernel.version}`, machine: m.name, span: { from: m.own.requiresKernel.version } });
        versions.add(m.own.requiresKernel.version);
      }
    }
    return { family, intro: targets.map((t) => TARGET_TEXT[t]), sections, kernelVersions: [...versions].sort(cmpVersion), kernelRows };
  }
}

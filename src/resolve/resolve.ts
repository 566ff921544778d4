import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type * as A from '../syntax/ast.js';
import type { Catalog } from '../catalog/types.js';
import { suggestNames } from '../catalog/catalog.js';
import { encodeSysreg, parseGenericSysregName, sysregLimits, type SysregFields } from '../catalog/regid.js';
import { compareVersions } from '../syntax/literals.js';
import type { Project } from './load.js';
import { computeChains, type Chains } from './chain.js';
import { appliedRules, collectCompatSets, compatSetInfos, setEntries, usesOf } from './compat-sets.js';
import type * as M from './model.js';
import { CpuEntry, HiddenEntry, KernelEntry, mergeChain, mergeOverParent, Prov, PropertyEntry, RuleSetImpl, RuleSource, ToleratedEntry } from './entries.js';
import { Collector, exact } from '../util/arrays.js';

/**
 * AST → resolved model: registers resolved through the catalog, machine types
 * placed in their chains, and each machine type's effective rule set merged
 * over its chain in QEMU's order of application.
 */

export interface ResolveOptions {
  /** C target for files without a `target` statement. */
  readonly defaultTarget?: M.CTarget;
}

export interface ResolveResult {
  readonly model: M.Model;
  readonly chains: Chains;
  /** Problems found while resolving (unknown registers); chain problems are in `chains.problems`. */
  readonly diagnostics: Diagnostic[];
}

const referenceKinds: readonly M.ReferenceKind[] = ['linux', 'qemu', 'msgid', 'bug', 'url'];

/** A commit as `ref linux` and `ref qemu` take it. */
const COMMIT = /^[0-9a-f]{7,40}$/i;

/** Whether a reference gets a link (referenceUrl, without making the link: the checks ask this of every `ref`). */
export function referenceLinks(kind: M.ReferenceKind, value: string): boolean {
  return kind === 'linux' || kind === 'qemu' ? COMMIT.test(value.trim()) : referenceUrl(kind, value) !== undefined;
}

/** The link a reference gets in the docs (null when none can be made). */
export function referenceUrl(kind: M.ReferenceKind, value: string): string | undefined {
  const v = value.trim();
  switch (kind) {
    case 'linux':
      return COMMIT.test(v) ? `https://git.kernel.org/linus/${v.toLowerCase()}` : undefined;
    case 'qemu':
      return COMMIT.test(v) ? `https://gitlab.com/qemu-project/qemu/-/commit/${v.toLowerCase()}` : undefined;
    case 'msgid': {
      const id = v.replace(/^<|>$/g, '');
      return /^[^\s<>@/]+@[^\s<>@/]+$/.test(id) ? `https://lore.kernel.org/r/${encodeURIComponent(id).replace(/%40/g, '@')}` : undefined;
    }
    case 'bug': {
      if (/^RHEL-[0-9]+$/.test(v)) return `https://issues.redhat.com/browse/${v}`;
      const lp = /^(?:LP|lp)#?([0-9]+)$/.exec(v);
      if (lp) return `https://bugs.launchpad.net/bugs/${lp[1]}`;
      const bsc = /^(?:bsc|boo)#([0-9]+)$/.exec(v);
      if (bsc) return `https://bugzilla.suse.com/show_bug.cgi?id=${bsc[1]}`;
      return undefined;
    }
    case 'url':
      return /^https?:\/\/[^\s"<>]+$/.test(v) ? v : undefined;
  }
}

function literalText(v: A.Identifier | A.StringLiteral | A.NumberLiteral): string {
  return v.kind === 'Identifier' ? v.name : v.kind === 'StringLiteral' ? v.value : v.text;
}

/** A rule's reference; its link is made when asked for (by the docs and the build document), not while checking. */
class Ref implements M.Reference {
  constructor(
    readonly kind: M.ReferenceKind,
    readonly value: string,
  ) {}
  get url(): string | undefined {
    return referenceUrl(this.kind, this.value);
  }
  toJSON(): M.Reference {
    const url = this.url;
    return url ? { kind: this.kind, value: this.value, url } : { kind: this.kind, value: this.value };
  }
}

const NO_REFS: readonly M.Reference[] = exact([]);

/** A rule's provenance, computed once and shared by the entries it makes. */
function provenance(rule: A.Rule, origin: string, file: string): Prov {
  let reason: string | undefined;
  // Most rules have one reference or none: a list is made for the first and grown only by a second.
  let refs: M.Reference[] | undefined;
  for (const a of rule.attributes) {
    if (a.name.name === 'reason' && reason === undefined) {
      const n = a.values.length;
      if (n === 1) reason = literalText(a.values[0]);
      else if (n > 1) reason = a.values.map(literalText).join('');
    } else if (a.name.name === 'ref' && a.values.length === 2) {
      const kind = literalText(a.values[0]) as M.ReferenceKind;
      if (!referenceKinds.includes(kind)) continue;
      const ref = new Ref(kind, literalText(a.values[1]));
      if (refs) refs.push(ref);
      else refs = [ref];
    }
  }
  const range = rule.range;
  const from = range?.from?.parts.length ? range.from.text : undefined;
  const to = range?.to?.parts.length ? range.to.text : undefined;
  // Absent bounds are left out, not undefined.
  const kernels: M.KernelSpan | undefined = from !== undefined ? (to !== undefined ? { from, to } : { from }) : to !== undefined ? { to } : undefined;
  return new Prov(origin, reason, refs === undefined ? NO_REFS : refs.length === 1 ? refs : exact(refs), kernels, new RuleSource(file, rule.span), rule.span);
}

/** Resolves one register reference; reports what cannot be resolved. */
function resolveRegister(
  ref: A.RegisterRef,
  catalog: Catalog,
  file: string,
  report: (d: Diagnostic) => void,
): { id: bigint; name?: string } | undefined {
  switch (ref.kind) {
    case 'RegisterId': {
      const id = ref.literal.value;
      if (id === undefined) return undefined;
      const info = catalog.lookupId(id);
      return info ? { id, name: info.name } : { id };
    }
    case 'RegisterTuple': {
      const names: (keyof SysregFields)[] = ['op0', 'op1', 'crn', 'crm', 'op2'];
      if (ref.fields.length !== 5 || ref.fields.some((f) => f.value === undefined)) return undefined;
      const f = Object.fromEntries(names.map((n, i) => [n, Number(ref.fields[i].value)])) as unknown as SysregFields;
      if (names.some((n) => f[n] > sysregLimits[n])) return undefined; // reported by the invalid-encoding rule
      const id = encodeSysreg(f);
      const info = catalog.lookupId(id);
      return info ? { id, name: info.name } : { id };
    }
    case 'RegisterName': {
      const info = catalog.lookupName(ref.name);
      if (info) return { id: info.id, name: info.name };
      const generic = parseGenericSysregName(ref.name);
      if (generic) {
        const id = encodeSysreg(generic);
        const named = catalog.lookupId(id);
        return named ? { id, name: named.name } : { id };
      }
      const suggestions = suggestNames(catalog, ref.name, 3);
      report({
        code: 'MTC2001',
        severity: 'error',
        message: `unknown register \`${ref.name}\``,
        file,
        span: ref.span,
        label: 'not in the register catalog',
        help:
          suggestions.length > 0
            ? `there is a register with a similar name: ${suggestions.map((s) => `\`${s}\``).join(', ')}`
            : 'write the register by id (`0x603000000013c103`), by encoding (`sysreg(3, 0, 2, 0, 3)`) or by Arm\'s generic name (`S3_0_C2_C0_3`), or add it to a catalog file (--catalog)',
        ...(suggestions.length > 0
          ? {
              fix: {
                message: `replace with \`${suggestions[0]}\``,
                edits: [{ file, span: ref.span, text: suggestions[0] }],
              },
            }
          : {}),
      });
      return undefined;
    }
  }
}

// The lists of the machine type being resolved are collected on these (see Collector): no four
// lists per machine type growing by push, then copied to their length.
const hiddenStack = new Collector<M.HiddenRegister>();
const toleratedStack = new Collector<M.ToleratedRegister>();
const propertyStack = new Collector<M.PropertySetting>();
const cpuStack = new Collector<M.AllowedCpu>();

function ownRules(machine: A.Machine, origin: string, file: string, catalog: Catalog, report: (d: Diagnostic) => void): M.RuleSet {
  const marks = [hiddenStack.size, toleratedStack.size, propertyStack.size, cpuStack.size] as const;
  try {
    let requiresKernel: M.KernelRequirement | undefined;
    for (const rule of machine.body) {
      const prov = provenance(rule, origin, file);
      switch (rule.kind) {
        case 'Hide':
          for (const r of rule.registers) {
            const reg = resolveRegister(r, catalog, file, report);
            if (reg) hiddenStack.push(new HiddenEntry(prov, reg.id, reg.name, r.span));
          }
          break;
        case 'Tolerate': {
          const test = rule.test;
          for (const r of rule.registers) {
            const reg = resolveRegister(r, catalog, file, report);
            if (!reg) continue;
            if (test) {
              if (test.mask?.value === undefined || test.value?.value === undefined) continue;
              toleratedStack.push(new ToleratedEntry(prov, reg.id, reg.name, r.span, 'source-value', test.mask.value, test.value.value));
            } else toleratedStack.push(new ToleratedEntry(prov, reg.id, reg.name, r.span, 'one-end', undefined, undefined));
          }
          break;
        }
        case 'SetProperty':
          if (rule.driver && rule.property && rule.value)
            propertyStack.push(new PropertyEntry(prov, rule.driver, rule.property, literalText(rule.value)));
          break;
        case 'Allow':
          if (rule.midr?.value !== undefined) cpuStack.push(new CpuEntry(prov, rule.midr.value, rule.revidr?.value, rule.aidr?.value));
          break;
        case 'Requires':
          if (rule.version?.parts.length && !requiresKernel) requiresKernel = new KernelEntry(prov, rule.version.text);
          break;
      }
    }
    return new RuleSetImpl(hiddenStack.take(marks[0]), toleratedStack.take(marks[1]), propertyStack.take(marks[2]), cpuStack.take(marks[3]), requiresKernel);
  } finally {
    // Only a throw leaves anything above the marks: drop it.
    hiddenStack.take(marks[0]);
    toleratedStack.take(marks[1]);
    propertyStack.take(marks[2]);
    cpuStack.take(marks[3]);
  }
}

export { mergeChain } from './entries.js';

/** The guest architecture of a machine family, from QEMU's family names. */
export function familyArch(family: string): 'aarch64' | 'x86_64' | undefined {
  if (/^(virt|sbsa-ref)(-|$)/.test(family) || family === 'virt') return 'aarch64';
  if (/^(pc|pc-q35|pc-i440fx|q35|microvm|isapc|xenfv)(-|$)/.test(family)) return 'x86_64';
  return undefined;
}

/** Whether `tail` is `chain` without its first entry. */
function isTail(chain: readonly string[], tail: readonly string[]): boolean {
  if (tail.length !== chain.length - 1) return false;
  for (let i = 0; i < tail.length; i++) if (tail[i] !== chain[i + 1]) return false;
  return true;
}

function fileTarget(file: A.File, fallback: M.CTarget): M.CTarget {
  for (const st of file.statements) {
    if (st.kind === 'Target' && st.name && (st.name.name === 'x-mig' || st.name.name === 'tolerances')) return st.name.name;
  }
  return fallback;
}

export function resolveProject(project: Project, catalog: Catalog, options: ResolveOptions = {}): ResolveResult {
  const diagnostics: Diagnostic[] = [];
  const report = (d: Diagnostic) => diagnostics.push(d);
  const chains = computeChains(project);
  const targets = new Map<string, M.CTarget>();
  for (const f of project.files) targets.set(f.path, fileTarget(f.ast, options.defaultTarget ?? 'x-mig'));

  // Shared compat sets (issue 15): their entries, and each machine type's `use`s.
  const compatSets = collectCompatSets(project);
  const setEntryMap = new Map([...compatSets.sets.values()].map((d) => [d.name, setEntries(d, provenance)]));
  const own = new Map<string, M.RuleSet>();
  for (const d of chains.order) {
    const plain = ownRules(d.node, d.name, d.file, catalog, report);
    const uses = usesOf(d.node, d.name, d.file, compatSets, provenance, report);
    const set = uses.length > 0 ? { ...plain, uses } : plain;
    // A duplicate declaration is reported by its rule; its rules are still checked, but only the first one counts.
    if (!own.has(d.name)) own.set(d.name, set);
  }

  // Effective sets, parent first: each is its parent's plus what it applies itself (the entries of the
  // compat sets it uses, then its own rules; the parent's chain is this chain without its first entry).
  // Chains cut at a cycle or at the length limit are merged in full.
  const applied = new Map<string, M.RuleSet>();
  const appliedOf = (name: string): M.RuleSet => {
    let a = applied.get(name);
    if (!a) applied.set(name, (a = appliedRules(own.get(name)!, setEntryMap)));
    return a;
  };
  const effective = new Map<string, M.RuleSet>();
  const declared = [...chains.machines.values()];
  const chainOf = (name: string) => chains.chain.get(name) ?? [name];
  const lengths = declared.map((d) => chainOf(d.name).length);
  const byLength = declared.map((d, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b);
  for (const i of byLength) {
    const d = declared[i];
    const chain = chainOf(d.name);
    const parentChain = chain.length > 1 ? chains.chain.get(chain[1]) : undefined;
    const parentEffective = parentChain && isTail(chain, parentChain) ? effective.get(chain[1]) : undefined;
    if (chain.length === 1) effective.set(d.name, mergeOverParent(undefined, appliedOf(d.name)));
    else if (parentEffective) effective.set(d.name, mergeOverParent(parentEffective, appliedOf(d.name)));
    else effective.set(d.name, mergeChain([...chain].reverse().map(appliedOf)));
  }

  const machines: M.MachineType[] = [];
  for (const d of declared) {
    const chain = chainOf(d.name);
    const parent = chains.parent.get(d.name);
    const arch = familyArch(d.family);
    // Optional fields are absent, not undefined, in this order (built field by field: spreads cost more).
    const m: { -readonly [K in keyof M.MachineType]: M.MachineType[K] } = { name: d.name, family: d.family } as M.MachineType;
    if (arch) m.arch = arch;
    if (d.version) m.version = d.version;
    if (parent) m.inherits = parent.name;
    m.inheritsExplicit = parent?.explicit ?? false;
    m.chain = chain;
    m.target = targets.get(d.file) ?? 'x-mig';
    m.source = new RuleSource(d.file, d.node.span);
    m.own = own.get(d.name)!;
    m.effective = effective.get(d.name)!;
    machines.push(m);
  }
  machines.sort((a, b) => {
    if (a.family !== b.family) return a.family < b.family ? -1 : 1;
    if (a.version && b.version) {
      const c = compareVersions(b.version, a.version);
      if (c !== 0) return c;
    } else if (a.version || b.version) return a.version ? -1 : 1;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  return {
    model: {
      machines,
      files: project.files.map((f) => ({ path: f.path, sha256: f.sha256 })),
      ...(compatSets.sets.size > 0 ? { compatSets: compatSetInfos(compatSets, setEntryMap, machines) } : {}),
    },
    chains,
    diagnostics,
  };
}

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

/** The link a reference gets in the docs (null when none can be made). */
export function referenceUrl(kind: M.ReferenceKind, value: string): string | undefined {
  const v = value.trim();
  switch (kind) {
    case 'linux':
      return /^[0-9a-f]{7,40}$/i.test(v) ? `https://git.kernel.org/linus/${v.toLowerCase()}` : undefined;
    case 'qemu':
      return /^[0-9a-f]{7,40}$/i.test(v) ? `https://gitlab.com/qemu-project/qemu/-/commit/${v.toLowerCase()}` : undefined;
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

function provenance(rule: A.Rule, origin: string, file: string): M.Provenance {
  let reason: string | undefined;
  const refs: M.Reference[] = [];
  for (const a of rule.attributes) {
    if (a.name.name === 'reason' && reason === undefined) {
      const parts = a.values.map(literalText);
      if (parts.length > 0) reason = parts.join('');
    } else if (a.name.name === 'ref' && a.values.length === 2) {
      const kind = literalText(a.values[0]) as M.ReferenceKind;
      if (!referenceKinds.includes(kind)) continue;
      const value = literalText(a.values[1]);
      const url = referenceUrl(kind, value);
      refs.push(url ? { kind, value, url } : { kind, value });
    }
  }
  const range = rule.range;
  const kernels: M.KernelSpan | undefined =
    range && (range.from?.parts.length || range.to?.parts.length)
      ? {
          ...(range.from?.parts.length ? { from: range.from.text } : {}),
          ...(range.to?.parts.length ? { to: range.to.text } : {}),
        }
      : undefined;
  return {
    origin,
    ...(reason !== undefined ? { reason } : {}),
    refs,
    ...(kernels ? { kernels } : {}),
    source: { file, line: rule.span.start.line, column: rule.span.start.column },
    span: rule.span,
  };
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

function idOrder<T extends { id: bigint }>(a: T, b: T): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function cpuKey(c: M.AllowedCpu): string {
  return `${c.midr}/${c.revidr ?? '-'}/${c.aidr ?? '-'}`;
}

function cpuOrder(a: M.AllowedCpu, b: M.AllowedCpu): number {
  const ka = [a.midr, a.revidr ?? -1n, a.aidr ?? -1n];
  const kb = [b.midr, b.revidr ?? -1n, b.aidr ?? -1n];
  for (let i = 0; i < 3; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
  return 0;
}

function ownRules(machine: A.Machine, origin: string, file: string, catalog: Catalog, report: (d: Diagnostic) => void): M.RuleSet {
  const hidden: M.HiddenRegister[] = [];
  const tolerated: M.ToleratedRegister[] = [];
  const properties: M.PropertySetting[] = [];
  const allowedCpus: M.AllowedCpu[] = [];
  let requiresKernel: M.KernelRequirement | undefined;
  for (const rule of machine.body) {
    const prov = provenance(rule, origin, file);
    switch (rule.kind) {
      case 'Hide':
        for (const r of rule.registers) {
          const reg = resolveRegister(r, catalog, file, report);
          if (reg) hidden.push({ ...prov, ...reg, refSpan: r.span });
        }
        break;
      case 'Tolerate': {
        const test = rule.test;
        for (const r of rule.registers) {
          const reg = resolveRegister(r, catalog, file, report);
          if (!reg) continue;
          if (test) {
            if (test.mask?.value === undefined || test.value?.value === undefined) continue;
            tolerated.push({ ...prov, ...reg, refSpan: r.span, kind: 'source-value', mask: test.mask.value, value: test.value.value });
          } else tolerated.push({ ...prov, ...reg, refSpan: r.span, kind: 'one-end' });
        }
        break;
      }
      case 'SetProperty':
        if (rule.driver && rule.property && rule.value)
          properties.push({ ...prov, driver: rule.driver, property: rule.property, value: literalText(rule.value) });
        break;
      case 'Allow':
        if (rule.midr?.value !== undefined)
          allowedCpus.push({
            ...prov,
            midr: rule.midr.value,
            ...(rule.revidr?.value !== undefined ? { revidr: rule.revidr.value } : {}),
            ...(rule.aidr?.value !== undefined ? { aidr: rule.aidr.value } : {}),
          });
        break;
      case 'Requires':
        if (rule.version?.parts.length && !requiresKernel) requiresKernel = { ...prov, version: rule.version.text };
        break;
    }
  }
  return { hidden, tolerated, properties, allowedCpus, ...(requiresKernel ? { requiresKernel } : {}) };
}

/**
 * Merges own rule sets in application order (newest machine type first, this
 * one last). `hide`, `tolerate` and `set` are compat entries and flow down the
 * chain as in QEMU. `allow` and `requires` describe the hosts of one machine
 * type and are not inherited: they are taken from the last set (this machine
 * type) only.
 */
export function mergeChain(sets: readonly M.RuleSet[]): M.RuleSet {
  const hidden = new Map<bigint, M.HiddenRegister>();
  const tolerated = new Map<bigint, M.ToleratedRegister>();
  const properties = new Map<string, M.PropertySetting>();
  for (const s of sets) {
    for (const h of s.hidden) if (!hidden.has(h.id)) hidden.set(h.id, h);
    for (const t of s.tolerated) {
      const prev = tolerated.get(t.id);
      // Same tolerance again: keep where it was introduced. A different one: the later (older machine type) wins.
      if (!prev || prev.kind !== t.kind || prev.mask !== t.mask || prev.value !== t.value) tolerated.set(t.id, t);
    }
    for (const p of s.properties) properties.set(`${p.driver}\u0000${p.property}`, p);
  }
  const self = sets[sets.length - 1];
  const cpus = new Map<string, M.AllowedCpu>();
  for (const c of self?.allowedCpus ?? []) if (!cpus.has(cpuKey(c))) cpus.set(cpuKey(c), c);
  return {
    hidden: [...hidden.values()].sort(idOrder),
    tolerated: [...tolerated.values()].sort(idOrder),
    properties: [...properties.values()].sort((a, b) =>
      a.driver !== b.driver ? (a.driver < b.driver ? -1 : 1) : a.property < b.property ? -1 : a.property > b.property ? 1 : 0,
    ),
    allowedCpus: [...cpus.values()].sort(cpuOrder),
    ...(self?.requiresKernel ? { requiresKernel: self.requiresKernel } : {}),
  };
}

/** The guest architecture of a machine family, from QEMU's family names. */
export function familyArch(family: string): 'aarch64' | 'x86_64' | undefined {
  if (/^(virt|sbsa-ref)(-|$)/.test(family) || family === 'virt') return 'aarch64';
  if (/^(pc|pc-q35|pc-i440fx|q35|microvm|isapc|xenfv)(-|$)/.test(family)) return 'x86_64';
  return undefined;
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

  const machines: M.MachineType[] = [];
  for (const d of chains.machines.values()) {
    const chain = chains.chain.get(d.name) ?? [d.name];
    const parent = chains.parent.get(d.name);
    const ordered = [...chain].reverse().map((n) => appliedRules(own.get(n)!, setEntryMap));
    machines.push({
      name: d.name,
      family: d.family,
      ...(familyArch(d.family) ? { arch: familyArch(d.family) } : {}),
      ...(d.version ? { version: d.version } : {}),
      ...(parent ? { inherits: parent.name } : {}),
      inheritsExplicit: parent?.explicit ?? false,
      chain,
      target: targets.get(d.file) ?? 'x-mig',
      source: { file: d.file, line: d.node.span.start.line, column: d.node.span.start.column },
      own: own.get(d.name)!,
      effective: mergeChain(ordered),
    });
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

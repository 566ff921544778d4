import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type * as A from '../syntax/ast.js';
import { closest } from '../util/words.js';
import type { Project } from './load.js';
import type * as M from './model.js';

/**
 * Shared compat sets (issue 15): `compat NAME { set ...; }` declared once in
 * any file of the project and applied by machine types of any family with
 * `use NAME;`, as QEMU's options functions apply `hw_compat_X_Y[]` with
 * compat_props_add(). A used set's entries join the machine type's chain like
 * its own `set`s, before them: scalars are last-wins over the whole chain.
 */

export interface DeclaredSet {
  readonly name: string;
  readonly node: A.CompatSet;
  readonly file: string;
}

export interface CompatSets {
  /** First declaration of each set, by name. */
  readonly sets: ReadonlyMap<string, DeclaredSet>;
  /** Every declaration, in file order (duplicates included). */
  readonly order: readonly DeclaredSet[];
}

const cache = new WeakMap<Project, CompatSets>();

export function collectCompatSets(project: Project): CompatSets {
  let c = cache.get(project);
  if (c) return c;
  const sets = new Map<string, DeclaredSet>();
  const order: DeclaredSet[] = [];
  for (const f of project.files)
    for (const st of f.ast.statements) {
      if (st.kind !== 'CompatSet' || !st.name || st.name.name === '') continue;
      const d = { name: st.name.name, node: st, file: f.path };
      order.push(d);
      if (!sets.has(d.name)) sets.set(d.name, d);
    }
  c = { sets, order };
  cache.set(project, c);
  return c;
}

function literalText(v: A.Identifier | A.StringLiteral | A.NumberLiteral): string {
  return v.kind === 'Identifier' ? v.name : v.kind === 'StringLiteral' ? v.value : v.text;
}

/** The entries of one set (its `set` rules; other rules are refused by validation and left out). */
export function setEntries(d: DeclaredSet, provenance: (rule: A.Rule, origin: string, file: string) => M.Provenance): M.PropertySetting[] {
  const out: M.PropertySetting[] = [];
  for (const rule of d.node.body) {
    if (rule.kind !== 'SetProperty' || !rule.driver || !rule.property || !rule.value) continue;
    out.push({
      ...provenance(rule, d.name, d.file),
      driver: rule.driver,
      property: rule.property,
      value: literalText(rule.value),
      ...(rule.optional ? { optional: true } : {}),
    });
  }
  return out;
}

/** A machine type's own `use` statements, resolved against the project's sets; unknown names are reported. */
export function usesOf(
  machine: A.Machine,
  origin: string,
  file: string,
  sets: CompatSets,
  provenance: (rule: A.Rule, origin: string, file: string) => M.Provenance,
  report: (d: Diagnostic) => void,
): M.UsedSet[] {
  const out: M.UsedSet[] = [];
  for (const rule of machine.body) {
    if (rule.kind !== 'Use' || !rule.name || rule.name.name === '') continue;
    const name = rule.name.name;
    if (!sets.sets.has(name)) {
      const suggestion = closest(name, [...sets.sets.keys()]);
      report({
        code: 'MTC1029',
        severity: 'error',
        message: `\`${name}\` is not a compat set of this project`,
        file,
        span: rule.name.span,
        label: 'unknown compat set',
        help: suggestion ? `did you mean \`${suggestion}\`?` : `declare it: \`compat ${name} { set driver.property = value; }\``,
        ...(suggestion ? { fix: { message: `replace with \`${suggestion}\``, edits: [{ file, span: rule.name.span, text: suggestion }] } } : {}),
      });
      continue;
    }
    out.push({ ...provenance(rule, origin, file), name, refSpan: rule.name.span });
  }
  return out;
}

/**
 * A machine type's contribution to its chain, in QEMU's order: the entries of
 * each used set (in `use` order, origin the machine type, tagged with the
 * set), then its own `set`s.
 */
export function appliedRules(own: M.RuleSet, entries: ReadonlyMap<string, readonly M.PropertySetting[]>): M.RuleSet {
  if (!own.uses || own.uses.length === 0) return own;
  const fromSets: M.PropertySetting[] = [];
  for (const u of own.uses) for (const e of entries.get(u.name) ?? []) fromSets.push({ ...e, origin: u.origin, compatSet: u.name });
  return { ...own, properties: [...fromSets, ...own.properties] };
}

/** The model's list of sets, sorted by name, each with the machine types that use it. */
export function compatSetInfos(
  sets: CompatSets,
  entries: ReadonlyMap<string, readonly M.PropertySetting[]>,
  machines: readonly M.MachineType[],
): M.CompatSetInfo[] {
  return [...sets.sets.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((d) => ({
      name: d.name,
      source: { file: d.file, line: d.node.span.start.line, column: d.node.span.start.column },
      span: d.node.span,
      entries: entries.get(d.name) ?? [],
      usedBy: machines.filter((m) => m.own.uses?.some((u) => u.name === d.name)).map((m) => m.name),
    }));
}

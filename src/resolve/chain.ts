import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type * as A from '../syntax/ast.js';
import { compareVersions } from '../syntax/literals.js';
import { closest } from '../util/words.js';
import type { Project } from './load.js';
import { defaultLimits } from '../util/limits.js';
import { exact } from '../util/arrays.js';

/**
 * Machine types and their inheritance chains. In QEMU an older machine type
 * inherits every compat entry of the next newer one. The parent is written
 * (`inherits`) or inferred: the next newer declared version of the same family.
 */

export interface Declared {
  readonly name: string;
  readonly node: A.Machine;
  readonly file: string;
  readonly family: string;
  readonly version?: readonly number[];
}

export interface Chains {
  /** First declaration of each machine type, by name. */
  readonly machines: ReadonlyMap<string, Declared>;
  /** Declared order: by file, then position. */
  readonly order: readonly Declared[];
  /** Parent of each machine type (the next newer one), when it has one. */
  readonly parent: ReadonlyMap<string, { readonly name: string; readonly explicit: boolean }>;
  /** Self first, then each newer machine type; cut short at a cycle or unknown parent. */
  readonly chain: ReadonlyMap<string, readonly string[]>;
  /** Problems found on the way; reported by the machine-chain validation rule. */
  readonly problems: readonly Diagnostic[];
}

const VERSIONED = /^(.+?)-?([0-9]+(?:\.[0-9]+)+)$/;
/** Largest part of a machine type version: QEMU's DEFINE_*_MACHINE macros take C ints. */
const MAX_VERSION_PART = 2147483647n;

/** `virt-10.1` → { family: 'virt', version: [10, 1] }; `virt-rhel9.6.0` → 'virt-rhel', [9, 6, 0]. */
export function splitMachineName(name: string): { family: string; version?: number[] } {
  const { family, version } = splitName(name);
  return version ? { family, version } : { family };
}

/** splitMachineName, with the version's parts as written. */
function splitName(name: string): { family: string; version?: number[]; parts?: string[] } {
  const m = VERSIONED.exec(name);
  if (!m) return { family: name };
  const parts = m[2].split('.');
  const family = m[1].endsWith('-') ? m[1].slice(0, -1) : m[1];
  return { family, version: parts.map(Number), parts };
}

/** `[first, ...rest]`, copied by index (concat and spreads take a generic path here). */
function withFirst(first: string, rest: readonly string[]): string[] {
  const list = new Array<string>(rest.length + 1);
  list[0] = first;
  for (let i = 0; i < rest.length; i++) list[i + 1] = rest[i];
  return list;
}

const chainCache = new WeakMap<Project, Chains>();

/** The chains of a project, computed once (the validator and the resolver both need them). */
export function computeChains(project: Project): Chains {
  let c = chainCache.get(project);
  if (!c) chainCache.set(project, (c = computeChainsUncached(project)));
  return c;
}

function computeChainsUncached(project: Project): Chains {
  const problems: Diagnostic[] = [];
  const machines = new Map<string, Declared>();
  const order: Declared[] = [];
  for (const f of project.files) {
    for (const st of f.ast.statements) {
      if (st.kind !== 'Machine' || !st.name || st.name.name === '') continue;
      const { family, version, parts } = splitName(st.name.name);
      // QEMU's machine macros take each version part as a C int; a larger one would be rounded on the way
      // (a part of nine digits or fewer always fits).
      const big = parts?.find((part) => part.length > 9 && BigInt(part) > MAX_VERSION_PART);
      if (big !== undefined)
        problems.push({
          code: 'MTC1026',
          severity: 'error',
          message: `\`${st.name.name.length > 80 ? st.name.name.slice(0, 80) + '…' : st.name.name}\` has the version part ${big.length > 24 ? big.slice(0, 24) + '…' : big}, larger than ${MAX_VERSION_PART}`,
          file: f.path,
          span: st.name.span,
          label: 'version out of range',
          help: 'machine type versions are small numbers (`virt-10.1`): QEMU passes each part to its machine macros as an int',
        });
      const d: Declared = { name: st.name.name, node: st, file: f.path, family, version };
      order.push(d);
      if (!machines.has(d.name)) machines.set(d.name, d);
    }
  }

  // Inferred parents: per family, sorted by version; equal versions are ambiguous.
  const inferred = new Map<string, string>();
  const families = new Map<string, Declared[]>();
  for (const d of machines.values()) {
    if (!d.version) continue;
    const list = families.get(d.family) ?? [];
    list.push(d);
    families.set(d.family, list);
  }
  for (const list of families.values()) {
    list.sort((a, b) => compareVersions(a.version!, b.version!) || (a.name < b.name ? -1 : 1));
    for (let i = 0; i < list.length; i++) {
      const next = list[i + 1];
      if (next && compareVersions(list[i].version!, next.version!) === 0) {
        problems.push({
          code: 'MTC1004',
          severity: 'error',
          message: `\`${list[i].name}\` and \`${next.name}\` have the same version, so their order in the \`${list[i].family}\` chain is ambiguous`,
          file: next.file,
          span: next.node.name!.span,
          label: 'same version',
          labels: [{ file: list[i].file, span: list[i].node.name!.span, message: 'as this one' }],
          help: 'rename one of them, or write `inherits` on the machine types that follow them',
        });
      }
      // Next strictly newer version.
      let j = i + 1;
      while (j < list.length && compareVersions(list[j].version!, list[i].version!) === 0) j++;
      if (j < list.length) inferred.set(list[i].name, list[j].name);
    }
  }

  const parent = new Map<string, { name: string; explicit: boolean }>();
  for (const d of machines.values()) {
    const inh = d.node.inherits;
    if (inh && inh.name !== '') {
      if (!machines.has(inh.name)) {
        const suggestion = closest(inh.name, [...machines.keys()].filter((n) => n !== d.name));
        problems.push({
          code: 'MTC1002',
          severity: 'error',
          message: `\`${d.name}\` inherits \`${inh.name}\`, which is not declared`,
          file: d.file,
          span: inh.span,
          label: 'unknown machine type',
          help: suggestion
            ? `did you mean \`${suggestion}\`?`
            : `declare it, even without rules: \`machine ${inh.name};\``,
        });
        continue;
      }
      const p = machines.get(inh.name)!;
      if (p.family !== d.family) {
        // Each family is emitted as its own C file: an options function of one family cannot call another's.
        problems.push({
          code: 'MTC1027',
          severity: 'error',
          message: `\`${d.name}\` (family \`${d.family}\`) inherits \`${inh.name}\` of another family (\`${p.family}\`)`,
          file: d.file,
          span: inh.span,
          label: 'another family',
          labels: [{ file: p.file, span: p.node.name!.span, message: `declared here, in family \`${p.family}\`` }],
          help: `a machine type inherits a newer machine type of its own family; name one of \`${d.family}\`, or drop \`inherits\``,
        });
        continue;
      }
      parent.set(d.name, { name: inh.name, explicit: true });
      if (p.family === d.family && p.version && d.version && compareVersions(p.version, d.version) < 0) {
        problems.push({
          code: 'MTC1019',
          severity: 'warning',
          message: `\`${d.name}\` inherits the older \`${inh.name}\``,
          file: d.file,
          span: inh.span,
          label: 'older than the machine type that inherits it',
          help: 'in QEMU an older machine type inherits from the next newer one; check the direction',
        });
      }
    } else {
      const p = inferred.get(d.name);
      if (p) parent.set(d.name, { name: p, explicit: false });
    }
  }

  const chain = new Map<string, string[]>();
  const reportedCycles = new Set<string>();
  const maxChain = project.limits?.maxChainLength ?? defaultLimits.maxChainLength;
  let reportedLength = false;
  // Chains that end at a machine type without a parent, uncut: a machine type whose parent has one
  // (usually: declarations come newest first) has that chain with itself in front.
  const whole = new Set<string>();
  for (const d of machines.values()) {
    const up = parent.get(d.name);
    const upChain = up && whole.has(up.name) ? chain.get(up.name) : undefined;
    if (!up || (upChain && upChain.length < maxChain && !upChain.includes(d.name))) {
      chain.set(d.name, upChain ? withFirst(d.name, upChain) : [d.name]);
      whole.add(d.name);
      continue;
    }
    const list = [d.name];
    // Chains are short: the list itself tells what is in it, until it is long enough to want a set.
    let long: Set<string> | undefined;
    const seen = (name: string) => (long ? long.has(name) : list.includes(name));
    let cur = parent.get(d.name);
    while (cur) {
      if (list.length >= maxChain) {
        // Cut here: merging longer chains would cost work and output quadratic in their length.
        if (!reportedLength) {
          reportedLength = true;
          problems.push({
            code: 'MTC1025',
            severity: 'error',
            message: `the inheritance chain of \`${d.name}\` is longer than ${maxChain} machine types`,
            file: d.file,
            span: d.node.name!.span,
            label: 'chain cut here',
            help: 'split the family, or raise --max-chain-length if this chain is real',
          });
        }
        break;
      }
      if (seen(cur.name)) {
        const cycle = list.slice(list.indexOf(cur.name));
        const key = [...cycle].sort().join(',');
        if (!reportedCycles.has(key)) {
          reportedCycles.add(key);
          const at = machines.get(cycle[cycle.length - 1])!;
          problems.push({
            code: 'MTC1003',
            severity: 'error',
            message: `machine types inherit in a cycle: ${[...cycle, cur.name].join(' -> ')}`,
            file: at.file,
            span: at.node.inherits?.span ?? at.node.name!.span,
            label: 'this closes the cycle',
            help: 'each chain must end at the newest machine type of its family',
          });
        }
        break;
      }
      list.push(cur.name);
      if (long) long.add(cur.name);
      else if (list.length > 32) long = new Set(list);
      cur = parent.get(cur.name);
    }
    if (!cur) whole.add(d.name);
    chain.set(d.name, exact(list));
  }
  return { machines, order, parent, chain, problems };
}

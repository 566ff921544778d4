/**
 * Shared compat sets in the `--qemu-tree` patch (issue 15). A tree already
 * holds QEMU's arrays (`hw_compat_10_1[]` in hw/core/machine.c) and its options
 * functions already add them; rules imported from the tree say the same. So:
 *
 * - a `use` the tree's options function already makes (its
 *   compat_props_add() of that array, or for the newest machine type an array
 *   the family adds in its class init before every options function) adds no
 *   line;
 * - a set the tree defines must hold the tree's entries, in order: entries the
 *   rules add after them are appended to the tree's array; an entry the rules
 *   change or drop is refused (MTC3027): mtc never rewrites or removes QEMU's
 *   own entries, nor any other statement of an options function;
 * - a set the tree does not define is written `static` above the first options
 *   function of the family file that uses it when one family uses it, and where
 *   QEMU keeps its shared arrays when several do: after the last
 *   `hw_compat_X_Y[]` of hw/core/machine.c, declared `extern` after the last
 *   declaration of one in the tree's boards.h.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { CSource } from '../qemu/c-source.js';
import { MacroResolver, familyDefaultArrays, optionsArrays, readCompatArrays, type CompatArray } from '../qemu/compat-arrays.js';
import type { QemuProfile } from '../qemu/profile.js';
import { TreeFiles } from '../qemu/tree-files.js';
import { scalarEntryLines } from './c.js';
import { compatSetArrayLines } from './compat-sets.js';
import type { CompatSetPlan } from './plan.js';
import type { BuildPlan, FamilyPlan, MachinePlan } from './plan.js';

export interface TreeSets {
  /** Per options function: the sets it already adds in the tree. */
  readonly present: ReadonlyMap<string, ReadonlySet<string>>;
  /** Sets the tree lacks, to define `static` in the family file, by name. */
  readonly define: ReadonlyMap<string, CompatSetPlan>;
  /** Entries to append to arrays of the tree: file, the line of the array's closing `}`, lines. */
  readonly append: readonly { readonly file: string; readonly line: number; readonly lines: readonly string[] }[];
  readonly diagnostics: readonly Diagnostic[];
}

const SHARED_FILES = ['hw/core/machine.c', 'hw/i386/pc.c'];

function sameEntry(t: CompatArray['entries'][number], r: { driver: string; property: string; value: string; optional?: boolean }): boolean {
  return t.driver === r.driver && t.property === r.property && t.value === r.value && t.optional === !!r.optional;
}

export function treeSets(plan: BuildPlan, fam: FamilyPlan, profile: QemuProfile, treeDir: string | undefined, read: (rel: string) => string | undefined): TreeSets {
  const present = new Map<string, Set<string>>();
  const define = new Map<string, CompatSetPlan>();
  const append: { file: string; line: number; lines: string[] }[] = [];
  const diagnostics: Diagnostic[] = [];
  const users = fam.machines.filter((m) => (m.uses ?? []).length > 0);
  if (users.length === 0) return { present, define, append, diagnostics };
  const pf = profile.families.find((f) => f.name === fam.family);
  const famText = read(fam.naming.file);
  const famSrc = famText !== undefined ? new CSource(fam.naming.file, famText) : undefined;
  const defaults = famSrc ? familyDefaultArrays(famSrc).map((d) => d.name) : [];
  for (const mp of users) {
    const t = pf?.machineTypes.find((x) => x.optionsFn === mp.optionsFn);
    if (!t || !famSrc) continue;
    const newer = pf!.machineTypes[pf!.machineTypes.indexOf(t) - 1];
    present.set(mp.optionsFn, new Set([...optionsArrays(famSrc, t.optionsFn, t.param, newer?.optionsFn), ...(mp.parentFn ? [] : defaults)]));
  }
  const macros = treeDir ? new MacroResolver(new TreeFiles(treeDir)) : undefined;
  const arrays = new Map<string, CompatArray>();
  for (const file of [fam.naming.file, ...SHARED_FILES]) {
    const text = read(file);
    if (text === undefined) continue;
    for (const a of readCompatArrays(new CSource(file, text), macros)) if (!arrays.has(a.name)) arrays.set(a.name, a);
  }
  const sets = new Map((plan.compatSets ?? []).map((s) => [s.name, s]));
  const names = [...new Set(users.filter((mp) => present.has(mp.optionsFn)).flatMap((mp) => (mp.uses ?? []).map((u) => u.name)))].sort();
  for (const name of names) {
    const set = sets.get(name);
    if (!set) continue;
    const a = arrays.get(name);
    if (!a) {
      const elsewhere = set.families.filter((f) => f !== fam.family);
      if (elsewhere.length === 0) define.set(name, set);
      else if (fam.family === set.families[0]) {
        // Shared by several families: where QEMU keeps hw_compat_X_Y[] (once, for the first family).
        const shared = sharedPlace(profile, read);
        if (!shared)
          diagnostics.push({
            code: 'MTC3027',
            severity: 'error',
            message: `compat set \`${name}\` is used by families ${set.families.join(', ')}, the tree defines no array of that name, and mtc finds no hw_compat_X_Y[] array in hw/core/machine.c and its declaration in boards.h to put it next to`,
            file: set.info.source.file,
            span: set.info.span,
            help: 'add the array to the tree by hand, or use the set in one family only (mtc then defines it static in that machine file)',
          });
        else {
          append.push({ file: 'hw/core/machine.c', line: shared.machineLine, lines: ['', ...compatSetArrayLines(set, false)] });
          append.push({ file: shared.boards, line: shared.boardsLine, lines: [`extern GlobalProperty ${name}[];`, `extern const size_t ${name}_len;`] });
        }
      }
      continue;
    }
    if (a.problems.length > 0) {
      diagnostics.push({
        code: 'MTC3027',
        severity: 'error',
        message: `the tree's \`${name}\` (${a.file}:${a.line}) has entries mtc cannot read (${a.problems[0]!.message}), so it cannot tell whether the rules' set matches it`,
        file: set.info.source.file,
        span: set.info.span,
        help: 'run `mtc import` on the tree to see the entry, and fix the macro or the entry',
      });
      continue;
    }
    const n = a.entries.length;
    const bad = a.entries.findIndex((t, i) => !set.entries[i] || !sameEntry(t, set.entries[i]!));
    if (bad >= 0) {
      const t = a.entries[bad]!;
      const r = set.entries[bad];
      const at = r?.setting ? { file: r.setting.source.file, span: r.setting.span } : { file: set.info.source.file, span: set.info.span };
      diagnostics.push({
        code: 'MTC3027',
        severity: 'error',
        message: `compat set \`${name}\` differs from the tree's array (${a.file}:${t.line}): the tree has \`${t.driver}.${t.property} = ${t.value}${t.optional ? ' optional' : ''}\` as entry ${bad + 1}, the rules ${r ? `\`${r.driver}.${r.property} = ${r.value}${r.optional ? ' optional' : ''}\`` : 'nothing'}`,
        file: at.file,
        span: at.span,
        label: r ? 'differs from the tree' : 'the set ends here',
        help: 'mtc appends new entries to QEMU\'s shared arrays but never changes or removes one of QEMU\'s: keep the tree\'s entries first and in order (`mtc import` writes them), then add yours',
      });
      continue;
    }
    if (set.entries.length > n) append.push({ file: a.file, line: a.endLine, lines: set.entries.slice(n).flatMap((e) => scalarEntryLines(e, false)) });
  }
  return { present, define, append, diagnostics };
}

/**
 * Where a new shared array goes: before the line after the last
 * `const size_t hw_compat_X_Y_len = ...;` of hw/core/machine.c, and before the
 * line after the last `extern ... hw_compat_X_Y...;` of boards.h.
 */
function sharedPlace(profile: QemuProfile, read: (rel: string) => string | undefined): { machineLine: number; boards: string; boardsLine: number } | undefined {
  const machine = read('hw/core/machine.c');
  const boards = profile.headers.boards;
  const header = boards ? read(boards) : undefined;
  if (!machine || !boards || !header) return undefined;
  const last = (text: string, re: RegExp) => {
    let n = -1;
    text.split('\n').forEach((l, i) => {
      if (re.test(l)) n = i + 1;
    });
    return n;
  };
  const m = last(machine, /^const size_t hw_compat_\w+_len = /);
  const b = last(header, /^extern (?:const size_t|GlobalProperty) hw_compat_\w+/);
  return m > 0 && b > 0 ? { machineLine: m + 1, boards, boardsLine: b + 1 } : undefined;
}

/** The uses of a machine plan the tree's options function does not make yet. */
export function missingUses(mp: MachinePlan, ts: TreeSets): string[] {
  const have = ts.present.get(mp.optionsFn) ?? new Set<string>();
  return (mp.uses ?? []).map((u) => u.name).filter((n) => !have.has(n));
}

/**
 * Shared compat sets in the generated C (issue 15). QEMU keeps
 * `hw_compat_X_Y[]` in hw/core/machine.c (declared in include/hw/boards.h),
 * `pc_compat_X_Y[]` in hw/i386/pc.c, and a board's own arrays in its file;
 * each options function adds the ones it needs with compat_props_add(). mtc
 * emits each used set once, as a `GlobalProperty NAME[]` array with its
 * `NAME_len`, and each machine type's options function references it.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { CompatSetInfo, Model, PropertySetting } from '../resolve/model.js';
import { VERSION } from '../version.js';
import { GENERATED_MARKER, blockComment, scalarEntryLines, wrapCall } from './c.js';
import type { CompatEntry } from './plan.js';

export interface CompatSetPlan {
  readonly name: string;
  readonly info: CompatSetInfo;
  readonly entries: readonly CompatEntry[];
  /** Families whose machine types use it, sorted. */
  readonly families: readonly string[];
}

export interface UsePlan {
  readonly name: string;
  readonly entries: readonly CompatEntry[];
}

export const COMPAT_SETS_FILE = 'c/compat-sets.c';

export function entryOf(p: PropertySetting): CompatEntry {
  return { driver: p.driver, property: p.property, value: p.value, setting: p, ...(p.optional ? { optional: true } : {}) };
}

/** The sets the model's machine types use, sorted by name; NUL and control characters refused as for `set`. */
export function planCompatSets(model: Model, diagnostics: Diagnostic[]): CompatSetPlan[] {
  const out: CompatSetPlan[] = [];
  for (const info of model.compatSets ?? []) {
    if (info.usedBy.length === 0) continue;
    for (const p of info.entries)
      for (const text of [p.driver, p.property, p.value])
        if (/[\u0000-\u001f\u007f]/.test(text))
          diagnostics.push({
            code: 'MTC3005',
            severity: 'error',
            message: `\`set ${p.driver}.${p.property}\` contains a NUL or control character`,
            file: p.source.file,
            span: p.span,
            help: 'QEMU reads these as C strings; remove the character',
          });
    const families = [...new Set(info.usedBy.map((n) => model.machines.find((m) => m.name === n)?.family).filter((f): f is string => !!f))].sort();
    out.push({ name: info.name, info, entries: info.entries.map(entryOf), families });
  }
  return out;
}

/** One set as QEMU writes its shared arrays (`static` when it lives in the board file). */
export function compatSetArrayLines(set: CompatSetPlan, isStatic: boolean): string[] {
  const lines = blockComment('', [
    `Compat set ${set.name} (${set.info.source.file}:${set.info.source.line}), used by ${set.info.usedBy.join(', ')}.`,
  ]);
  const st = isStatic ? 'static ' : '';
  lines.push(`${st}GlobalProperty ${set.name}[] = {`);
  for (const e of set.entries) lines.push(...scalarEntryLines(e, false));
  lines.push('};');
  const len = `${st}const size_t ${set.name}_len = G_N_ELEMENTS(${set.name});`;
  if (len.length <= 80) lines.push(len);
  else lines.push(`${st}const size_t ${set.name}_len =`, `    G_N_ELEMENTS(${set.name});`);
  return lines;
}

/** out/c/compat-sets.c: every used set, as hw/core/machine.c holds QEMU's. */
export function emitCompatSetsC(sets: readonly CompatSetPlan[]): string {
  const blocks: string[][] = [
    blockComment('', [
      `${GENERATED_MARKER} ${VERSION}. Do not edit: change the rules and run \`mtc build\`.`,
      '',
      'Shared compat sets: QEMU keeps hw_compat_X_Y[] in hw/core/machine.c and declares them in include/hw/boards.h (extern GlobalProperty NAME[]; extern const size_t NAME_len;), pc_compat_X_Y[] in hw/i386/pc.c, and a board\'s own arrays in its file. The options functions of out/c/<family>.c add them with compat_props_add().',
    ]),
  ];
  for (const s of sets) blocks.push(compatSetArrayLines(s, false));
  return blocks.map((b) => b.join('\n')).join('\n\n') + '\n';
}

/** `extern` declarations of the sets a family uses (in QEMU: include/hw/boards.h). */
export function externLines(names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const lines = blockComment('', ['Shared compat sets (out/c/compat-sets.c; in QEMU declared in include/hw/boards.h).']);
  for (const n of names) lines.push(`extern GlobalProperty ${n}[];`, `extern const size_t ${n}_len;`);
  return lines;
}

/** compat_props_add() of each used set, in `use` order. */
export function useLines(uses: readonly UsePlan[], param: string, skip: ReadonlySet<string> = new Set()): string[] {
  const lines: string[] = [];
  for (const u of uses) if (!skip.has(u.name)) lines.push(...wrapCall('    ', 'compat_props_add', [`${param}->compat_props`, u.name, `${u.name}_len`]));
  return lines;
}

/**
 * Shared compat sets in the generated C (issue 15). QEMU keeps
 * `hw_compat_X_Y[]` in hw/core/machine.c (declared in include/hw/boards.h),
 * `pc_compat_X_Y[]` in hw/i386/pc.c, and a board's own arrays in its file;
 * each options function adds the ones it needs with compat_props_add(). mtc
 * emits each used set once, as a `GlobalProperty NAME[]` array with its
 * `NAME_len`, and each machine type's options function references it.
 */
import { VERSION } from '../version.js';
import { GENERATED_MARKER, blockComment, scalarEntryLines } from './c.js';
import type { CompatSetPlan } from './plan.js';

export const COMPAT_SETS_FILE = 'c/compat-sets.c';

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

/**
 * `--qemu-tree DIR`: a `git apply`-able patch against DIR/hw/arm/virt.c that
 * inserts the generated compat into the existing options functions.
 *
 * For each machine type whose options function exists in the file and that
 * adds something: its compat array (and tolerance function) goes right above
 * the function, or above the comment block attached to it; the add-once call
 * and the hook assignment go at the end of the function body. The set-once
 * helper goes above the first function that needs it.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { GENERATED_MARKER, compatArrayLines, helperLines, optionsBodyLines, toleranceFnLines } from './c.js';
import { unifiedDiff } from './diff.js';
import type { BuildPlan, MachinePlan } from './plan.js';
import { VERSION } from '../version.js';

export const VIRT_C = 'hw/arm/virt.c';

interface FnLoc {
  /** Line index of `static void NAME(MachineClass *mc)`. */
  readonly defLine: number;
  /** Line index where the block to insert above the function goes. */
  readonly aboveLine: number;
  /** Line index of the line holding the closing brace of the body. */
  readonly closeLine: number;
}

/** Index just past the comment, string or char literal starting at `i`, or -1 if none starts there. */
function skipLexical(text: string, i: number): number {
  const c = text[i];
  if (c === '/' && text[i + 1] === '*') {
    const e = text.indexOf('*/', i + 2);
    return e < 0 ? text.length : e + 2;
  }
  if (c === '/' && text[i + 1] === '/') {
    const e = text.indexOf('\n', i);
    return e < 0 ? text.length : e;
  }
  if (c === '"' || c === "'") {
    let j = i + 1;
    while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
    return j + 1;
  }
  return -1;
}

function lineOf(lineStarts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function findFunction(text: string, lines: readonly string[], lineStarts: readonly number[], name: string): FnLoc | 'missing' | 'unparsable' {
  const re = new RegExp(`^static\\s+void\\s+${name}\\s*\\(\\s*MachineClass\\s*\\*\\s*mc\\s*\\)\\s*$`);
  const defLine = lines.findIndex((l) => re.test(l));
  if (defLine < 0) return 'missing';
  // Body: first `{` after the definition line, then match braces.
  let i = lineStarts[defLine]! + lines[defLine]!.length;
  let depth = 0;
  let open = -1;
  while (i < text.length) {
    const skip = skipLexical(text, i);
    if (skip >= 0) {
      i = skip;
      continue;
    }
    const c = text[i];
    if (c === '{') {
      if (open < 0) open = i;
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0 && open >= 0) break;
      if (depth < 0) return 'unparsable';
    } else if (open < 0 && !/\s/.test(c!)) return 'unparsable';
    i++;
  }
  if (i >= text.length) return 'unparsable';
  const closeLine = lineOf(lineStarts, i);
  if (lines[closeLine]!.trim() !== '}') return 'unparsable';
  // Attach above a comment block that ends right above the definition.
  let aboveLine = defLine;
  if (defLine > 0 && /\*\/\s*$/.test(lines[defLine - 1]!)) {
    let j = defLine - 1;
    while (j >= 0 && !lines[j]!.includes('/*')) j--;
    if (j >= 0 && /^\s*\/\*/.test(lines[j]!)) aboveLine = j;
  }
  return { defLine, aboveLine, closeLine };
}

export interface QemuPatchResult {
  readonly patch?: string;
  readonly diagnostics: Diagnostic[];
}

/** Builds the patch text for `virtC` (the content of DIR/hw/arm/virt.c). */
export function buildVirtPatch(plan: BuildPlan, virtC: string): QemuPatchResult {
  const diagnostics: Diagnostic[] = [];
  const text = virtC.replace(/\r\n/g, '\n');
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  const lineStarts: number[] = [];
  let off = 0;
  for (const l of lines) {
    lineStarts.push(off);
    off += l.length + 1;
  }
  const above = new Map<number, string[][]>();
  const inside = new Map<number, string[]>();
  let firstNeedingHelper = -1;
  for (const fam of plan.families) {
    const present = fam.machines.map((mp) => ({ mp, loc: findFunction(text, lines, lineStarts, mp.optionsFn) }));
    const familyInFile = present.some((p) => typeof p.loc !== 'string');
    for (const { mp, loc } of present) {
      const adds = mp.compat || mp.tolerance;
      if (!adds) continue;
      if (loc === 'missing') {
        if (familyInFile)
          diagnostics.push({
            code: 'MTC3010',
            severity: 'warning',
            message: `\`${mp.optionsFn}()\` for \`${mp.machine.name}\` is not in ${VIRT_C}; the patch leaves it out`,
            file: mp.machine.source.file,
            help: 'add the machine type to QEMU first, or remove it from the rules',
          });
        continue;
      }
      if (loc === 'unparsable') {
        diagnostics.push({
          code: 'MTC3012',
          severity: 'error',
          message: `cannot find the body of \`${mp.optionsFn}()\` in ${VIRT_C}`,
          help: 'check that its braces balance and that the definition starts a line: `static void NAME(MachineClass *mc)`',
        });
        continue;
      }
      const block = [...blockOf(mp)];
      if (!above.has(loc.aboveLine)) above.set(loc.aboveLine, []);
      above.get(loc.aboveLine)!.push(block);
      inside.set(loc.closeLine, optionsBodyLines(mp));
      if (mp.compat && (firstNeedingHelper < 0 || loc.aboveLine < firstNeedingHelper)) firstNeedingHelper = loc.aboveLine;
    }
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const out: string[] = [];
  lines.forEach((line, idx) => {
    if (idx === firstNeedingHelper) out.push(...helperLines(), '');
    for (const b of above.get(idx) ?? []) out.push(...b, '');
    const body = inside.get(idx);
    if (body) out.push(...body);
    out.push(line);
  });
  // Keep the file's own last line ending (a file without a final newline gets `\ No newline at end of file`).
  const eol = text.endsWith('\n') ? '\n' : '';
  const newText = out.join('\n') + eol;
  const diff = unifiedDiff(VIRT_C, lines.join('\n') + eol, newText, { git: true });
  const header = `${GENERATED_MARKER} ${VERSION}: compat rules for ${VIRT_C}. Apply with \`git apply\` at the top of the QEMU tree.\n\n`;
  return { patch: diff ? header + diff : header, diagnostics };
}

function blockOf(mp: MachinePlan): string[] {
  const parts: string[][] = [];
  if (mp.compat) parts.push(compatArrayLines(mp));
  if (mp.tolerance) parts.push(toleranceFnLines(mp));
  return parts.flatMap((p, i) => (i === 0 ? p : ['', ...p]));
}

/**
 * `--qemu-tree DIR`: one `git apply`-able patch (or, with a sign-off, a
 * `git format-patch`-style mail that `git am` takes) that puts the generated
 * compat into a real QEMU tree:
 *
 * - per machine type that adds something: its arrays (and tolerance function)
 *   above its options function (above the comment block attached to it), and
 *   the calls at the end of the function body; the family's set-once helper
 *   above the first function that needs it;
 * - for the tolerance target, once: the `set_cpreg_mig_tolerances` field at the
 *   end of struct VirtMachineClass (include/hw/arm/virt.h) and its call for
 *   each vCPU in machvirt_init(), right before the vCPU is realized.
 *
 * Where things go comes from the tree (its QemuProfile and the files
 * themselves, read through the C scanner, either brace style). Families the
 * chosen QEMU leaves out, and machine types the tree lacks, are reported by
 * the validation rules (MTC70xx) and get no hunk here.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { CSource, type FunctionDef } from '../qemu/c-source.js';
import type { QemuContext } from '../qemu/context.js';
import type { QemuProfile } from '../qemu/profile.js';
import { VERSION } from '../version.js';
import { GENERATED_MARKER, compatArrayLines, helperLines, hookCallLines, hookFieldLines, optionsBodyLines, toleranceFnLines } from './c.js';
import { unifiedDiff } from './diff.js';
import { TOLERANCE_HOOK, type BuildPlan, type FamilyPlan, type MachinePlan } from './plan.js';
import { missingUses, treeSets } from './qemu-tree-sets.js';
import { compatSetArrayLines } from './compat-sets.js';
import { useLines } from './c.js';

export const VIRT_C = 'hw/arm/virt.c';
export const PATCH_FILE = 'qemu/mtc.patch';

/** Reads a file of the tree (relative path); undefined when it does not exist. */
export type TreeReadFn = (rel: string) => string | undefined;

export interface QemuPatchResult {
  /** The patch (empty body when nothing changes); undefined when an error stopped it. */
  readonly patch?: string;
  /** Files the patch changes, sorted. */
  readonly files: readonly string[];
  readonly diagnostics: Diagnostic[];
}

export interface SignOff {
  /** `Name <mail>`. */
  readonly who: string;
}

/** One file being edited: lines to insert before given (0-based) lines. */
class FileEdit {
  readonly lines: string[];
  readonly eol: string;
  private readonly before = new Map<number, string[][]>();
  constructor(
    readonly path: string,
    readonly text: string,
    readonly src: CSource,
  ) {
    const t = text.replace(/\r\n/g, '\n');
    this.lines = t.endsWith('\n') ? t.slice(0, -1).split('\n') : t.split('\n');
    this.eol = t.endsWith('\n') ? '\n' : '';
  }
  /** Inserts `block` before 1-based line `line` (blocks at one line keep their order). */
  insert(line: number, block: string[]): void {
    const i = line - 1;
    if (!this.before.has(i)) this.before.set(i, []);
    this.before.get(i)!.push(block);
  }
  result(): string {
    const out: string[] = [];
    this.lines.forEach((l, i) => {
      for (const b of this.before.get(i) ?? []) out.push(...b);
      out.push(l);
    });
    return out.join('\n') + this.eol;
  }
  original(): string {
    return this.lines.join('\n') + this.eol;
  }
}

/** The first line of the comment block that ends right above line `line` (1-based), or `line`. */
function attachedCommentStart(edit: FileEdit, line: number): number {
  const prev = edit.lines[line - 2];
  if (prev === undefined || !/\*\/\s*$/.test(prev)) return line;
  let j = line - 2;
  while (j >= 0 && !edit.lines[j]!.includes('/*')) j--;
  return j >= 0 && /^\s*\/\*/.test(edit.lines[j]!) ? j + 1 : line;
}

function loc(file: string, line: number) {
  return `${file}:${line}`;
}

/** Builds the patch for the tree `read` gives access to, whose profile is `qemu.profile`. */
export function buildTreePatch(plan: BuildPlan, qemu: QemuContext, read: TreeReadFn, signoff?: SignOff): QemuPatchResult {
  const profile = qemu.profile;
  const diagnostics: Diagnostic[] = [];
  if (!profile) return { files: [], diagnostics };
  const edits = new Map<string, FileEdit>();
  const open = (rel: string): FileEdit | undefined => {
    if (!edits.has(rel)) {
      const text = read(rel);
      if (text === undefined) return undefined;
      edits.set(rel, new FileEdit(rel, text, new CSource(rel, text)));
    }
    return edits.get(rel);
  };
  let needsHook = false;
  const helperPlaced = new Set<string>();
  const appended = new Set<string>();
  for (const fam of plan.families) {
    if (!qemu.scope(fam.family).in) continue;
    if (!profile.families.some((f) => f.name === fam.family)) continue;
    const edit = open(fam.naming.file);
    if (!edit) continue;
    const fns = new Map<string, FunctionDef>(edit.src.functions().map((f) => [f.name, f]));
    // Shared compat sets (issue 15): what the tree already has, what to define, what to append.
    const ts = treeSets(plan, fam, profile, qemu.treeDir, read);
    diagnostics.push(...ts.diagnostics);
    for (const ap of ts.append) {
      // A set used by several families is appended to once.
      const key = `${ap.file}:${ap.line}:${ap.lines.join('\n')}`;
      if (appended.has(key)) continue;
      appended.add(key);
      open(ap.file)?.insert(ap.line, [...ap.lines]);
    }
    const defined = new Set<string>();
    for (const mp of fam.machines) {
      const newUses = missingUses(mp, ts);
      if (!mp.arrays && !mp.props && !mp.tolerance && newUses.length === 0) continue;
      const fn = fns.get(mp.optionsFn);
      if (!fn) continue; // the machine type is not in the tree: MTC7005 says so
      if (edit.lines[fn.closeLine - 1]!.trim() !== '}') {
        diagnostics.push({
          code: 'MTC3012',
          severity: 'error',
          message: `the body of \`${mp.optionsFn}()\` does not end with \`}\` on a line of its own (${loc(edit.path, fn.closeLine)})`,
          file: mp.machine.source.file,
          help: 'mtc appends its calls before the closing brace of the options function; write the brace on its own line, as QEMU does',
        });
        continue;
      }
      const above = attachedCommentStart(edit, fn.line);
      if (fam.helper && mp.arrays && !helperPlaced.has(`${edit.path}\0${fam.helper}`)) {
        helperPlaced.add(`${edit.path}\0${fam.helper}`);
        edit.insert(above, [...helperLines(fam.helper), '']);
      }
      const setDefs = newUses.filter((n) => ts.define.has(n) && !defined.has(n)).flatMap((n) => {
        defined.add(n);
        return [...compatSetArrayLines(ts.define.get(n)!, true), ''];
      });
      if (setDefs.length > 0) edit.insert(above, setDefs);
      const block = blockOf(mp);
      if (block.length > 0) edit.insert(above, [...block, '']);
      const body = edit.src.code.slice(fn.open + 1, fn.close);
      const vmc = /\bVirtMachineClass\s*\*\s*(\w+)\s*=/.exec(body)?.[1];
      const param = /\*\s*(\w+)\s*$/.exec(fn.params)?.[1] ?? fam.naming.param;
      // A new `use` written before one the tree already makes goes right before that call, so the
      // function adds the sets in the rules' order; the others go at the end, as every addition does.
      const uses = (mp.uses ?? []).map((u) => u.name);
      const calls = edit.src
        .calls('compat_props_add')
        .filter((c) => c.offset > fn.open && c.offset < fn.close)
        .map((c) => ({ name: (c.args[1] ?? '').trim(), line: c.line }));
      const late = new Set<string>();
      uses.forEach((n, i) => {
        if (!newUses.includes(n)) return;
        const next = uses.slice(i + 1).find((x) => !newUses.includes(x) && calls.some((c) => c.name === x));
        const at = next ? calls.find((c) => c.name === next)!.line : undefined;
        if (at === undefined) late.add(n);
        else edit.insert(at, useLines([{ name: n, entries: [] }], param));
      });
      const skipUses = new Set(uses.filter((n) => !late.has(n)));
      edit.insert(fn.closeLine, optionsBodyLines(mp, { param, skipUses, ...(vmc ? { vmc } : {}), ...(fam.helper ? { helper: fam.helper } : {}) }));
      if (mp.tolerance) needsHook = true;
    }
  }
  if (needsHook) hookEdits(profile, open, diagnostics);
  if (diagnostics.some((d) => d.severity === 'error')) return { files: [], diagnostics };

  const changed = [...edits.values()].filter((e) => e.result() !== e.original()).sort((a, b) => (a.path < b.path ? -1 : 1));
  const diff = changed.map((e) => unifiedDiff(e.path, e.original(), e.result(), { git: true })).join('');
  const files = changed.map((e) => e.path);
  if (signoff) return { patch: mail(plan, profile, changed, diff, signoff), files, diagnostics };
  const header = `${GENERATED_MARKER} ${VERSION}: compat rules for QEMU ${profile.qemu} (${files.join(', ') || 'no changes'}). Apply with \`git apply\` at the top of the tree.\n\n`;
  return { patch: header + diff, files, diagnostics };
}

function blockOf(mp: MachinePlan): string[] {
  const parts: string[][] = [];
  if (mp.arrays || mp.props) parts.push(compatArrayLines(mp));
  if (mp.tolerance) parts.push(toleranceFnLines(mp));
  return parts.flatMap((p, i) => (i === 0 ? p : ['', ...p]));
}

/** The VirtMachineClass field, the call in machvirt_init() and, when missing, the include of the tolerance API. */
function hookEdits(profile: QemuProfile, open: (rel: string) => FileEdit | undefined, diagnostics: Diagnostic[]): void {
  const mc = profile.virt.machineClass;
  const realize = profile.virt.cpuRealize;
  const api = profile.interfaces.tolerances;
  if (!mc || !realize || !api) {
    // The validation rules refuse the tolerance target on such a tree (MTC7001, MTC7012).
    diagnostics.push({
      code: 'MTC7012',
      severity: 'error',
      message: `QEMU ${profile.qemu} has no place for the tolerance hook (${!api ? 'no tolerance API' : !mc ? 'no struct VirtMachineClass in include/hw/arm/virt.h' : 'no vCPU realize in machvirt_init()'})`,
      help: 'the tolerances target needs arm_register_cpreg_mig_tolerance() (QEMU 11.1 or a backport) and the virt machine',
    });
    return;
  }
  const header = open(mc.file);
  const virt = open(realize.file);
  if (!header || !virt) return;
  if (header.text.includes(TOLERANCE_HOOK) || virt.text.includes(`->${TOLERANCE_HOOK}`)) {
    diagnostics.push({
      code: 'MTC7012',
      severity: 'error',
      message: `the tree already has a \`${TOLERANCE_HOOK}\` hook (${mc.file} or ${realize.file}): it looks patched already`,
      help: 'apply mtc\'s patch to a tree without it (git checkout the files first)',
    });
    return;
  }
  const closeText = header.lines[mc.endLine - 1] ?? '';
  const indent = /^(\s*)/.exec(header.lines[mc.endLine - 2] ?? '')?.[1] || '    ';
  if (!/^\s*\}\s*;?\s*$/.test(closeText)) {
    diagnostics.push({ code: 'MTC7012', severity: 'error', message: `cannot find the end of struct VirtMachineClass at ${loc(mc.file, mc.endLine)}`, help: 'the struct must end with `};` on a line of its own' });
    return;
  }
  header.insert(mc.endLine, hookFieldLines(indent));
  const init = virt.src.functions().find((f) => f.name === 'machvirt_init');
  const vmc = init ? /\bVirtMachineClass\s*\*\s*(\w+)\s*=/.exec(virt.src.code.slice(init.open, init.close))?.[1] : undefined;
  const realizeLine = virt.lines[realize.line - 1] ?? '';
  const cpuVar = /DEVICE\s*\(\s*(\w+)\s*\)/.exec(realizeLine)?.[1];
  if (!vmc || !cpuVar) {
    diagnostics.push({ code: 'MTC7012', severity: 'error', message: `machvirt_init() at ${loc(realize.file, realize.line)} has no VirtMachineClass variable or vCPU object mtc can use`, help: 'the hook call needs `vmc` and the vCPU object of the creation loop' });
    return;
  }
  virt.insert(realize.line, hookCallLines(/^(\s*)/.exec(realizeLine)![1]!, cpuVar, vmc));
  if (!profile.virt.includesToleranceHeader) {
    let last = -1;
    virt.lines.forEach((l, i) => {
      if (/^#\s*include\s+"/.test(l)) last = i;
    });
    if (last >= 0) virt.insert(last + 2, [`#include "${api.header}"`]);
  }
}

function diffstat(edits: readonly FileEdit[], diff: string): string {
  const counts = new Map<string, [number, number]>();
  let cur = '';
  for (const l of diff.split('\n')) {
    const m = /^diff --git a\/(\S+) /.exec(l);
    if (m) {
      cur = m[1]!;
      counts.set(cur, [0, 0]);
    } else if (cur && l.startsWith('+') && !l.startsWith('+++')) counts.get(cur)![0]++;
    else if (cur && l.startsWith('-') && !l.startsWith('---')) counts.get(cur)![1]++;
  }
  const width = Math.max(...edits.map((e) => e.path.length));
  let ins = 0;
  let del = 0;
  const lines = edits.map((e) => {
    const [a, d] = counts.get(e.path) ?? [0, 0];
    ins += a;
    del += d;
    return ` ${e.path.padEnd(width)} | ${String(a + d).padStart(3)} ${'+'.repeat(Math.min(a, 50))}${'-'.repeat(Math.min(d, 50))}`;
  });
  const parts = [`${edits.length} file${edits.length === 1 ? '' : 's'} changed`];
  if (ins) parts.push(`${ins} insertion${ins === 1 ? '' : 's'}(+)`);
  if (del) parts.push(`${del} deletion${del === 1 ? '' : 's'}(-)`);
  return [...lines, ` ${parts.join(', ')}`].join('\n');
}

/** A `git format-patch`-style mail: `git am` takes it; no date, so the output stays reproducible. */
function mail(plan: BuildPlan, profile: QemuProfile, edits: readonly FileEdit[], diff: string, signoff: SignOff): string {
  const fams = plan.families.filter((f: FamilyPlan) => edits.some((e) => e.path === f.naming.file));
  const scope = edits.length === 0 ? 'hw' : edits.every((e) => e.path.startsWith('hw/arm/') || e.path === 'include/hw/arm/virt.h') ? 'hw/arm/virt' : 'hw';
  const subject = `${scope}: machine-type migration compat from mtc rules`;
  const body = [
    `Compat for ${fams.map((f) => f.family).join(', ') || 'no family'} machine types, generated by mtc ${VERSION} for QEMU ${profile.qemu} from ${[...new Set(fams.flatMap((f) => f.sources))].join(', ') || 'the rules'}. Do not edit by hand: change the rules and run \`mtc build --qemu-tree\` again.`,
  ];
  const wrapped = body.flatMap((p) => wrapText(p, 72));
  return [
    'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001',
    `From: ${signoff.who}`,
    `Subject: [PATCH] ${subject}`,
    '',
    ...wrapped,
    '',
    `Signed-off-by: ${signoff.who}`,
    '---',
    edits.length > 0 ? diffstat(edits, diff) : ' 0 files changed',
    '',
    diff.replace(/\n$/, ''),
    '-- ',
    `mtc ${VERSION}`,
    '',
  ].join('\n');
}

function wrapText(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const w of text.split(/\s+/)) {
    if (line && line.length + 1 + w.length > width) {
      out.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(line);
  return out;
}

/** Checks a sign-off (`Name <mail>`) before it goes into a mail header. */
export function parseSignOff(text: string): SignOff | undefined {
  const t = text.trim();
  return /^[^<>\r\n\u0000-\u001f]+ <[^<>\s@]+@[^<>\s@]+>$/.test(t) ? { who: t } : undefined;
}

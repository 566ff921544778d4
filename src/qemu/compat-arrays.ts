/**
 * GlobalProperty arrays of a QEMU tree (issue 15): `hw_compat_10_1[]` in
 * hw/core/machine.c, `pc_compat_10_1[]` in hw/i386/pc.c, a board's own
 * (`arm_virt_compat_defaults[]` in 11.1's hw/arm/virt.c), read entry by entry:
 * positional `{ driver, property, value }` with an optional designated
 * `.optional = true`, drivers and properties given as string literals or as
 * macros (`TYPE_VIRTIO_NET`, `VIRTIO_QUEUE_SIZE_OVERRIDE`) resolved from the
 * tree's headers, and the comment written next to an entry (on its line, or
 * on the lines right above it) kept as its reason.
 *
 * Also which arrays a family adds for every machine type before the options
 * functions run (11.1.1 `arm_virt_compat_default_set()`, called from
 * `DEFINE_VIRT_MACHINE_IMPL`, hw/arm/virt.c:111,123; 10.2.2
 * `arm_virt_compat_set()`, :107,118).
 *
 * May import: nothing outside this folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CSource } from './c-source.js';
import type { Loc } from './profile.js';
import type { TreeFiles } from './tree-files.js';

export interface CompatArrayEntry {
  readonly driver: string;
  readonly property: string;
  readonly value: string;
  readonly optional: boolean;
  readonly line: number;
  /** Macros the entry's fields were written with, and where each was defined. */
  readonly macros: readonly { readonly name: string; readonly value: string; readonly at: Loc }[];
  /** The comment next to the entry (joined lines, without the comment markers). */
  readonly comment?: string;
}

export interface CompatArrayProblem {
  readonly line: number;
  readonly message: string;
}

export interface CompatArray {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  /** Line of the `}` that closes the array. */
  readonly endLine: number;
  readonly isStatic: boolean;
  readonly entries: readonly CompatArrayEntry[];
  /** Entries mtc could not read (a macro it cannot resolve, a form it does not know). */
  readonly problems: readonly CompatArrayProblem[];
}

interface RawField {
  readonly text: string;
  readonly offset: number;
}

/** Decodes a sequence of adjacent C string literals (`"a" "b"`); undefined when `text` is not one. */
export function cStringValue(text: string): string | undefined {
  const t = text.trim();
  if (!t.startsWith('"')) return undefined;
  let out = '';
  let i = 0;
  while (i < t.length) {
    while (i < t.length && /\s/.test(t[i]!)) i++;
    if (i >= t.length) break;
    if (t[i] !== '"') return undefined;
    i++;
    while (i < t.length && t[i] !== '"') {
      if (t[i] === '\\') {
        const n = t[i + 1];
        out += n === 'n' ? '\n' : n === 't' ? '\t' : (n ?? '');
        i += 2;
      } else out += t[i++];
    }
    if (t[i] !== '"') return undefined;
    i++;
  }
  return out;
}

/** Finds `#define NAME value` in the tree's headers, following macros that name macros. */
interface MacroDef {
  readonly text: string;
  readonly at: Loc;
  /** `TARGET_*` conditionals around the definition: name, and whether it must be defined. */
  readonly when: readonly { readonly name: string; readonly defined: boolean }[];
}

export class MacroResolver {
  private index: Map<string, MacroDef[]> | undefined;
  constructor(
    private readonly files: TreeFiles,
    /**
     * `TARGET_*` macros the build defines (`TARGET_X86_64` for qemu-system-x86_64,
     * `TARGET_AARCH64` for qemu-system-aarch64): a definition under `#ifdef`/`#else` of
     * one of them is taken for that target (target/i386/cpu-qom.h defines TYPE_X86_CPU
     * as "x86_64-cpu" or "i386-cpu").
     */
    private readonly targets: readonly string[] = ['TARGET_AARCH64', 'TARGET_X86_64'],
    /** Directories searched for headers, relative to the tree. */
    private readonly dirs: readonly string[] = ['include', 'target/arm', 'target/i386', 'hw'],
  ) {}

  private build(): Map<string, MacroDef[]> {
    const idx = new Map<string, MacroDef[]>();
    for (const dir of this.dirs) {
      const abs = path.join(this.files.root, dir);
      let names: string[];
      try {
        names = (fs.readdirSync(abs, { recursive: true }) as string[]).filter((n) => n.endsWith('.h')).sort();
      } catch {
        continue;
      }
      for (const n of names) {
        const rel = `${dir}/${n.split(path.sep).join('/')}`;
        let text: string | undefined;
        try {
          const st = fs.lstatSync(path.join(this.files.root, rel));
          if (!st.isFile()) continue;
          text = this.files.read(rel);
        } catch {
          continue;
        }
        if (!text || !text.includes('#')) continue;
        // Conditionals: a frame per #if; `TARGET_*` ones are remembered with their sense.
        const stack: ({ name: string; defined: boolean } | null)[] = [];
        const lines = text.split('\n');
        for (let i = 0; i < lines.length; i++) {
          const l = lines[i]!;
          if (!/^[ \t]*#/.test(l)) continue;
          const d = /^[ \t]*#[ \t]*(\w+)[ \t]*(.*)$/.exec(l);
          if (!d) continue;
          const [, kw, rest] = d as unknown as [string, string, string];
          if (kw === 'ifdef' || kw === 'ifndef') {
            const name = rest.trim().split(/\s/)[0] ?? '';
            stack.push(name.startsWith('TARGET_') ? { name, defined: kw === 'ifdef' } : null);
          } else if (kw === 'if') {
            const dm = /^(!?)\s*defined\s*\(?\s*(TARGET_\w+)\s*\)?\s*$/.exec(rest.replace(/\/\*.*?\*\//g, '').trim());
            stack.push(dm ? { name: dm[2]!, defined: dm[1] !== '!' } : null);
          } else if (kw === 'else' || kw === 'elif') {
            const top = stack.pop();
            stack.push(top && kw === 'else' ? { name: top.name, defined: !top.defined } : null);
          } else if (kw === 'endif') stack.pop();
          else if (kw === 'define') {
            const m = /^([A-Za-z_]\w*)[ \t]+(.*)$/.exec(rest);
            if (!m) continue;
            const body = m[2]!.replace(/\/\*.*?\*\//g, ' ').replace(/\/\/.*$/, '').trim();
            if (!body || body.endsWith('\\')) continue;
            const list = idx.get(m[1]!) ?? [];
            list.push({ text: body, at: { file: rel, line: i + 1 }, when: stack.filter((f): f is { name: string; defined: boolean } => f !== null) });
            idx.set(m[1]!, list);
          }
        }
      }
    }
    return idx;
  }

  /** The string a macro expands to, with where it is defined; an error message when it cannot be told. */
  resolve(name: string, depth = 0): { value: string; at: Loc } | { error: string } {
    this.index ??= this.build();
    const defs = this.index.get(name)?.filter((d) => d.when.every((w) => this.targets.includes(w.name) === w.defined));
    if (!defs || defs.length === 0) return { error: `\`${name}\` is not defined in the tree's headers (${this.dirs.join(', ')})` };
    const values = new Map<string, { value: string; at: Loc }>();
    for (const d of defs) {
      const s = cStringValue(d.text);
      if (s !== undefined) values.set(s, { value: s, at: d.at });
      else if (/^[A-Za-z_]\w*$/.test(d.text) && depth < 4) {
        const r = this.resolve(d.text, depth + 1);
        if ('value' in r) values.set(r.value, { value: r.value, at: d.at });
      }
    }
    if (values.size === 1) return [...values.values()][0]!;
    if (values.size === 0) return { error: `\`${name}\` (${defs[0]!.at.file}:${defs[0]!.at.line}) is not a string literal` };
    return { error: `\`${name}\` has ${values.size} different definitions (${defs.map((d) => `${d.at.file}:${d.at.line}`).join(', ')})` };
  }
}

/** Splits the text between two offsets of `code` at top-level commas; fields carry the raw text. */
function splitFields(s: CSource, from: number, to: number): RawField[] {
  const out: RawField[] = [];
  let depth = 0;
  let start = from;
  for (let i = from; i <= to; i++) {
    const ch = i === to ? ',' : s.code[i];
    if (ch === '(' || ch === '{' || ch === '[') depth++;
    else if (ch === ')' || ch === '}' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      const raw = s.text.slice(start, i);
      const code = s.code.slice(start, i);
      if (code.trim() !== '') {
        // Drop comments from the raw text, keep literals.
        const lead = code.length - code.trimStart().length;
        const trail = code.length - code.trimEnd().length;
        out.push({ text: raw.slice(lead, raw.length - trail), offset: start + lead });
      }
      start = i + 1;
    }
  }
  return out;
}

/** Text of the comments in raw[from, to), without markers, joined with spaces. */
function commentText(raw: string): string | undefined {
  const parts: string[] = [];
  for (const m of raw.matchAll(/\/\*([\s\S]*?)\*\/|\/\/([^\n]*)/g)) {
    const t = (m[1] ?? m[2] ?? '')
      .split('\n')
      .map((l) => l.replace(/^\s*\*?\s?/, '').trim())
      .filter((l) => l !== '')
      .join(' ');
    if (t) parts.push(t);
  }
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/**
 * Every file-level `GlobalProperty NAME[] = { ... };` of one source file.
 * `macros` resolves driver and property macros; without it a macro is a problem.
 */
export function readCompatArrays(s: CSource, macros?: MacroResolver): CompatArray[] {
  const out: CompatArray[] = [];
  const re = /^(static\s+)?(?:const\s+)?GlobalProperty\s+(\w+)\s*\[\s*\]\s*=\s*\{/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s.code))) {
    const open = m.index + m[0].length - 1;
    const close = s.matching(open);
    if (close < 0) continue;
    const entries: CompatArrayEntry[] = [];
    const problems: CompatArrayProblem[] = [];
    let prevEnd = open + 1;
    for (let i = open + 1; i < close; i++) {
      if (s.code[i] !== '{') continue;
      const end = s.matching(i);
      if (end < 0 || end > close) break;
      const line = s.lineOf(i);
      const fields = splitFields(s, i + 1, end);
      // The comment of an entry: on the lines between the previous entry and this one, or after it on its line.
      const before = s.text.slice(prevEnd, i);
      const lineEnd = s.text.indexOf('\n', end);
      const after = s.text.slice(end + 1, lineEnd < 0 ? s.text.length : lineEnd);
      const comment = [commentText(before), commentText(after)].filter((x): x is string => !!x).join(' ');
      prevEnd = lineEnd < 0 ? close : Math.min(lineEnd, close);
      const positional = fields.filter((f) => !f.text.startsWith('.'));
      const designated = fields.filter((f) => f.text.startsWith('.'));
      const used: { name: string; value: string; at: Loc }[] = [];
      const value = (f: RawField | undefined, what: string): string | undefined => {
        if (!f) {
          problems.push({ line, message: `the entry has no ${what}` });
          return undefined;
        }
        const lit = cStringValue(f.text);
        if (lit !== undefined) return lit;
        // String literals and macros side by side, joined as C joins them (`"qemu64" "-" TYPE_X86_CPU`).
        const parts = f.text.match(/"(?:[^"\\\n]|\\.)*"|[A-Za-z_]\w*|\S/g) ?? [];
        if (parts.length > 0 && parts.every((p) => p.startsWith('"') || /^[A-Za-z_]\w*$/.test(p))) {
          let out = '';
          for (const p of parts) {
            if (p.startsWith('"')) {
              out += cStringValue(p) ?? '';
              continue;
            }
            if (!macros) {
              problems.push({ line, message: `the ${what} \`${p}\` is a macro mtc was not asked to resolve` });
              return undefined;
            }
            const r = macros.resolve(p);
            if ('error' in r) {
              problems.push({ line, message: `the ${what} ${r.error}` });
              return undefined;
            }
            used.push({ name: p, value: r.value, at: r.at });
            out += r.value;
          }
          return out;
        }
        problems.push({ line, message: `the ${what} \`${f.text.replace(/\s+/g, ' ').slice(0, 60)}\` is neither a string literal nor a macro` });
        return undefined;
      };
      let optional = false;
      for (const d of designated) {
        const dm = /^\.optional\s*=\s*(true|false|1|0)$/.exec(d.text.replace(/\s+/g, ' '));
        if (dm) optional = dm[1] === 'true' || dm[1] === '1';
        else problems.push({ line, message: `the designated field \`${d.text.replace(/\s+/g, ' ').slice(0, 60)}\` is not one mtc reads (it reads positional driver, property, value and \`.optional\`)` });
      }
      if (positional.length > 3) problems.push({ line, message: `the entry has ${positional.length} positional fields; GlobalProperty has driver, property, value` });
      const driver = value(positional[0], 'driver');
      const property = value(positional[1], 'property');
      const val = value(positional[2], 'value');
      if (driver !== undefined && property !== undefined && val !== undefined)
        entries.push({ driver, property, value: val, optional, line, macros: used, ...(comment ? { comment } : {}) });
      i = end;
    }
    out.push({ name: m[2]!, file: s.path, line: s.lineOf(m.index), endLine: s.lineOf(close), isStatic: !!m[1], entries, problems });
    re.lastIndex = close + 1;
  }
  return out;
}

/**
 * Arrays a family file adds for every machine type before its options
 * function: a function of the file that only calls compat_props_add(), which
 * the registration macro's class_init calls before the options function.
 */
export function familyDefaultArrays(s: CSource): { name: string; fn: string; at: Loc }[] {
  const out: { name: string; fn: string; at: Loc }[] = [];
  for (const fn of s.functions()) {
    if (/_options$/.test(fn.name)) continue;
    const adds = s.calls('compat_props_add').filter((c) => c.offset > fn.open && c.offset < fn.close);
    if (adds.length === 0) continue;
    for (const d of s.directives) {
      const call = new RegExp(`\\b${fn.name}\\s*\\(`).exec(d.text);
      if (!call) continue;
      const opts = /MACHINE_VER_SYM\s*\(\s*options\b|_options\b/.exec(d.text);
      if (!opts || opts.index < call.index) continue;
      for (const a of adds) {
        const name = (a.args[1] ?? '').trim();
        if (/^\w+$/.test(name)) out.push({ name, fn: fn.name, at: { file: s.path, line: a.line } });
      }
      break;
    }
  }
  return out;
}

/**
 * The compat arrays an options function adds, in order: its own
 * compat_props_add() calls, and those of the functions of the same file it
 * calls with its MachineClass (hw/i386/pc_q35.c: the newest type's options
 * call `pc_q35_machine_options(m)`, which adds `pc_q35_compat_defaults`),
 * except the newer options function (`parent`), whose arrays are its own.
 */
export function optionsArrays(s: CSource, fnName: string, param: string, parent: string | undefined, depth = 0): string[] {
  const fn = s.functions().find((f) => f.name === fnName);
  if (!fn || depth > 3) return [];
  const out: { at: number; names: string[] }[] = [];
  for (const c of s.calls('compat_props_add')) {
    if (c.offset < fn.open || c.offset > fn.close) continue;
    const name = (c.args[1] ?? '').trim();
    if (/^\w+$/.test(name)) out.push({ at: c.offset, names: [name] });
  }
  const local = new Set(s.functions().map((f) => f.name));
  const re = /\b([A-Za-z_]\w*)\s*\(\s*(\w+)\s*\)\s*;/g;
  const body = s.code.slice(fn.open + 1, fn.close);
  let m: RegExpExecArray | null;
  while ((m = re.exec(body))) {
    const callee = m[1]!;
    if (callee === parent || callee === fnName || m[2] !== param || !local.has(callee)) continue;
    const calleeFn = s.functions().find((f) => f.name === callee)!;
    const calleeParam = /\*\s*(\w+)\s*$/.exec(calleeFn.params)?.[1] ?? param;
    out.push({ at: fn.open + 1 + m.index, names: optionsArrays(s, callee, calleeParam, undefined, depth + 1) });
  }
  return out.sort((a, b) => a.at - b.at).flatMap((x) => x.names);
}

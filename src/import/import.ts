/**
 * `mtc import` (issue 15): a QEMU tree → rule files. For every machine type of
 * the chosen families that the tree registers: its chain (newest first, as in
 * the machine file), the compat arrays its options function adds, in order
 * (`use NAME;`), and the arrays the family adds for every machine type before
 * its options function (11.1.1 `arm_virt_compat_defaults[]`, applied by
 * `DEFINE_VIRT_MACHINE_IMPL`), written as a `use` on the newest machine type,
 * which comes first in every chain. Every array used becomes a shared compat
 * set with its entries in order: drivers and properties resolved from the
 * tree's headers, the comment next to an entry as its reason, `.optional`
 * kept. What the language cannot express (C statements in options functions
 * such as `vmc->no_tcg_its = true;`, entries it cannot read) goes into the
 * report; `mtc build --qemu-tree` only adds lines to options functions, so
 * those statements stay in the tree.
 *
 * Plain functions over data: no option parsing, printing or exit here.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { CSource } from '../qemu/c-source.js';
import { MacroResolver, familyDefaultArrays, optionsArrays, readCompatArrays, type CompatArray, type CompatArrayEntry } from '../qemu/compat-arrays.js';
import type { ProfileFamily, ProfileMachineType, QemuProfile } from '../qemu/profile.js';
import { readQemuTree, TreeError } from '../qemu/read-tree.js';
import { TreeFiles } from '../qemu/tree-files.js';
import { keywords } from '../syntax/tokens.js';

/** Files that hold shared compat arrays, besides the family's own machine file. */
export const SHARED_ARRAY_FILES = ['hw/core/machine.c', 'hw/i386/pc.c'];

export interface ImportOptions {
  /** Families to import (mtc's names: `virt`, `pc-q35`, `virt-rhel`); default `virt`. */
  readonly families?: readonly string[];
  /** Where the rule files will be written, relative to the project root (for messages), default `rules`. */
  readonly dir?: string;
}

export interface NotExpressed {
  readonly machine: string;
  readonly file: string;
  readonly line: number;
  /** The C statement as written, whitespace collapsed. */
  readonly statement: string;
}

export interface SkippedEntry {
  readonly array: string;
  readonly file: string;
  readonly line: number;
  readonly why: string;
}

export interface ImportedSet {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly entries: number;
  readonly optional: number;
  readonly usedBy: readonly string[];
  /** Added by the family before every options function, not by one. */
  readonly familyDefault: boolean;
}

export interface ImportedFamily {
  readonly family: string;
  readonly file: string;
  readonly ruleFile: string;
  /** Imported machine types, newest first, with the sets each uses in order. */
  readonly machines: readonly { readonly name: string; readonly line: number; readonly uses: readonly string[] }[];
  /** Machine types the tree defines but does not register (left out). */
  readonly unregistered: readonly string[];
}

export interface ImportReport {
  readonly qemu: string;
  readonly families: readonly ImportedFamily[];
  readonly sets: readonly ImportedSet[];
  readonly notExpressed: readonly NotExpressed[];
  readonly skippedEntries: readonly SkippedEntry[];
  /** Macros resolved from the tree's headers: name, value, where. */
  readonly macros: readonly { readonly name: string; readonly value: string; readonly at: string }[];
}

export interface ImportResult {
  /** Rule files by path relative to the output directory, sorted; empty when an error stopped the import. */
  readonly files: ReadonlyMap<string, string>;
  readonly report: ImportReport;
  readonly diagnostics: Diagnostic[];
}

const KEYWORDS = new Set(keywords());

/** A property value as the rule language writes it: a bare word when it lexes as one, else a string. */
export function valueText(v: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(v) && (!KEYWORDS.has(v) || v === 'optional')) return v;
  if (/^(?:0|[1-9][0-9]*)$/.test(v) && v.length <= 18) return v;
  return stringText(v);
}

/** A string literal of the rule language. */
export function stringText(v: string): string {
  let out = '"';
  for (const ch of v) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f) out += `\\u{${cp.toString(16)}}`;
    else out += ch;
  }
  return out + '"';
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(?:\[[0-9]+\])*(?:[-.][A-Za-z0-9_]+(?:\[[0-9]+\])*)*$/;

/** Why an entry cannot be written as `set driver.property = value;`, or undefined when it can. */
function inexpressible(e: CompatArrayEntry): string | undefined {
  if (e.driver.includes('.')) return `the driver \`${e.driver}\` contains a dot, which \`set driver.property\` cannot separate from the property`;
  if (!IDENT.test(`${e.driver}.${e.property}`)) return `\`${e.driver}.${e.property}\` is not a name the rule language can write (letters, digits, \`_\`, \`-\`, \`.\`, starting with a letter)`;
  return undefined;
}

/** Statements of an options function body that the rules cannot express. */
function unexpressed(s: CSource, body: { open: number; close: number }, param: string, parentFn: string | undefined): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let depth = 0;
  let start = body.open + 1;
  const flush = (end: number) => {
    const code = s.code.slice(start, end).trim();
    const from = start + (s.code.slice(start, end).length - s.code.slice(start, end).trimStart().length);
    start = end + 1;
    if (code === '' || code === ';') return;
    const c = code.replace(/\s+/g, ' ');
    if (parentFn && new RegExp(`^${parentFn}\\s*\\(\\s*${param}\\s*\\)\\s*;?$`).test(c)) return;
    if (new RegExp(`^compat_props_add\\s*\\(\\s*${param}\\s*->\\s*compat_props\\s*,\\s*\\w+\\s*,[^;]*\\)\\s*;?$`).test(c)) return;
    // `VirtMachineClass *vmc = VIRT_MACHINE_CLASS(OBJECT_CLASS(mc));`: a local the flags below need, nothing of its own.
    if (/^\w+ \* ?\w+ = [A-Z_]+\((?:OBJECT_CLASS\(\w+\)|\w+)\)\s*;?$/.test(c)) return;
    const raw = s.text.slice(from, end + 1).replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ').replace(/\s+/g, ' ').trim();
    out.push({ line: s.lineOf(from), text: raw });
  };
  for (let i = body.open + 1; i < body.close; i++) {
    const ch = s.code[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === '}') {
      depth--;
      if (depth === 0) flush(i);
    } else if (ch === ';' && depth === 0) flush(i);
  }
  flush(body.close);
  return out;
}

function setLines(a: CompatArray, skipped: SkippedEntry[]): string[] {
  const lines = [`// ${a.file}:${a.line}`, `compat ${a.name} {`];
  for (const e of a.entries) {
    const why = inexpressible(e);
    if (why) {
      skipped.push({ array: a.name, file: a.file, line: e.line, why });
      continue;
    }
    const head = `  set ${e.driver}.${e.property} = ${valueText(e.value)}${e.optional ? ' optional' : ''}`;
    if (e.comment) lines.push(`${head} {`, `    reason ${stringText(e.comment)};`, '  }');
    else lines.push(`${head};`);
  }
  if (lines.length === 2) return [lines[0]!, `compat ${a.name} {}`];
  lines.push('}');
  return lines;
}

function familyFileName(family: string): string {
  return `${family.replace(/[^A-Za-z0-9_.-]+/g, '-')}.mtc`;
}

export const COMPAT_FILE = 'compat.mtc';

/** Reads the tree and produces the rule files and the report. Throws TreeError when the tree cannot be read. */
export function importTree(dir: string, options: ImportOptions = {}): ImportResult {
  const profile: QemuProfile = readQemuTree(dir);
  const files = new TreeFiles(dir);
  const macros = new MacroResolver(files);
  const diagnostics: Diagnostic[] = [];
  const wanted = options.families ?? ['virt'];
  const sources = new Map<string, CSource>();
  const src = (rel: string): CSource | undefined => {
    if (!sources.has(rel)) {
      const text = files.read(rel);
      if (text !== undefined) sources.set(rel, new CSource(rel, text));
    }
    return sources.get(rel);
  };
  const arrays = new Map<string, CompatArray>();
  const arraysOf = (rel: string) => {
    const s = src(rel);
    if (!s) return;
    for (const a of readCompatArrays(s, macros)) if (!arrays.has(a.name)) arrays.set(a.name, a);
  };

  const notExpressed: NotExpressed[] = [];
  const skippedEntries: SkippedEntry[] = [];
  const families: ImportedFamily[] = [];
  const usedBy = new Map<string, string[]>();
  const defaults = new Set<string>();
  const out = new Map<string, string>();
  for (const name of wanted) {
    const fam: ProfileFamily | undefined = profile.families.find((f) => f.name === name);
    if (!fam) {
      diagnostics.push({
        code: 'MTC7101',
        severity: 'error',
        message: `QEMU ${profile.qemu} defines no machine family \`${name}\``,
        help: `the tree defines: ${profile.families.map((f) => f.name).join(', ') || 'none'} (in ${[...new Set(profile.families.map((f) => f.file))].join(', ') || 'no machine file mtc reads'})`,
      });
      continue;
    }
    const s = src(fam.file)!;
    arraysOf(fam.file);
    for (const f of SHARED_ARRAY_FILES) arraysOf(f);
    const fns = new Map(s.functions().map((f) => [f.name, f]));
    const famDefaults = familyDefaultArrays(s).map((d) => d.name);
    for (const d of famDefaults) defaults.add(d);
    const registered = fam.machineTypes.filter((t) => t.registered !== false);
    const unregistered = fam.machineTypes.filter((t) => t.registered === false).map((t) => t.name);
    const machines: { name: string; line: number; uses: string[] }[] = [];
    const body: string[] = [];
    registered.forEach((t: ProfileMachineType, i) => {
      const newer = fam.machineTypes[fam.machineTypes.indexOf(t) - 1];
      const own = optionsArrays(s, t.optionsFn, t.param, newer?.optionsFn);
      const uses = [...(i === 0 ? famDefaults : []), ...own];
      for (const u of uses) usedBy.set(u, [...(usedBy.get(u) ?? []), t.name]);
      machines.push({ name: t.name, line: t.line, uses });
      const fn = fns.get(t.optionsFn);
      if (fn)
        for (const st of unexpressed(s, fn, t.param, newer?.optionsFn))
          notExpressed.push({ machine: t.name, file: fam.file, line: st.line, statement: st.text });
      if (body.length > 0) body.push('');
      if (uses.length === 0) body.push(`machine ${t.name};`);
      else {
        body.push(`machine ${t.name} {`);
        if (i === 0 && famDefaults.length > 0)
          for (const d of famDefaults)
            body.push(
              `  use ${d} {`,
              `    reason ${stringText(`${fam.file}: added by the class init of every ${fam.name} machine type, before its options function; first in every chain`)};`,
              '  }',
            );
        for (const u of own) body.push(`  use ${u};`);
        body.push('}');
      }
    });
    const ruleFile = familyFileName(fam.name);
    const header = [
      `// Imported by \`mtc import\` from QEMU ${profile.qemu}, ${fam.file}: every ${fam.name} machine type the tree`,
      '// registers, newest first, with the compat arrays its options function adds, in order.',
      '// C statements of the options functions that rules cannot express stay in the tree (see the report).',
      `include "${COMPAT_FILE}";`,
      '',
    ];
    out.set(ruleFile, [...header, ...body].join('\n') + '\n');
    families.push({ family: fam.name, file: fam.file, ruleFile, machines, unregistered });
  }

  const sets: ImportedSet[] = [];
  const setBlocks: { file: string; line: number; lines: string[] }[] = [];
  for (const [name, users] of [...usedBy].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const a = arrays.get(name);
    if (!a) {
      diagnostics.push({
        code: 'MTC7102',
        severity: 'error',
        message: `the compat array \`${name}\` that ${users[0]} adds is not defined in ${[...new Set([...families.map((f) => f.file), ...SHARED_ARRAY_FILES])].join(', ')}`,
        help: 'mtc reads GlobalProperty arrays from the machine file and from hw/core/machine.c and hw/i386/pc.c; an array defined elsewhere (or inside a function) cannot be imported',
      });
      continue;
    }
    for (const p of a.problems)
      diagnostics.push({
        code: 'MTC7103',
        severity: 'error',
        message: `cannot read an entry of \`${a.name}\` (${a.file}:${p.line}): ${p.message}`,
        help: 'the entry is left out of the imported compat set; write it by hand with `set driver.property = value;` once the cause is fixed',
      });
    setBlocks.push({ file: a.file, line: a.line, lines: setLines(a, skippedEntries) });
    sets.push({
      name,
      file: a.file,
      line: a.line,
      entries: a.entries.length,
      optional: a.entries.filter((e) => e.optional).length,
      usedBy: users,
      familyDefault: defaults.has(name),
    });
  }
  for (const sk of skippedEntries)
    diagnostics.push({
      code: 'MTC7104',
      severity: 'warning',
      message: `an entry of \`${sk.array}\` (${sk.file}:${sk.line}) is not imported: ${sk.why}`,
      help: 'the tree keeps the entry; the imported set lacks it, so `query-machines` of a build from the rules alone would not show it',
    });
  setBlocks.sort((a, b) => (a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line));
  const compatText = [
    `// Shared compat sets imported by \`mtc import\` from QEMU ${profile.qemu}: the GlobalProperty arrays the`,
    '// imported machine types add, entries in order, drivers and properties resolved from the tree\'s headers.',
    '',
    ...setBlocks.flatMap((b, i) => (i === 0 ? b.lines : ['', ...b.lines])),
  ].join('\n') + '\n';
  if (setBlocks.length > 0) out.set(COMPAT_FILE, compatText);
  else for (const [k, v] of out) out.set(k, v.replace(`include "${COMPAT_FILE}";\n`, ''));

  const macroList = new Map<string, { name: string; value: string; at: string }>();
  for (const a of arrays.values())
    if (usedBy.has(a.name)) for (const e of a.entries) for (const m of e.macros) macroList.set(m.name, { name: m.name, value: m.value, at: `${m.at.file}:${m.at.line}` });
  const report: ImportReport = {
    qemu: profile.qemu,
    families,
    sets,
    notExpressed,
    skippedEntries,
    macros: [...macroList.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
  const errors = diagnostics.some((d) => d.severity === 'error');
  return { files: errors ? new Map() : new Map([...out].sort((a, b) => (a[0] < b[0] ? -1 : 1))), report, diagnostics };
}

export { TreeError };

/** The report as Markdown, byte-deterministic. */
export function reportMarkdown(r: ImportReport): string {
  const L: string[] = [`# mtc import: QEMU ${r.qemu}`, ''];
  for (const f of r.families) {
    L.push(`## Family \`${f.family}\` (${f.file} → ${f.ruleFile})`, '');
    L.push(`${f.machines.length} machine types imported, newest first: ${f.machines.map((m) => `\`${m.name}\``).join(', ')}.`, '');
    if (f.unregistered.length > 0)
      L.push(`Left out, defined but not registered by this QEMU (boards.h lifecycle): ${f.unregistered.map((n) => `\`${n}\``).join(', ')}.`, '');
  }
  L.push('## Shared compat sets', '', '| set | defined at | entries | optional | used by |', '|---|---|---|---|---|');
  for (const s of r.sets)
    L.push(`| \`${s.name}\` | ${s.file}:${s.line} | ${s.entries} | ${s.optional} | ${s.familyDefault ? 'every machine type (class init), written on the newest' : s.usedBy.join(', ')} |`);
  L.push('');
  L.push('## Not carried by the rules', '');
  L.push(
    'C statements of the options functions that the rule language cannot express. They stay in the tree: `mtc build --qemu-tree` only adds lines to options functions, never removes one.',
    '',
  );
  if (r.notExpressed.length === 0) L.push('None.', '');
  else {
    L.push('| machine type | where | statement |', '|---|---|---|');
    for (const n of r.notExpressed) L.push(`| \`${n.machine}\` | ${n.file}:${n.line} | \`${n.statement.replace(/\|/g, '\\|')}\` |`);
    L.push('');
  }
  if (r.skippedEntries.length > 0) {
    L.push('Compat entries left out of the imported sets:', '');
    for (const s of r.skippedEntries) L.push(`- \`${s.array}\` ${s.file}:${s.line}: ${s.why}`);
    L.push('');
  }
  L.push('## Macros resolved from the tree\'s headers', '');
  if (r.macros.length === 0) L.push('None.', '');
  else {
    L.push('| macro | value | defined at |', '|---|---|---|');
    for (const m of r.macros) L.push(`| \`${m.name}\` | \`${m.value}\` | ${m.at} |`);
    L.push('');
  }
  return L.join('\n');
}

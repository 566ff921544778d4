/**
 * `mtc decode <id|name|tuple>…`: everything about each register (catalog,
 * fields, QEMU name, the kernels that list it, the rules that mention it).
 * Exit 0, 1 if one is unknown, 2 on usage errors.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { SetExit } from './types.js';
import { loadHistory } from '../../catalog/history-file.js';
import { loadCatalog } from '../../catalog/load.js';
import { describeTimeline, loadBuiltinHistory } from '../../catalog/history.js';
import { classOfId, describeFields, idHex, notARegister, qemuName } from '../../catalog/regid.js';
import { suggestNames } from '../../catalog/catalog.js';
import { renderOneLine, sanitize } from '../../diagnostics/render.js';
import { resolveUserRegister } from '../../catalog/user-register.js';
import { ruleMentions } from '../../resolve/mentions.js';

export function register(program: Command, setExit: SetExit): void {
  program
    .command('decode')
    .description('everything about registers: id, names, class, fields, QEMU name, kernels that list it, rules that mention it')
    .argument('<register...>', 'ids (0x603000000013c103), names (TCR2_EL1), generic names (S3_0_C2_C0_3), tuples (sysreg(3,0,2,0,3), fw-bmap(3), cp14(3,0,5,0)) or QEMU names ("fw feat reg 3")')
    .option('-f, --format <format>', 'output format: human or json', 'human')
    .option('--catalog <file...>', 'extra register catalog files that extend or override the built-in one')
    .option('--history <file>', 'kernel history file that extends the built-in one')
    .option('--rules <path...>', 'rule files or directories to search for mentions (default: rules/ if present)')
    .action(async (regs: string[], opts: { format: string; catalog?: string[]; history?: string; rules?: string[] }) => {
      setExit(await run(regs, opts));
    });
}

export interface DecodeOptions {
  readonly format?: string;
  readonly catalog?: string[];
  readonly history?: string;
  readonly rules?: string[];
}

/** `mtc decode <id|name|tuple>...`: everything about each register. Exit 0, 1 if one is unknown, 2 on usage errors. */
export async function run(args: readonly string[], opts: DecodeOptions, out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  const format = opts.format ?? 'human';
  if (format !== 'human' && format !== 'json') {
    err(`error[MTC9004]: --format must be one of human, json, not \`${format}\`\n`);
    return 2;
  }
  if (args.length === 0) {
    err('error[MTC9004]: give at least one register: an id, a name or a tuple\n');
    return 2;
  }
  const { catalog, diagnostics } = loadCatalog({ files: opts.catalog ?? [] });
  let history = loadBuiltinHistory();
  const loadDiags = [...diagnostics];
  if (opts.history) {
    const h = loadHistory(opts.history, { catalog });
    history = h.history;
    for (const x of h.diagnostics) loadDiags.push(x);
  }
  for (const d of loadDiags) err(renderOneLine(d) + '\n');
  if (loadDiags.some((d) => d.severity === 'error')) return 1;

  const ids = new Map<string, bigint | undefined>();
  for (const a of args) ids.set(a, resolveUserRegister(catalog, a));
  const rulePaths = opts.rules ?? (existsSync('rules') ? ['rules'] : []);
  const mentions = rulePaths.length ? ruleMentions(catalog, rulePaths, new Set([...ids.values()].filter((x): x is bigint => x !== undefined))) : new Map();
  let status = 0;
  const json: unknown[] = [];
  for (const a of args) {
    const id = ids.get(a);
    const notReg = id !== undefined ? notARegister(id) : undefined;
    if (notReg !== undefined) {
      status = 1;
      if (format === 'json') json.push({ input: a, error: notReg, suggestions: [] });
      else err(`error[MTC2001]: ${sanitize(notReg)}\n`);
      continue;
    }
    if (id === undefined || classOfId(id) === undefined) {
      status = 1;
      const sug = suggestNames(catalog, a, 3);
      const msg = id !== undefined ? `\`${a}\` is not a valid arm/arm64 register id` : `unknown register \`${a}\`${sug.length ? `; similar names: ${sug.join(', ')}` : ''}`;
      if (format === 'json') json.push({ input: a, error: msg, suggestions: sug });
      else err(`error[MTC2001]: ${sanitize(msg)}\n`);
      continue;
    }
    const info = catalog.lookupId(id);
    const kernels = describeTimeline(history, catalog, id);
    const rules = (mentions.get(id) ?? []) as { file: string; line: number; column: number; machine: string; kind: string; text: string }[];
    if (format === 'json') {
      json.push({
        input: a,
        id: idHex(id),
        name: info?.name ?? null,
        aliases: info?.aliases ?? [],
        class: classOfId(id),
        encoding: info?.encoding ?? null,
        fields: describeFields(id),
        qemuName: qemuName(id),
        feature: info?.feature ?? null,
        description: info?.description ?? null,
        source: info?.source ?? null,
        kernels,
        rules,
      });
      continue;
    }
    const lines: string[] = [];
    lines.push(`${sanitize(info?.name ?? '(not in the catalog)')}  ${idHex(id)}`);
    const row = (k: string, v: string | undefined) => {
      if (v) lines.push(`  ${(k + ':').padEnd(12)}${sanitize(v)}`);
    };
    row('aliases', info?.aliases.join(', '));
    row('class', classOfId(id));
    row('encoding', info?.encoding);
    row('fields', describeFields(id));
    row('qemu name', qemuName(id));
    row('feature', info?.feature);
    row('about', info?.description);
    if (info?.source && info.source !== 'builtin') row('catalog', info.source);
    kernels.forEach((k, i) => lines.push(`  ${(i === 0 ? 'kernels:' : '').padEnd(12)}${sanitize(k)}`));
    if (rules.length === 0) row('rules', rulePaths.length ? `no rule in ${rulePaths.join(', ')} mentions it` : 'no rules directory');
    // File names come from the rule tree: escape sequences in them are shown, not sent to the terminal.
    rules.forEach((r, i) => lines.push(`  ${(i === 0 ? 'rules:' : '').padEnd(12)}${sanitize(r.file)}:${r.line}:${r.column}  ${sanitize(r.machine)}: ${sanitize(r.text)}`));
    out(lines.join('\n') + '\n\n');
  }
  if (format === 'json') out(JSON.stringify(json, null, 2) + '\n');
  return status;
}

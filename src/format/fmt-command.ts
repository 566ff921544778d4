import { promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { sortDiagnostics } from '../diagnostics/diagnostic.js';
import { explainHint, renderHuman, useColor } from '../diagnostics/render.js';
import type { SourceFile } from '../syntax/source.js';
import { formatSource } from './format.js';
import { readStdin, StdinTooLarge } from '../cli/stdin.js';
import { defaultLimits } from '../util/limits.js';

export interface FmtOptions {
  /** List unformatted files and exit 1 instead of rewriting them. */
  readonly check?: boolean;
  /** With the path `-`: the file name standard input stands for (diagnostics, Prettier config). */
  readonly stdinFilename?: string;
}

export interface FmtIo {
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly color: boolean;
  /** All of standard input (`mtc fmt -`). */
  readonly stdin?: () => Promise<Uint8Array>;
}

/** Largest standard input `mtc fmt -` reads (as the checks' default --max-file-size). */
const MAX_STDIN = defaultLimits.maxFileBytes;

const defaultIo = (): FmtIo => ({
  cwd: process.cwd(),
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  color: useColor(process.stderr),
  stdin: () => readStdin(MAX_STDIN),
});

/**
 * `mtc fmt [--check] [paths...]`. Exit 0: every file is (now) formatted;
 * 1: `--check` found unformatted files, or a file has syntax errors (it is
 * left untouched) or could not be formatted safely; 2: a path does not exist
 * or cannot be read or written.
 */
export async function runFmt(paths: readonly string[], opts: FmtOptions = {}, io: FmtIo = defaultIo()): Promise<number> {
  if (paths.includes('-') || opts.stdinFilename !== undefined) return fmtStdin(paths, opts, io);
  const roots = paths.length ? paths : ['rules/'];
  const sources = new Map<string, SourceFile>();
  const diagnostics: Diagnostic[] = [];
  let usageError = false;
  let failed = false;
  const files: string[] = [];
  for (const p of roots) {
    try {
      for (const x of (await collect(p, io.cwd))) files.push(x);
    } catch (e) {
      usageError = true;
      diagnostics.push(ioError(p, e, 'cannot read'));
    }
  }
  const unformatted: string[] = [];
  for (const file of [...new Set(files)]) {
    const abs = nodePath.resolve(io.cwd, file);
    let text: string;
    try {
      text = await fs.readFile(abs, 'utf8');
    } catch (e) {
      usageError = true;
      diagnostics.push(ioError(file, e, 'cannot read'));
      continue;
    }
    const result = await formatSource(text, file, { usePrettierConfig: true, absolutePath: abs });
    sources.set(file, result.source);
    if (!result.ok) {
      failed = true;
      for (const x of result.diagnostics) diagnostics.push(x);
      if (result.diagnostics.some((d) => d.code !== 'MTC6004'))
        diagnostics.push({
          code: 'MTC6003',
          severity: 'error',
          message: 'file has syntax errors; it is left untouched',
          file,
          help: 'fix the errors above and run `mtc fmt` again',
        });
      continue;
    }
    if (!result.changed) continue;
    if (opts.check) {
      unformatted.push(file);
      continue;
    }
    try {
      await writeAtomically(abs, result.formatted);
      io.stdout(`${file}\n`);
    } catch (e) {
      usageError = true;
      diagnostics.push(ioError(file, e, 'cannot write'));
    }
  }
  for (const f of unformatted) io.stdout(`${f}\n`);
  if (unformatted.length) {
    const n = unformatted.length;
    diagnostics.push({
      code: 'MTC6001',
      severity: 'error',
      message: `${n} file${n === 1 ? ' is' : 's are'} not formatted`,
      help: `run \`mtc fmt ${roots.join(' ')}\` to format ${n === 1 ? 'it' : 'them'}`,
    });
  }
  for (const d of sortDiagnostics(diagnostics)) io.stderr(renderHuman(d, { color: io.color, sources }) + '\n');
  if (diagnostics.length) io.stderr(explainHint(diagnostics) + '\n');
  if (usageError) return 2;
  return failed || unformatted.length ? 1 : 0;
}

/**
 * `mtc fmt -`: formats standard input and writes the result to standard
 * output, as editors that format through a command expect. With `--check`,
 * writes the file name and exits 1 when the text is not formatted. On syntax
 * errors nothing is written to standard output and the exit status is 1.
 */
async function fmtStdin(paths: readonly string[], opts: FmtOptions, io: FmtIo): Promise<number> {
  const usage = (message: string) => {
    io.stderr(renderHuman({ code: 'MTC9004', severity: 'error', message, help: 'format standard input with `mtc fmt - [--stdin-filename rules/a.mtc]`' }, { color: io.color, sources: new Map() }) + '\n');
    return 2;
  };
  if (paths.length !== 1 || paths[0] !== '-') return usage(paths.includes('-') ? '`-` (standard input) cannot be combined with other paths' : '--stdin-filename needs the path `-`');
  const name = opts.stdinFilename ?? '<stdin>';
  let text: string;
  try {
    const bytes = await (io.stdin ?? (() => readStdin(MAX_STDIN)))();
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    return usage(e instanceof StdinTooLarge ? `${e.message}` : `cannot read standard input as UTF-8 text: ${e instanceof Error ? e.message : String(e)}`);
  }
  const result = await formatSource(text, name, { usePrettierConfig: true, absolutePath: nodePath.resolve(io.cwd, opts.stdinFilename ?? 'stdin.mtc') });
  if (!result.ok) {
    const sources = new Map([[name, result.source]]);
    for (const d of sortDiagnostics(result.diagnostics)) io.stderr(renderHuman(d, { color: io.color, sources }) + '\n');
    io.stderr(renderHuman({ code: 'MTC6003', severity: 'error', message: 'standard input has syntax errors; nothing was written', file: name, help: 'fix the errors above and format again' }, { color: io.color, sources }) + '\n');
    io.stderr(explainHint(result.diagnostics) + '\n');
    return 1;
  }
  if (opts.check) {
    if (!result.changed) return 0;
    io.stdout(`${name}\n`);
    return 1;
  }
  io.stdout(result.formatted);
  return 0;
}

/** The `.mtc` files under a path (sorted), or the path itself when it is a file. */
async function collect(p: string, cwd: string): Promise<string[]> {
  const abs = nodePath.resolve(cwd, p);
  const st = await fs.stat(abs);
  if (!st.isDirectory()) return [p];
  const out: string[] = [];
  const walk = async (dir: string, shown: string): Promise<void> => {
    const entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const childShown = shown === '' ? e.name : nodePath.join(shown, e.name);
      if (e.isDirectory()) await walk(nodePath.join(dir, e.name), childShown);
      else if (e.isFile() && e.name.endsWith('.mtc')) out.push(childShown);
    }
  };
  await walk(abs, p.replace(/[\\/]+$/, '') || p);
  return out;
}

/** Writes a temporary file next to the target, then renames it over the target. */
export async function writeAtomically(file: string, text: string): Promise<void> {
  const dir = nodePath.dirname(file);
  const tmp = nodePath.join(dir, `.${nodePath.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let mode: number | undefined;
  try {
    mode = (await fs.stat(file)).mode & 0o7777;
  } catch {
    mode = undefined;
  }
  try {
    await fs.writeFile(tmp, text, { encoding: 'utf8', mode: mode ?? 0o644, flag: 'wx' });
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

function ioError(file: string, e: unknown, what: string): Diagnostic {
  const code = (e as { code?: string }).code;
  const reason = code === 'ENOENT' ? 'no such file or directory' : e instanceof Error ? e.message : String(e);
  return {
    code: 'MTC6002',
    severity: 'error',
    message: `${what} \`${file}\`: ${reason}`,
    file,
    help: 'check the path; `mtc fmt` takes rule files and directories (default `rules/`)',
  };
}

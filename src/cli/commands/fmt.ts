/**
 * `mtc fmt [--check] [paths…]`: format rule files in place through the
 * format stage (src/format), or standard input to standard output; never
 * through a symlink out of the root, never a non-UTF-8 file, atomically.
 */
import { promises as fs, readdirSync, realpathSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { sortDiagnostics } from '../../diagnostics/diagnostic.js';
import { explainHint, renderHuman, sanitize, useColor } from '../../diagnostics/render.js';
import { decodeUtf8 } from '../../resolve/load.js';
import { ReadError, readRegularFile } from '../../util/read-file.js';
import { resolveStaticConfig, type ConfigCache } from '../../format/config.js';
import { SourceFile } from '../../diagnostics/source.js';
import { formatSource } from '../../format/format.js';
import { readStdin, StdinTooLarge } from '../stdin.js';
import { defaultLimits } from '../../util/limits.js';
import type { Command } from 'commander';
import type { SetExit } from './types.js';

export interface FmtCommandOptions {
  readonly check?: boolean;
  readonly stdinFilename?: string;
  readonly root?: string;
}

export function register(program: Command, setExit: SetExit): void {
  program
    .command('fmt')
    .description(
      'format rule files in place (the canonical layout of the Prettier plugin); with --check, list unformatted files and exit 1',
    )
    .argument('[paths...]', 'rule files or directories (default: rules/); - formats standard input to standard output')
    .option('--check', 'change nothing; list the files that are not formatted and exit 1 if there are any')
    .option('--stdin-filename <path>', 'with `-`: the file name standard input stands for (diagnostics, Prettier config)')
    .option('--root <dir>', 'project root: files, symlink targets and Prettier configs outside it are not touched (default: current directory)')
    .action(async (paths: string[], opts: FmtCommandOptions) => {
      setExit(
        await runFmt(paths, {
          check: opts.check === true,
          ...(opts.stdinFilename !== undefined ? { stdinFilename: opts.stdinFilename } : {}),
          ...(opts.root !== undefined ? { root: opts.root } : {}),
        }),
      );
    });
}

export interface FmtOptions {
  /** List unformatted files and exit 1 instead of rewriting them. */
  readonly check?: boolean;
  /** With the path `-`: the file name standard input stands for (diagnostics, Prettier config). */
  readonly stdinFilename?: string;
  /** Project root (default: the current directory): files, symlink targets and Prettier configs outside it are not touched. */
  readonly root?: string;
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

/** A rule file to format: how it is shown, and the real file behind it (a symlink is formatted through, never replaced). */
interface Target {
  readonly shown: string;
  readonly real: string;
}

function inside(root: string, p: string): boolean {
  const rel = nodePath.relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + nodePath.sep) && !nodePath.isAbsolute(rel));
}

/**
 * `mtc fmt [--check] [paths...]`. Exit 0: every file is (now) formatted;
 * 1: `--check` found unformatted files, or a file has syntax errors or is not
 * UTF-8 (it is left untouched) or could not be formatted safely; 2: a path
 * does not exist or cannot be read or written.
 *
 * Rule files are read with the bounded reader (regular files only, at most
 * the rule-file limit). A symlinked rule file is formatted in place of its
 * target, which must be inside the project root; the symlink stays. Prettier
 * configs are read statically (config.ts): nothing in the tree is executed.
 */
export async function runFmt(paths: readonly string[], opts: FmtOptions = {}, io: FmtIo = defaultIo()): Promise<number> {
  if (paths.includes('-') || opts.stdinFilename !== undefined) return fmtStdin(paths, opts, io);
  const roots = paths.length ? paths : ['rules/'];
  const sources = new Map<string, SourceFile>();
  const diagnostics: Diagnostic[] = [];
  let usageError = false;
  let failed = false;
  const rootGiven = nodePath.resolve(io.cwd, opts.root ?? '.');
  let root: string;
  try {
    root = realpathSync.native(rootGiven);
  } catch (e) {
    diagnostics.push(ioError(opts.root ?? '.', e, 'cannot read the project root'));
    for (const d of diagnostics) io.stderr(renderHuman(d, { color: io.color, sources }) + '\n');
    return 2;
  }
  const targets: Target[] = [];
  for (const p of roots) {
    try {
      for (const x of collect(p, io.cwd, root, diagnostics)) targets.push(x);
    } catch (e) {
      usageError = true;
      diagnostics.push(ioError(p, e, 'cannot read'));
    }
  }
  if (diagnostics.some((d) => d.severity === 'error')) usageError = true;
  const unformatted: string[] = [];
  const configs: ConfigCache = new Map();
  const configWarned = new Set<string>();
  const seen = new Set<string>();
  for (const { shown, real } of targets) {
    if (seen.has(real)) continue; // a file and a symlink to it: formatted once
    seen.add(real);
    let bytes: Buffer;
    try {
      bytes = readRegularFile(real, { maxBytes: defaultLimits.maxFileBytes, within: root, display: shown });
    } catch (e) {
      usageError = true;
      diagnostics.push(ioError(shown, e, 'cannot read'));
      continue;
    }
    // As `mtc check` does: a file that is not UTF-8 is reported at its first bad byte and left untouched.
    const decoded = decodeUtf8(bytes, shown);
    if (decoded.diagnostic) {
      failed = true;
      sources.set(shown, new SourceFile(shown, decoded.text));
      diagnostics.push(decoded.diagnostic, untouched(shown, 'file is not valid UTF-8; it is left untouched'));
      continue;
    }
    // decodeUtf8 turns a byte order mark into a space (for offsets); the formatter sees the text as it is.
    const text = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? '\ufeff' + decoded.text.slice(1) : decoded.text;
    const config = resolveStaticConfig(real, root, configs);
    for (const d of config.diagnostics)
      if (!configWarned.has(d.message)) {
        configWarned.add(d.message);
        diagnostics.push(d);
      }
    const result = await formatSource(text, shown, { config: config.options });
    sources.set(shown, result.source);
    if (!result.ok) {
      failed = true;
      for (const x of result.diagnostics) diagnostics.push(x);
      if (result.diagnostics.some((d) => d.code !== 'MTC6004')) diagnostics.push(untouched(shown, 'file has syntax errors; it is left untouched'));
      continue;
    }
    if (!result.changed) continue;
    if (opts.check) {
      unformatted.push(shown);
      continue;
    }
    try {
      await writeAtomically(real, result.formatted);
      io.stdout(`${sanitize(shown)}\n`);
    } catch (e) {
      usageError = true;
      diagnostics.push(ioError(shown, e, 'cannot write'));
    }
  }
  for (const f of unformatted) io.stdout(`${sanitize(f)}\n`);
  if (unformatted.length) {
    const n = unformatted.length;
    diagnostics.push({
      code: 'MTC6001',
      severity: 'error',
      message: `${n} file${n === 1 ? ' is' : 's are'} not formatted`,
      help: `run \`mtc fmt ${roots.map((r) => sanitize(r)).join(' ')}\` to format ${n === 1 ? 'it' : 'them'}`,
    });
  }
  for (const d of sortDiagnostics(diagnostics)) io.stderr(renderHuman(d, { color: io.color, sources }) + '\n');
  const hint = explainHint(diagnostics);
  if (hint) io.stderr(hint + '\n');
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
  // The Prettier config of the file standard input stands for, read statically inside the project root.
  let root: string;
  try {
    root = realpathSync.native(nodePath.resolve(io.cwd, opts.root ?? '.'));
  } catch {
    root = nodePath.resolve(io.cwd, opts.root ?? '.');
  }
  const config = resolveStaticConfig(nodePath.resolve(io.cwd, opts.stdinFilename ?? 'stdin.mtc'), root, new Map());
  for (const d of config.diagnostics) io.stderr(renderHuman(d, { color: io.color, sources: new Map() }) + '\n');
  const result = await formatSource(text, name, { config: config.options });
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

function untouched(file: string, message: string): Diagnostic {
  return { code: 'MTC6003', severity: 'error', message, file, help: 'fix the errors above and run `mtc fmt` again' };
}

/**
 * The `.mtc` files under a path (sorted), or the path itself when it is a
 * file. Symlinks are followed only to targets inside the project root (a
 * symlink out of it is an error, not a file to format); each real directory
 * is walked once.
 */
function collect(p: string, cwd: string, root: string, diagnostics: Diagnostic[]): Target[] {
  const abs = nodePath.resolve(cwd, p);
  const real = realpathSync.native(abs);
  const shownRoot = p.replace(/[\\/]+$/, '') || p;
  if (!inside(root, real)) {
    diagnostics.push(outsideRoot(shownRoot, root, real !== abs));
    return [];
  }
  if (!statSync(real).isDirectory()) return [{ shown: p, real }];
  const out: Target[] = [];
  const walked = new Set<string>();
  const walk = (dir: string, shown: string, depth: number): void => {
    if (depth > 64 || walked.has(dir)) return;
    walked.add(dir);
    const names = readdirSync(dir).sort();
    for (const name of names) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const childShown = shown === '' ? name : nodePath.join(shown, name);
      let target: string;
      try {
        target = realpathSync.native(nodePath.join(dir, name));
      } catch {
        continue; // a dangling symlink
      }
      const st = statSync(target, { throwIfNoEntry: false });
      if (st === undefined) continue;
      const isRule = name.endsWith('.mtc');
      if (!st.isDirectory() && !isRule) continue;
      if (!inside(root, target)) {
        if (isRule) diagnostics.push(outsideRoot(childShown, root, true));
        continue;
      }
      if (st.isDirectory()) walk(target, childShown, depth + 1);
      else out.push({ shown: childShown, real: target });
    }
  };
  walk(real, shownRoot, 0);
  return out;
}

function outsideRoot(shown: string, root: string, symlink: boolean): Diagnostic {
  return {
    code: 'MTC6002',
    severity: 'error',
    message: `\`${shown}\` ${symlink ? 'is a symlink to a file' : 'is'} outside the project root ${root}; it is not formatted`,
    file: shown,
    help: 'mtc fmt only writes inside the project root (the current directory, or --root)',
  };
}

/**
 * Writes a temporary file next to the target, then renames it over the
 * target. `file` must be the real file (not a symlink): the rename replaces
 * the directory entry it is given.
 */
export async function writeAtomically(file: string, text: string): Promise<void> {
  const dir = nodePath.dirname(file);
  const tmp = nodePath.join(dir, `.${nodePath.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let mode: number | undefined;
  try {
    const st = await fs.lstat(file);
    if (st.isSymbolicLink()) throw Object.assign(new Error(`${file} is a symlink; write its target instead`), { code: 'ESYMLINK' });
    mode = st.mode & 0o7777;
  } catch (e) {
    if ((e as { code?: string }).code === 'ESYMLINK') throw e;
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
  const reason =
    e instanceof ReadError
      ? e.kind === 'not-regular'
        ? `it is ${e.detail}, not a regular file`
        : e.kind === 'too-large'
          ? `larger than the limit of ${e.detail} bytes`
          : e.kind === 'outside'
            ? 'outside the project root'
            : e.detail
      : code === 'ENOENT'
        ? 'no such file or directory'
        : e instanceof Error
          ? e.message
          : String(e);
  return {
    code: 'MTC6002',
    severity: 'error',
    message: `${what} \`${file}\`: ${reason}`,
    file,
    help: 'check the path; `mtc fmt` takes rule files and directories (default `rules/`)',
  };
}

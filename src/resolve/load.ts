import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type * as A from '../syntax/ast.js';
import { parseSource, type ParseResult } from '../syntax/parser.js';
import { SourceFile } from '../diagnostics/source.js';
import { defaultLimits, type Limits } from '../util/limits.js';
import { ReadError, readRegularFile } from '../util/read-file.js';

/**
 * Reading a rule tree: files and directories given by the user, and the files
 * they `include`. Includes are confined to the project root, also through
 * `..` and symlinks. The file system is an interface so that `mtc diff` can
 * read a git revision without touching the working tree.
 */

export interface FileSystem {
  /** Real (symlink-free) absolute path, or undefined if the path does not exist. */
  realpath(abs: string): string | undefined;
  /** 'file' (a regular file), 'dir' or undefined (missing, or a device, FIFO, socket...). */
  kind(abs: string): 'file' | 'dir' | undefined;
  /**
   * The bytes of a regular file, at most `maxBytes` of them: throws a
   * ReadError (src/util/read-file.ts) of kind `too-large` past the bound
   * (counted while reading, not taken from `stat`), `not-regular` for
   * anything but a regular file.
   */
  readFile(abs: string, maxBytes: number): Uint8Array;
  /** Entry names of a directory. */
  list(abs: string): string[];
}

export const nodeFileSystem: FileSystem = {
  realpath(abs) {
    try {
      return nodeFs.realpathSync.native(abs);
    } catch {
      return undefined;
    }
  },
  kind(abs) {
    try {
      const st = nodeFs.statSync(abs);
      return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
    } catch {
      return undefined;
    }
  },
  readFile(abs, maxBytes) {
    return readRegularFile(abs, { maxBytes });
  },
  list(abs) {
    return nodeFs.readdirSync(abs);
  },
};

export interface LoadedFile extends ParseResult {
  /** Display path: relative to the root, `/`-separated. */
  readonly path: string;
  readonly realPath: string;
  readonly sha256: string;
}

export interface Project {
  /** Absolute real path of the project root. */
  readonly root: string;
  /** Every file read, in a stable order (sorted by display path). */
  readonly files: readonly LoadedFile[];
  readonly diagnostics: readonly Diagnostic[];
  /** Display path → source, for code frames. */
  readonly sources: ReadonlyMap<string, SourceFile>;
  /** The limits the project was read with; later stages (chains) apply theirs from here. */
  readonly limits: Limits;
}

export interface LoadOptions {
  /** Project root; includes cannot leave it. Defaults to the current directory. */
  readonly root?: string;
  readonly limits?: Limits;
  readonly fs?: FileSystem;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Lossy = new TextDecoder('utf-8');

function shownPath(p: string): string {
  if (!nodePath.isAbsolute(p)) return p;
  const rel = nodePath.relative(process.cwd(), p);
  return rel !== '' && !rel.startsWith('..') && !nodePath.isAbsolute(rel) ? toPosix(rel) : p;
}

function toPosix(p: string): string {
  return p.split(nodePath.sep).join('/');
}

function isInside(root: string, p: string): boolean {
  const rel = nodePath.relative(root, p);
  // `..name` is a file inside the root; only `..` itself or `../…` leave it.
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + nodePath.sep) && !nodePath.isAbsolute(rel));
}

/** Decodes UTF-8; on invalid bytes reports the first one and decodes lossily. */
export function decodeUtf8(bytes: Uint8Array, path: string): { text: string; diagnostic?: Diagnostic } {
  try {
    let text = utf8.decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = ' ' + text.slice(1); // keep offsets; a BOM is whitespace
    return { text };
  } catch {
    let bad = 0;
    // Find the first invalid byte by decoding growing prefixes (only on the error path).
    for (let lo = 0, hi = bytes.length; lo < hi; ) {
      const mid = (lo + hi) >>> 1;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid + 1), { stream: true });
        lo = mid + 1;
        bad = lo;
      } catch {
        hi = mid;
        bad = mid;
      }
    }
    const text = utf8Lossy.decode(bytes);
    const prefix = utf8Lossy.decode(bytes.subarray(0, bad));
    const src = new SourceFile(path, text);
    return {
      text,
      diagnostic: {
        code: 'MTC0011',
        severity: 'error',
        message: `file is not valid UTF-8 (first bad byte at byte offset ${bad})`,
        file: path,
        span: src.span(prefix.length, prefix.length + 1),
        label: 'invalid UTF-8 here',
        help: 'rule files are UTF-8 text; check that this is the file you meant',
      },
    };
  }
}

/** Loads, parses and follows includes. Never throws for bad input: problems are diagnostics. */
export function loadProject(paths: readonly string[], options: LoadOptions = {}): Project {
  const fs = options.fs ?? nodeFileSystem;
  const limits = options.limits ?? defaultLimits;
  const rootGiven = nodePath.resolve(options.root ?? process.cwd());
  const root = fs.realpath(rootGiven) ?? rootGiven;
  const diagnostics: Diagnostic[] = [];
  const byReal = new Map<string, LoadedFile>();
  const sources = new Map<string, SourceFile>();

  const display = (real: string) => toPosix(nodePath.relative(root, real)) || nodePath.basename(real);

  const ioError = (code: string, message: string, help: string, at?: { file: string; span: A.Node['span'] }) => {
    diagnostics.push({ code, severity: 'error', message, help, ...(at ? { file: at.file, span: at.span } : {}) });
  };

  const readOne = (real: string): LoadedFile | undefined => {
    const existing = byReal.get(real);
    if (existing) return existing;
    if (byReal.size >= limits.maxFiles) {
      ioError('MTC9003', `more than ${limits.maxFiles} rule files`, 'check for runaway includes, or raise --max-files');
      return undefined;
    }
    const path = display(real);
    let parsed: ParseResult;
    let sha = '';
    let bytes: Uint8Array | undefined;
    try {
      // Bounded while reading: a device or an endless file stops at the limit.
      bytes = fs.readFile(real, limits.maxFileBytes);
    } catch (e) {
      if (!(e instanceof ReadError && e.kind === 'too-large')) {
        const why = e instanceof ReadError ? (e.kind === 'not-regular' ? `it is ${e.detail}, not a regular file` : e.detail) : (e as Error).message;
        ioError('MTC9002', `cannot read ${path}: ${why}`, 'rule files must be regular files; check the path and its permissions');
        return undefined;
      }
    }
    if (bytes === undefined) {
      parsed = parseSource(new SourceFile(path, ''), { limits });
      parsed.diagnostics.push({
        code: 'MTC0009',
        severity: 'error',
        message: `file is larger than the limit of ${limits.maxFileBytes} bytes`,
        file: path,
        help: 'split the rules into several files joined with `include`, or raise --max-file-size',
      });
    } else {
      sha = createHash('sha256').update(bytes).digest('hex');
      const { text, diagnostic } = decodeUtf8(bytes, path);
      parsed = parseSource(new SourceFile(path, text), { limits });
      if (diagnostic) parsed.diagnostics.unshift(diagnostic);
    }
    const loaded: LoadedFile = { ...parsed, path, realPath: real, sha256: sha };
    byReal.set(real, loaded);
    sources.set(path, parsed.source);
    return loaded;
  };

  /**
   * Depth-first over includes. `visiting` while a file's includes are being
   * followed (it is on the stack), `done` after; an include of a `visiting`
   * file closes a cycle.
   */
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (file: LoadedFile, stack: string[]) => {
    state.set(file.realPath, 'visiting');
    for (const st of file.ast.statements) {
      if (st.kind !== 'Include' || !st.path) continue;
      const at = { file: file.path, span: st.path.span };
      const rel = st.path.value;
      if (rel === '' || rel.includes('\0')) {
        ioError('MTC1015', 'include path is empty or invalid', 'write a path relative to this file', at);
        continue;
      }
      const target = nodePath.resolve(nodePath.dirname(file.realPath), rel);
      const real = fs.realpath(target);
      if (!isInside(root, target) || (real !== undefined && !isInside(root, real))) {
        diagnostics.push({
          code: 'MTC1016',
          severity: 'error',
          message: `include \`${rel.slice(0, 80)}\` leaves the project root`,
          file: file.path,
          span: st.path.span,
          label: real && isInside(root, target) ? 'a symlink that points outside the root' : 'outside the root',
          help: `included files must be inside ${root} (set another root with --root)`,
        });
        continue;
      }
      if (real === undefined || fs.kind(real) !== 'file') {
        diagnostics.push({
          code: 'MTC1015',
          severity: 'error',
          message: `included file \`${rel.slice(0, 80)}\` does not exist`,
          file: file.path,
          span: st.path.span,
          label: 'not found',
          help: 'include paths are relative to the including file',
        });
        continue;
      }
      if (state.get(real) === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(real)), real].map(display).join(' -> ');
        diagnostics.push({
          code: 'MTC1017',
          severity: 'error',
          message: `include cycle: ${cycle}`,
          file: file.path,
          span: st.path.span,
          label: 'this include closes the cycle',
          help: 'remove one of the includes; a file is read once however often it is included',
        });
        continue;
      }
      if (stack.length >= limits.maxIncludeDepth) {
        diagnostics.push({
          code: 'MTC1018',
          severity: 'error',
          message: `includes are nested more than ${limits.maxIncludeDepth} deep`,
          file: file.path,
          span: st.path.span,
          help: 'flatten the include structure',
        });
        continue;
      }
      // Depth-first with states, so each file is expanded once: linear in the include graph.
      if (state.get(real) === 'done') continue;
      const child = readOne(real);
      if (child) {
        stack.push(real);
        visit(child, stack);
        stack.pop();
      }
    }
    state.set(file.realPath, 'done');
  };

  // Each real directory is walked once, so symlink loops inside the root end.
  const walked = new Set<string>();
  const walk = (dir: string, out: string[], depth: number) => {
    if (depth > 64 || walked.has(dir)) return;
    walked.add(dir);
    let names: string[];
    try {
      names = fs.list(dir).sort();
    } catch (e) {
      ioError('MTC9002', `cannot read directory ${display(dir)}: ${(e as Error).message}`, 'check its permissions');
      return;
    }
    for (const name of names) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const abs = nodePath.join(dir, name);
      const real = fs.realpath(abs);
      if (!real || !isInside(root, real)) continue;
      const k = fs.kind(real);
      if (k === 'dir') walk(real, out, depth + 1);
      else if (k === 'file' && name.endsWith('.mtc')) out.push(real);
      // A FIFO or a device named like a rule file is not silently skipped: reading it reports why.
      else if (k === undefined && name.endsWith('.mtc')) out.push(real);
    }
  };

  const roots: string[] = [];
  for (const p of paths) {
    const abs = nodePath.resolve(root, p);
    const real = fs.realpath(abs);
    if (!real) {
      ioError('MTC9002', `no such file or directory: ${p}`, 'check the path');
      continue;
    }
    if (!isInside(root, real)) {
      ioError('MTC1016', `${p} is outside the project root ${root}`, 'give paths inside the project, or a --root that contains them');
      continue;
    }
    if (fs.kind(real) === 'dir') walk(real, roots, 0);
    else roots.push(real);
  }
  for (const real of [...new Set(roots)].sort()) {
    if (state.has(real)) continue;
    const f = readOne(real);
    if (f) visit(f, [real]);
  }
  // Nothing to read is an error, not an empty build: `mtc build` would otherwise remove every output.
  if (byReal.size === 0 && !diagnostics.some((d) => d.severity === 'error'))
    diagnostics.push({
      code: 'MTC9005',
      severity: 'error',
      // Paths as the user wrote them: relative to the current directory when they are inside it.
      message: `no rule files (*.mtc) in ${paths.length > 0 ? paths.map((p) => `\`${shownPath(p)}\``).join(', ') : 'the given paths'}`,
      help: 'give the directory that holds the rule files (default: rules/), or a rule file',
    });

  const files = [...byReal.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of files) for (const x of f.diagnostics) diagnostics.push(x);
  return { root, files, diagnostics, sources, limits };
}

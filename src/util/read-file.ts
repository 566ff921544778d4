/**
 * The one way mtc reads a file it did not write itself: rule files, catalogs,
 * kernel histories, host profiles, review configs, policies, build documents,
 * files in an output directory, the `--qemu-tree` virt.c, `explain` logs.
 *
 * - Only regular files: the file is opened without blocking (a FIFO cannot
 *   hang the open) and checked with fstat on the open descriptor, so a
 *   device (`/dev/zero`), a FIFO, a socket or a directory is refused.
 * - Bounded while reading: at most `maxBytes + 1` bytes are ever read,
 *   whatever `stat` says (it says 0 for devices and for /proc files).
 * - Confined on request: `within` refuses a file whose real path (after
 *   every symlink) is outside a directory; `noSymlinks` refuses a symlink in
 *   any component of the path below `within` (or the last component).
 * - Errors say what is wrong with the file, never what is in it.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';

export type ReadFailure = 'missing' | 'not-regular' | 'symlink' | 'outside' | 'too-large' | 'not-utf8' | 'io';

/** Why a file was not read. The message names the file and the reason, never its content. */
export class ReadError extends Error {
  constructor(
    readonly kind: ReadFailure,
    message: string,
    /** Short reason without the file name: `ENOENT`, `a FIFO`, `EACCES`. */
    readonly detail: string = kind,
  ) {
    super(message);
    this.name = 'ReadError';
  }
}

export interface ReadOptions {
  /** Most bytes accepted; one more byte makes a `too-large` error. */
  readonly maxBytes: number;
  /** The file's real path must be inside this directory. */
  readonly within?: string;
  /** Refuse symlinks in the path (below `within` when given, else in the last component). */
  readonly noSymlinks?: boolean;
  /** How the file is named in messages (default: the path as given). */
  readonly display?: string;
}

const CHUNK = 64 * 1024;

function isInside(root: string, p: string): boolean {
  const rel = nodePath.relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + nodePath.sep) && !nodePath.isAbsolute(rel));
}

function errnoOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? 'EIO';
}

/** `not a regular file (a FIFO)` and the like, from a Stats. */
export function describeKind(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symlink';
  return 'not a regular file';
}

/**
 * Refuses a symlink in any component of `abs` from `root` down (both
 * absolute). Components that do not exist end the walk (the open reports it).
 */
export function assertNoSymlinks(root: string, abs: string, display: string): void {
  const rel = nodePath.relative(root, abs);
  if (rel === '') return;
  if (!isInside(root, abs)) throw new ReadError('outside', `${display} is outside ${root}`, 'outside');
  let cur = root;
  for (const part of rel.split(nodePath.sep)) {
    cur = nodePath.join(cur, part);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(cur);
    } catch {
      return;
    }
    if (st.isSymbolicLink()) throw new ReadError('symlink', `${display}: \`${nodePath.relative(root, cur)}\` is a symlink; mtc does not follow symlinks here`, 'a symlink');
  }
}

/** Reads a regular file, bounded and optionally confined. Throws ReadError. */
export function readRegularFile(path: string, opts: ReadOptions): Buffer {
  const display = opts.display ?? path;
  let target = nodePath.resolve(path);
  if (opts.within !== undefined) {
    const root = fs.realpathSync.native(nodePath.resolve(opts.within));
    if (opts.noSymlinks) assertNoSymlinks(root, nodePath.resolve(root, nodePath.relative(nodePath.resolve(opts.within), target)), display);
    let real: string;
    try {
      real = fs.realpathSync.native(target);
    } catch (e) {
      if (errnoOf(e) === 'ENOENT' || errnoOf(e) === 'ENOTDIR') throw new ReadError('missing', `${display} does not exist`, 'ENOENT');
      throw new ReadError('io', `cannot read ${display}: ${errnoOf(e)}`, errnoOf(e));
    }
    if (!isInside(root, real)) throw new ReadError('outside', `${display} is outside ${root}${real !== target ? ' (through a symlink)' : ''}`, 'outside');
    target = real;
  }
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer.
    // O_NOFOLLOW: with noSymlinks, the last component cannot be a symlink either.
    const flags = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (opts.noSymlinks ? (fs.constants.O_NOFOLLOW ?? 0) : 0);
    fd = fs.openSync(target, flags);
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ReadError('missing', `${display} does not exist`, 'ENOENT');
    if (code === 'ELOOP') throw new ReadError('symlink', `${display} is a symlink; mtc does not follow symlinks here`, 'a symlink');
    if (code === 'ENXIO') throw new ReadError('not-regular', `${display} is a socket, not a regular file`, 'a socket');
    if (code === 'EISDIR') throw new ReadError('not-regular', `${display} is a directory, not a regular file`, 'a directory');
    throw new ReadError('io', `cannot read ${display}: ${code}`, code);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) {
      const what = describeKind(st);
      throw new ReadError('not-regular', `${display} is ${what === 'not a regular file' ? what : `${what}, not a regular file`}`, what);
    }
    return readBounded(fd, opts.maxBytes, display);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads from an open descriptor until end of file, refusing more than `maxBytes`. */
export function readBounded(fd: number, maxBytes: number, display: string): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const want = Math.min(CHUNK, maxBytes + 1 - total);
    const buf = Buffer.allocUnsafe(Math.max(1, want));
    let n: number;
    try {
      n = fs.readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      const code = errnoOf(e);
      if (code === 'EAGAIN') {
        // A non-blocking pipe with nothing in it yet (stdin): wait for data without spinning.
        waitBriefly();
        continue;
      }
      if (code === 'EOF') break; // Windows: the writer closed the pipe
      throw new ReadError('io', `cannot read ${display}: ${code}`, code);
    }
    if (n === 0) break;
    total += n;
    if (total > maxBytes) throw new ReadError('too-large', `${display} is larger than the limit of ${maxBytes} bytes`, String(maxBytes));
    chunks.push(n === buf.length ? buf : buf.subarray(0, n));
  }
  return Buffer.concat(chunks, total);
}

// Made on first use: V8 cannot put a SharedArrayBuffer in the start-up snapshot.
let sleeper: Int32Array | undefined;
function waitBriefly(): void {
  Atomics.wait((sleeper ??= new Int32Array(new SharedArrayBuffer(4))), 0, 0, 5);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text of a regular file (a leading BOM dropped), bounded and confined like readRegularFile. */
export function readRegularText(path: string, opts: ReadOptions): string {
  const bytes = readRegularFile(path, opts);
  return decodeUtf8Strict(bytes, opts.display ?? path);
}

/** Strict UTF-8 decoding (a leading BOM dropped); ReadError `not-utf8` otherwise. */
export function decodeUtf8Strict(bytes: Uint8Array, display: string): string {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new ReadError('not-utf8', `${display} is not valid UTF-8`, 'not UTF-8');
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Standard input, bounded (a pipe, a terminal or a redirected file; `< /dev/zero` stops at the limit). */
export function readStdinBounded(maxBytes: number): Buffer {
  return readBounded(0, maxBytes, 'standard input');
}

/**
 * Where JSON.parse failed (` at position 4`), or ''. V8's own message quotes
 * the start of the text (`Unexpected token 'r', "root:x:0:0:…" is not valid
 * JSON`), which would echo a file that may not be what it claims to be.
 */
export function jsonErrorWhere(e: unknown): string {
  const m = /at position (\d+)/.exec(e instanceof Error ? e.message : '');
  return m ? ` at position ${m[1]}` : '';
}

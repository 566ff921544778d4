/**
 * Outputs written one at a time, in pieces (issue 16: a build of 10 MB of
 * rules makes ~100 MB of outputs, which must never be in memory at once).
 *
 * `stageOutput` writes one output into the transaction's staging directory
 * (`OUT/.mtc-txn/new/`, see out-dir.ts) while comparing it, piece by piece,
 * with the file on disk; an unchanged output's staged copy is removed at
 * once. `compareOutput` does the comparison alone (`build --check`). Pieces
 * are gathered to about 64 KB before each write.
 */
import fs from 'node:fs';
import * as nodePath from 'node:path';
import { createHash, type Hash } from 'node:crypto';
import { confined, discard, OutDirError, TXN_DIR } from './out-dir.js';

/**
 * The staging directory of a transaction, created empty (the caller holds the
 * lock and has run `recover`, so no transaction is under way). Files staged
 * there are named `n<number>`; a kill before the journal leaves them to the
 * next build's `recover`, which removes them.
 */
export function openStaging(root: string): string {
  const dir = nodePath.join(root, TXN_DIR, 'new');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Removes a staging directory after a failure before any journal (nothing else was changed). */
export function discardStaging(root: string): void {
  discard(nodePath.join(root, TXN_DIR));
}

/** One output file: its path below the output directory and how to write its text in pieces. */
export interface Output {
  readonly path: string;
  write(sink: (chunk: string) => void): void;
}

/** The whole text of an output (for `generate`, the tests, and diffs of small files). */
export function outputText(o: Output): string {
  const parts: string[] = [];
  o.write((c) => parts.push(c));
  return parts.join('');
}

const FLUSH_AT = 64 * 1024;

/** Reads and compares a file on disk against the bytes given, in order. */
class DiskCompare {
  private pos = 0;
  same = true;
  constructor(private readonly fd: number | undefined) {
    if (fd === undefined) this.same = false;
  }
  next(buf: Buffer): void {
    if (!this.same || this.fd === undefined) return;
    if (buf.length <= SCRATCH_BYTES) readScratch ??= Buffer.allocUnsafe(SCRATCH_BYTES);
    const disk = buf.length <= SCRATCH_BYTES ? readScratch!.subarray(0, buf.length) : Buffer.allocUnsafe(buf.length);
    let got = 0;
    while (got < buf.length) {
      const n = fs.readSync(this.fd, disk, got, buf.length - got, this.pos + got);
      if (n === 0) break;
      got += n;
    }
    this.pos += got;
    if (got !== buf.length || !disk.equals(buf)) this.same = false;
  }
  /** Whether the disk file ended where the output did. */
  end(): boolean {
    if (!this.same || this.fd === undefined) return false;
    return fs.readSync(this.fd, Buffer.alloc(1), 0, 1, this.pos) === 0;
  }
}

/**
 * One encoding buffer and one read buffer for every output: a new Buffer per
 * piece would be memory outside the heap until the next collection (tens of
 * MB on a large build).
 */
const SCRATCH_BYTES = 4 * FLUSH_AT;
let scratch: Buffer | undefined;
let readScratch: Buffer | undefined;

/** Writes an output's pieces in batches of about FLUSH_AT characters to `each`, as UTF-8 (the bytes are only valid during the call). */
function pump(o: Output, each: (buf: Buffer) => void): void {
  let pending: string[] = [];
  let size = 0;
  const flush = () => {
    if (pending.length === 0) return;
    const text = pending.length === 1 ? pending[0] : pending.join('');
    pending = [];
    size = 0;
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (text.length * 3 <= SCRATCH_BYTES) {
      scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES);
      each(scratch.subarray(0, scratch.write(text, 0, 'utf8')));
    } else each(Buffer.from(text, 'utf8'));
  };
  o.write((chunk) => {
    pending.push(chunk);
    size += chunk.length;
    if (size >= FLUSH_AT) flush();
  });
  flush();
}

/** Opens a regular file below the root for reading, never through a symlink; undefined when missing. */
function openExisting(root: string, rel: string, shown: string): number | undefined {
  const c = confined(root, rel, shown);
  if (!c.exists) return undefined;
  if (c.isDir) throw new OutDirError('MTC3023', `${nodePath.join(shown, rel)} is a directory, not a regular file`, 'remove it; mtc only replaces regular files it generated');
  try {
    return fs.openSync(c.abs, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new OutDirError('MTC3023', `${nodePath.join(shown, rel)} is a symlink; mtc does not write through symlinks`, 'remove the symlink');
    throw e;
  }
}

export interface StageResult {
  /** False when the file on disk already holds exactly this output (nothing staged). */
  readonly changed: boolean;
  /** Whether a file is at the path now. */
  readonly exists: boolean;
  /** The first bytes of the file on disk (for the not-generated-by-mtc check), when changed and present. */
  readonly head?: string;
  readonly sha256: string;
}

/** Most of an existing file read to tell whether mtc generated it. */
const HEAD_BYTES = 64 * 1024;

/**
 * Writes output `o` to `stagedAbs` (created, must not exist) and compares it
 * with the file at its path below `root`. An unchanged output's staged copy
 * is removed before returning.
 */
export function stageOutput(root: string, shown: string, o: Output, stagedAbs: string): StageResult {
  const diskFd = openExisting(root, o.path, shown);
  let out: number | undefined;
  try {
    out = fs.openSync(stagedAbs, 'wx');
    const cmp = new DiskCompare(diskFd);
    const hash: Hash = createHash('sha256');
    pump(o, (buf) => {
      let off = 0;
      while (off < buf.length) off += fs.writeSync(out!, buf, off, buf.length - off);
      hash.update(buf);
      cmp.next(buf);
    });
    const unchanged = cmp.end();
    fs.closeSync(out);
    out = undefined;
    const sha256 = hash.digest('hex');
    if (unchanged) {
      fs.unlinkSync(stagedAbs);
      return { changed: false, exists: true, sha256 };
    }
    let head: string | undefined;
    if (diskFd !== undefined) {
      const b = Buffer.alloc(HEAD_BYTES);
      const n = fs.readSync(diskFd, b, 0, HEAD_BYTES, 0);
      head = b.subarray(0, n).toString('utf8');
    }
    return { changed: true, exists: diskFd !== undefined, sha256, ...(head !== undefined ? { head } : {}) };
  } finally {
    if (out !== undefined) fs.closeSync(out);
    if (diskFd !== undefined) fs.closeSync(diskFd);
  }
}

/** Largest file `--check` shows a diff of. */
export const MAX_DIFF_BYTES = 4 * 1024 * 1024;

/**
 * `--check` of one output: `same`, `missing` or `changed`; for a change,
 * whether both sides are small enough to show a diff of.
 */
export function compareOutput(root: string, shown: string, o: Output): { state: 'same' | 'missing' | 'changed'; small: boolean } {
  const diskFd = openExisting(root, o.path, shown);
  if (diskFd === undefined) return { state: 'missing', small: false };
  try {
    const cmp = new DiskCompare(diskFd);
    let size = 0;
    pump(o, (buf) => {
      size += buf.length;
      cmp.next(buf);
    });
    if (cmp.end()) return { state: 'same', small: true };
    return { state: 'changed', small: size <= MAX_DIFF_BYTES && fs.fstatSync(diskFd).size <= MAX_DIFF_BYTES };
  } finally {
    fs.closeSync(diskFd);
  }
}

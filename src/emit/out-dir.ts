/**
 * The output directory of `mtc build` as a small transactional store.
 *
 * Confinement: mtc reads, writes and removes only paths made of plain names
 * (`[A-Za-z0-9._-]`, no `.`/`..`) below the directory, never through a
 * symlink (every component is checked with lstat), and only regular files.
 *
 * Serialisation (./out-lock.ts): a build holds `OUT/.mtc-lock` while it decides what to
 * change and changes it. The lock file is created with link(2) (atomic, with
 * its content); it names the holder (pid, boot id, process start time), so a
 * lock whose holder is gone (killed, another boot, a lock committed to git) is
 * broken, and a live holder is waited for.
 *
 * Atomicity: every new file is first written to `OUT/.mtc-txn/new/`, every
 * file that will be replaced or removed is hard-linked into
 * `OUT/.mtc-txn/old/`, and a journal naming all of them is renamed into place.
 * Only then are the new files renamed over the old ones and stale ones
 * removed; removing the journal commits. A failure before the journal
 * changes nothing; a failure after it is rolled back at once; a kill after it
 * is rolled back by the next `mtc build` (with or without --check), before
 * anything else. So the directory always reads as the previous complete build
 * or the new complete build. Rollback checks content hashes, so a journal
 * planted in a pull request cannot make mtc remove or replace anything else.
 *
 * This module uses the default export of node:fs (the mutable module object)
 * so that tests can inject faults into individual calls.
 */
import fs from 'node:fs';
import * as nodePath from 'node:path';
import { createHash } from 'node:crypto';
import { ReadError, readRegularFile } from '../util/read-file.js';

export const LOCK_FILE = '.mtc-lock';
/** The manifest of a build (written by build.ts through a transaction like every output). */
export const MANIFEST = '.mtc-manifest';
export const TXN_DIR = '.mtc-txn';
const JOURNAL = 'journal';

/** A problem with the output directory, reported as the diagnostic `code`. */
export class OutDirError extends Error {
  constructor(
    readonly code: 'MTC3020' | 'MTC3023' | 'MTC3024' | 'MTC3025',
    message: string,
    readonly help: string,
    readonly file?: string,
    readonly line?: number,
    /** The directory cannot be written at all (read-only file system, no permission). */
    readonly readOnly = false,
  ) {
    super(message);
  }
}

export const READ_ONLY = new Set(['EACCES', 'EPERM', 'EROFS']);

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** A path mtc may own below an output directory: plain `/`-separated names, none starting with `.` (mtc's own files do). */
export function isOwnablePath(p: string): boolean {
  if (p.length === 0 || p.length > 1024) return false;
  return p.split('/').every((s) => SEGMENT.test(s));
}

export const errno = (e: unknown) => (e as NodeJS.ErrnoException).code ?? 'EIO';

export function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (e) {
    if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** Whether process `pid` runs (EPERM: it does, as another user). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errno(e) === 'EPERM';
  }
}

function kindOf(st: fs.Stats): string {
  return st.isSymbolicLink() ? 'a symlink' : st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isFile() ? 'a file' : 'a device or socket';
}

/**
 * The output directory, checked: it is created when missing, and must be a
 * directory, not a symlink (mtc would otherwise write wherever it points).
 */
export function openOutDir(dir: string, create: boolean): string | undefined {
  const abs = nodePath.resolve(dir);
  const st = lstatOrUndefined(abs);
  if (st === undefined) {
    if (!create) return undefined;
    fs.mkdirSync(abs, { recursive: true });
    return abs;
  }
  if (st.isSymbolicLink())
    throw new OutDirError('MTC3023', `the output directory ${dir} is a symlink; mtc does not write through symlinks`, 'pass the directory it points to with --out, or replace the symlink by a directory');
  if (!st.isDirectory()) throw new OutDirError('MTC3023', `the output directory ${dir} is ${kindOf(st)}, not a directory`, 'choose another --out directory');
  return abs;
}

/**
 * The absolute path of `rel` below `root`, after checking that no component
 * is a symlink and every parent is a directory. The last component may be
 * missing; when present it must be a regular file (or a directory if `dirOk`).
 * Returns whether it exists.
 */
export function confined(root: string, rel: string, shown: string): { abs: string; exists: boolean; isDir: boolean } {
  const parts = rel.split('/');
  let cur = root;
  for (let i = 0; i < parts.length; i++) {
    cur = nodePath.join(cur, parts[i]);
    const st = lstatOrUndefined(cur);
    const sub = parts.slice(0, i + 1).join('/');
    if (st === undefined) return { abs: nodePath.join(root, ...parts), exists: false, isDir: false };
    if (st.isSymbolicLink())
      throw new OutDirError('MTC3023', `${nodePath.join(shown, sub)} is a symlink; mtc does not read, write or remove through symlinks in the output directory`, 'remove the symlink (outputs are regular files in plain directories)');
    if (i < parts.length - 1 && !st.isDirectory())
      throw new OutDirError('MTC3023', `${nodePath.join(shown, sub)} is ${kindOf(st)}, not a directory`, 'remove it; mtc needs a directory there for its outputs');
    if (i === parts.length - 1) {
      if (st.isDirectory()) return { abs: cur, exists: true, isDir: true };
      if (!st.isFile()) throw new OutDirError('MTC3023', `${nodePath.join(shown, sub)} is ${kindOf(st)}, not a regular file`, 'remove it; mtc only replaces regular files it generated');
    }
  }
  return { abs: cur, exists: true, isDir: false };
}

/** Reads a regular file below the output directory (no symlinks), at most maxBytes; undefined when missing. */
export function readConfined(root: string, rel: string, shown: string, maxBytes: number): { text?: string; tooLarge: boolean } {
  const c = confined(root, rel, shown);
  if (!c.exists) return { tooLarge: false };
  if (c.isDir) throw new OutDirError('MTC3023', `${nodePath.join(shown, rel)} is a directory, not a regular file`, 'remove it; mtc only replaces regular files it generated');
  try {
    return { text: readRegularFile(c.abs, { maxBytes, within: root, noSymlinks: true, display: nodePath.join(shown, rel) }).toString('utf8'), tooLarge: false };
  } catch (e) {
    if (e instanceof ReadError && e.kind === 'too-large') return { tooLarge: true };
    if (e instanceof ReadError && e.kind === 'missing') return { tooLarge: false };
    if (e instanceof ReadError) throw new OutDirError('MTC3023', e.message, 'remove it; mtc only reads regular files in the output directory');
    throw e;
  }
}

/* ---------------------------------------------------------- transaction */

interface JournalWrite {
  readonly path: string;
  readonly staged: string;
  readonly backup: string | null;
  readonly sha256: string;
}
interface JournalRemove {
  readonly path: string;
  readonly backup: string;
}
interface Journal {
  readonly format: 'mtc-txn';
  readonly version: 1;
  readonly write: JournalWrite[];
  readonly remove: JournalRemove[];
  /** Directories the transaction created (parents of new files), outermost first. */
  readonly dirs: string[];
}

/** A file already written to the staging directory (out-stage.ts): its name there and its hash. */
export interface StagedFile {
  readonly staged: string;
  readonly sha256: string;
}

export interface Change {
  /** Files to write: relative path → content, or a file already staged (openStaging). */
  readonly write: ReadonlyMap<string, string | StagedFile>;
  /** Files to remove (relative paths, each checked to be a regular file). */
  readonly remove: readonly string[];
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

function fileSha(p: string): string | undefined {
  try {
    const st = fs.lstatSync(p);
    if (!st.isFile()) return undefined;
    return sha256(readRegularFile(p, { maxBytes: MAX_OUTPUT_BYTES, noSymlinks: true }));
  } catch {
    return undefined;
  }
}

/** Largest output file whose hash a rollback computes (far above any real output). */
const MAX_OUTPUT_BYTES = 1024 * 1024 * 1024;

/** Ensures the parent directories of `rel` exist as real directories; returns the ones it created. */
function makeParents(root: string, rel: string, shown: string, created: string[]): void {
  const parts = rel.split('/').slice(0, -1);
  let cur = root;
  for (let i = 0; i < parts.length; i++) {
    cur = nodePath.join(cur, parts[i]);
    const st = lstatOrUndefined(cur);
    if (st === undefined) {
      fs.mkdirSync(cur);
      created.push(parts.slice(0, i + 1).join('/'));
    } else if (!st.isDirectory() || st.isSymbolicLink())
      throw new OutDirError('MTC3023', `${nodePath.join(shown, parts.slice(0, i + 1).join('/'))} is ${kindOf(st)}, not a directory`, 'remove it; mtc needs a directory there for its outputs');
  }
}

function removeDirs(root: string, dirs: readonly string[]): void {
  for (const d of [...dirs].reverse()) {
    try {
      fs.rmdirSync(nodePath.join(root, d));
    } catch {
      // not empty (something else is there now) or already gone: leave it
    }
  }
}

/**
 * Applies a change atomically (see the top of this file). The caller holds
 * the lock and has checked every path with `confined`. Throws OutDirError
 * MTC3020 on an I/O failure, after restoring the previous state.
 */
export function applyChange(root: string, shown: string, change: Change): void {
  const txn = nodePath.join(root, TXN_DIR);
  const created: string[] = [];
  const journal: Journal = { format: 'mtc-txn', version: 1, write: [], remove: [], dirs: created };
  let journaled = false;
  try {
    fs.mkdirSync(nodePath.join(txn, 'new'), { recursive: true });
    fs.mkdirSync(nodePath.join(txn, 'old'));
    // Names of files staged before: texts given here are staged after them.
    let n = 0;
    for (const content of change.write.values()) if (typeof content !== 'string') n = Math.max(n, Number(content.staged.slice(1)) + 1);
    for (const [path, content] of change.write) {
      const staged = typeof content === 'string' ? `n${n}` : content.staged;
      if (typeof content === 'string') fs.writeFileSync(nodePath.join(txn, 'new', staged), content, { flag: 'wx' });
      const hash = typeof content === 'string' ? sha256(content) : content.sha256;
      const final = confined(root, path, shown);
      let backup: string | null = null;
      if (final.exists) {
        backup = `o${n}`;
        keepOld(final.abs, nodePath.join(txn, 'old', backup));
      }
      journal.write.push({ path, staged, backup, sha256: hash });
      n++;
    }
    for (const path of change.remove) {
      const final = confined(root, path, shown);
      if (!final.exists || final.isDir) continue;
      const backup = `o${n++}`;
      keepOld(final.abs, nodePath.join(txn, 'old', backup));
      journal.remove.push({ path, backup });
    }
    for (const w of journal.write) makeParents(root, w.path, shown, created);
    const tmp = nodePath.join(txn, `${JOURNAL}.tmp`);
    fs.writeFileSync(tmp, JSON.stringify(journal) + '\n', { flag: 'wx' });
    fs.renameSync(tmp, nodePath.join(txn, JOURNAL));
    journaled = true;
    for (const w of journal.write) fs.renameSync(nodePath.join(txn, 'new', w.staged), nodePath.join(root, ...w.path.split('/')));
    for (const r of journal.remove) fs.unlinkSync(nodePath.join(root, ...r.path.split('/')));
    // The commit point: without a journal, nothing is rolled back.
    fs.unlinkSync(nodePath.join(txn, JOURNAL));
  } catch (e) {
    if (e instanceof OutDirError && !journaled) {
      discard(txn);
      removeDirs(root, created);
      throw e;
    }
    let restored = true;
    try {
      if (journaled) rollback(root, txn, journal);
      discard(txn);
      removeDirs(root, created);
    } catch {
      restored = false;
    }
    const why = e instanceof OutDirError ? e.message : `${errno(e)}${e instanceof Error && !(e as NodeJS.ErrnoException).code ? `: ${e.message}` : ''}`;
    throw new OutDirError(
      'MTC3020',
      `cannot write the outputs in ${shown}: ${why}`,
      restored
        ? 'nothing was changed; check permissions and free space'
        : `the previous outputs could not all be restored; the next \`mtc build\` restores them (${nodePath.join(shown, TXN_DIR)} holds them)`,
    );
  }
  // Committed. What is left is the old versions; a kill from here on leaves no journal, so the next build just deletes them.
  try {
    discard(txn);
  } catch {
    // the next build removes it
  }
}

/** The previous version of a file, kept for rollback: a hard link (no copy), or a copy where links are not supported. */
function keepOld(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch (e) {
    if (!['EPERM', 'EXDEV', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK'].includes(errno(e))) throw e;
    fs.copyFileSync(from, to, fs.constants.COPYFILE_EXCL);
  }
}

/** Removes a transaction directory (a symlink there is removed, not followed). */
export function discard(txn: string): void {
  const st = lstatOrUndefined(txn);
  if (st === undefined) return;
  // rmSync does not follow symlinks: a symlink is removed, not what it points to.
  fs.rmSync(txn, { recursive: st.isDirectory() && !st.isSymbolicLink(), force: true });
}

function rollback(root: string, txn: string, j: Journal): void {
  const old = (b: string) => nodePath.join(txn, 'old', b);
  const final = (p: string) => nodePath.join(root, ...p.split('/'));
  for (const w of j.write) {
    const f = final(w.path);
    if (w.backup === null) {
      // A file that did not exist before: remove it only if it is the one this build wrote.
      if (fileSha(f) === w.sha256) fs.unlinkSync(f);
      continue;
    }
    const b = old(w.backup);
    const bs = lstatOrUndefined(b);
    if (bs === undefined || !bs.isFile()) continue; // restored already
    const cur = fileSha(f);
    if (lstatOrUndefined(f) === undefined || cur === w.sha256 || cur === fileSha(b)) fs.renameSync(b, f);
  }
  for (const r of j.remove) {
    const b = old(r.backup);
    const bs = lstatOrUndefined(b);
    if (bs === undefined || !bs.isFile()) continue;
    if (lstatOrUndefined(final(r.path)) === undefined) fs.renameSync(b, final(r.path));
  }
  removeDirs(root, j.dirs);
}

function validJournal(v: unknown): v is Journal {
  const j = v as Journal;
  const name = (s: unknown, re: RegExp) => typeof s === 'string' && re.test(s);
  const output = (p: unknown) => typeof p === 'string' && (p === MANIFEST || isOwnablePath(p));
  return (
    typeof j === 'object' &&
    j !== null &&
    j.format === 'mtc-txn' &&
    j.version === 1 &&
    Array.isArray(j.write) &&
    Array.isArray(j.remove) &&
    Array.isArray(j.dirs) &&
    j.write.every((w) => output(w.path) && name(w.staged, /^n[0-9]{1,9}$/) && (w.backup === null || name(w.backup, /^o[0-9]{1,9}$/)) && name(w.sha256, /^[0-9a-f]{64}$/)) &&
    j.remove.every((r) => output(r.path) && name(r.backup, /^o[0-9]{1,9}$/)) &&
    j.dirs.every((d) => typeof d === 'string' && isOwnablePath(d))
  );
}

/**
 * Finishes what an interrupted build left (the caller holds the lock): rolls
 * back a transaction whose journal is still there, removes its staging
 * directory and stray lock files. Returns what it did, for a warning.
 */
export function recover(root: string, shown: string): string | undefined {
  const txn = nodePath.join(root, TXN_DIR);
  let did: string | undefined;
  const st = lstatOrUndefined(txn);
  if (st !== undefined) {
    did = `removed ${nodePath.join(shown, TXN_DIR)}, left by an interrupted build`;
    if (st.isDirectory() && !st.isSymbolicLink()) {
      let journal: unknown;
      try {
        const text = readRegularFile(nodePath.join(txn, JOURNAL), { maxBytes: 16 * 1024 * 1024, within: root, noSymlinks: true }).toString('utf8');
        journal = JSON.parse(text);
      } catch {
        journal = undefined;
      }
      if (validJournal(journal)) {
        // Every path it names is checked again: nothing is done through a symlink.
        for (const p of [...journal.write.map((w) => w.path), ...journal.remove.map((r) => r.path)]) confined(root, p, shown);
        rollback(root, txn, journal);
        did = `restored the previous outputs in ${shown}: a build was interrupted while replacing them`;
      }
    }
    discard(txn);
  }
  // Private files of lock takers that were killed between their two steps.
  for (const name of fs.readdirSync(root)) {
    const m = /^\.mtc-lock\.([0-9]+)\.[0-9a-f]{8}$/.exec(name);
    if (m && !alive(Number(m[1]))) fs.rmSync(nodePath.join(root, name), { force: true });
  }
  return did;
}

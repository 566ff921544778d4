/**
 * The lock of an output directory (see ./out-dir.ts): `OUT/.mtc-lock`,
 * created with link(2) so that it appears atomically with its content, names
 * its holder (pid, boot id, process start time); a lock whose holder is gone
 * is broken, a live holder is waited for.
 *
 * Uses the default export of node:fs (the mutable module object) so that
 * tests can inject faults into individual calls.
 */
import fs from 'node:fs';
import * as nodePath from 'node:path';
import { randomBytes } from 'node:crypto';
import { readRegularFile } from '../util/read-file.js';
import { deferSignals } from '../util/signals.js';
import { alive, errno, LOCK_FILE, lstatOrUndefined, OutDirError, READ_ONLY } from './out-dir.js';

interface Holder {
  readonly pid: number;
  readonly boot: string;
  readonly start: string;
  readonly token: string;
}

/** A lock file or a /proc file: a few hundred bytes at most; anything else reads as '' (not a lock mtc wrote). */
function readSmall(p: string): string {
  try {
    return readRegularFile(p, { maxBytes: 4096 }).toString('utf8').trim();
  } catch {
    return '';
  }
}

let bootId: string | undefined;
function boot(): string {
  return (bootId ??= readSmall('/proc/sys/kernel/random/boot_id'));
}

/** Start time of a process in clock ticks since boot (Linux), or '' where unknown. */
function startTime(pid: number): string {
  const stat = readSmall(`/proc/${pid}/stat`);
  const close = stat.lastIndexOf(')');
  if (close < 0) return '';
  return stat.slice(close + 2).split(' ')[19] ?? '';
}

function parseHolder(text: string): Holder | undefined {
  try {
    const v = JSON.parse(text) as Partial<Holder>;
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 && typeof v.boot === 'string' && typeof v.start === 'string' && typeof v.token === 'string') return v as Holder;
  } catch {
    // not a lock mtc wrote
  }
  return undefined;
}

/** Whether the process that wrote a lock is certainly gone (or the lock is not one mtc wrote). */
function holderGone(h: Holder | undefined): boolean {
  if (!h) return true;
  if (h.boot !== boot()) return true; // another boot, or a lock committed to a repository
  if (h.pid === process.pid) return h.token !== ownToken();
  if (!alive(h.pid)) return true;
  const st = startTime(h.pid);
  return st !== '' && h.start !== '' && st !== h.start; // the pid was reused
}

// Made on first use, not when the module is evaluated: a module evaluated while
// the start-up snapshot is built would otherwise give every run the same token
// (and V8 cannot put a SharedArrayBuffer in a snapshot).
let ownTokenValue: string | undefined;
function ownToken(): string {
  return (ownTokenValue ??= randomBytes(8).toString('hex'));
}
let sleeperValue: Int32Array | undefined;
function sleeper(): Int32Array {
  return (sleeperValue ??= new Int32Array(new SharedArrayBuffer(4)));
}

export interface LockOptions {
  /** How long to wait for a live holder before giving up (default 10 minutes). */
  readonly timeoutMs?: number;
}

export interface OutLock {
  /** A lock of a holder that is gone was broken: its transaction, if any, needs rolling back. */
  readonly brokeStale: boolean;
  release(): void;
}

function lockFileText(token: string): string {
  return JSON.stringify({ pid: process.pid, boot: boot(), start: startTime(process.pid), token }) + '\n';
}

/** Takes the lock of an output directory, waiting for a live holder. Synchronous. */
export function acquireLock(root: string, shown: string, opts: LockOptions = {}): OutLock {
  const lockPath = nodePath.join(root, LOCK_FILE);
  const token = `${ownToken()}-${randomBytes(4).toString('hex')}`;
  const mine = lockFileText(token);
  const deadline = Date.now() + (opts.timeoutMs ?? 10 * 60 * 1000);
  let brokeStale = false;
  let waits = 0;
  for (;;) {
    // Create the lock with its content in one step: write a private file, link it to the lock name.
    const tmp = nodePath.join(root, `${LOCK_FILE}.${process.pid}.${randomBytes(4).toString('hex')}`);
    try {
      fs.writeFileSync(tmp, mine, { flag: 'wx' });
    } catch (e) {
      throw new OutDirError('MTC3020', `cannot create the lock ${nodePath.join(shown, LOCK_FILE)}: ${errno(e)}`, 'check that the output directory is writable', undefined, undefined, READ_ONLY.has(errno(e)));
    }
    let got = false;
    try {
      fs.linkSync(tmp, lockPath);
      got = true;
    } catch (e) {
      if (errno(e) !== 'EEXIST') {
        fs.rmSync(tmp, { force: true });
        throw new OutDirError('MTC3020', `cannot create the lock ${nodePath.join(shown, LOCK_FILE)}: ${errno(e)}`, 'check that the output directory is writable', undefined, undefined, READ_ONLY.has(errno(e)));
      }
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    if (got) {
      deferSignals();
      return {
        brokeStale,
        release() {
          if (readSmall(lockPath) === mine.trim()) fs.rmSync(lockPath, { force: true });
        },
      };
    }
    const st = lstatOrUndefined(lockPath);
    if (st === undefined) continue;
    const holder = st.isFile() ? parseHolder(readSmall(lockPath)) : undefined;
    if (!st.isFile() || holderGone(holder)) {
      if (breakLock(lockPath, st.isFile() ? readSmall(lockPath) : undefined)) brokeStale = true;
      continue;
    }
    if (Date.now() > deadline)
      throw new OutDirError(
        'MTC3024',
        `another mtc build (pid ${holder!.pid}) is writing ${shown} and has not finished`,
        `wait for it, or stop it; if no mtc runs, remove ${nodePath.join(shown, LOCK_FILE)}`,
      );
    // Wait a little longer each time, up to 50 ms.
    Atomics.wait(sleeper(), 0, 0, Math.min(50, 2 + waits++));
  }
}

/**
 * Removes a lock whose holder is gone. Two processes may find the same dead
 * lock: a second, short-lived lock (`.mtc-lock.break`, created with O_EXCL)
 * lets one of them remove it, after checking that it is still the same lock.
 */
function breakLock(lockPath: string, seen: string | undefined): boolean {
  const breaker = `${lockPath}.break`;
  try {
    fs.writeFileSync(breaker, lockFileText(ownToken()), { flag: 'wx' });
  } catch (e) {
    if (errno(e) !== 'EEXIST') throw e;
    const st = lstatOrUndefined(breaker);
    // A breaker whose writer died between its two steps: remove it, the next round retries.
    if (st !== undefined && (!st.isFile() || holderGone(parseHolder(readSmall(breaker))))) fs.rmSync(breaker, { force: true });
    else Atomics.wait(sleeper(), 0, 0, 2);
    return false;
  }
  try {
    const st = lstatOrUndefined(lockPath);
    if (st === undefined) return false;
    if (st.isFile() ? readSmall(lockPath) === seen : seen === undefined) {
      fs.rmSync(lockPath, { force: true, recursive: st.isDirectory() && !st.isSymbolicLink() });
      return true;
    }
    return false;
  } finally {
    fs.rmSync(breaker, { force: true });
  }
}

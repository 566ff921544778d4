/**
 * A read-only FileSystem (src/resolve/load.ts) over one commit of a git
 * repository, so `mtc diff` can compile a revision without checking it out
 * or touching the working tree or the index. The tree is listed once with
 * `git ls-tree -r -z --long`; blobs are read on demand with `git cat-file`.
 * Paths live under a virtual absolute root (`/.mtc-git/<commit>`), which
 * exists nowhere on disk.
 */
import { execFileSync } from 'node:child_process';
import * as nodePath from 'node:path';
import type { FileSystem } from '../resolve/load.js';
import { ReadError } from '../util/read-file.js';

export class GitError extends Error {}

const MAX_SYMLINK_HOPS = 40;

interface Entry {
  readonly mode: string;
  readonly sha: string;
  readonly size: number;
}

function git(cwd: string, args: readonly string[], maxBuffer = 256 * 1024 * 1024): Buffer {
  try {
    return execFileSync('git', args, { cwd, maxBuffer, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    const msg = err.stderr?.toString('utf8').trim().split('\n')[0] || err.message.split('\n')[0];
    throw new GitError(`git ${args[0]} failed: ${msg}`);
  }
}

/** The repository's top-level directory and the prefix of `cwd` inside it (`''` or `sub/dir`). */
export function repositoryOf(cwd: string): { top: string; prefix: string } {
  const top = git(cwd, ['rev-parse', '--show-toplevel']).toString('utf8').trim();
  const prefix = git(cwd, ['rev-parse', '--show-prefix']).toString('utf8').trim().replace(/\/$/, '');
  return { top, prefix };
}

/** Resolves a revision (`main`, `HEAD~1`, a sha) to a full commit id. Refuses option-like input. */
export function resolveCommit(cwd: string, rev: string): string {
  if (rev === '' || rev.startsWith('-') || /[\0\n]/.test(rev)) throw new GitError(`not a revision: \`${rev}\``);
  let out: string;
  try {
    out = git(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]).toString('utf8').trim();
  } catch {
    throw new GitError(`unknown revision \`${rev}\``);
  }
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(out)) throw new GitError(`not a commit: \`${rev}\``);
  return out;
}

export class GitTreeFileSystem implements FileSystem {
  /** Virtual absolute path of the repository's top level in this commit. */
  readonly root: string;
  private readonly files = new Map<string, Entry>();
  private readonly dirs = new Map<string, Set<string>>();
  private readonly blobs = new Map<string, Buffer>();

  constructor(
    /** Any directory inside the repository (git runs there). */
    private readonly cwd: string,
    readonly commit: string,
  ) {
    this.root = `/.mtc-git/${commit}`;
    this.dirs.set('', new Set());
    const out = git(cwd, ['ls-tree', '-r', '-z', '--long', '--full-tree', commit]);
    for (const rec of out.toString('utf8').split('\0')) {
      if (rec === '') continue;
      const tab = rec.indexOf('\t');
      const [mode, type, sha, size] = rec.slice(0, tab).split(/\s+/);
      const path = rec.slice(tab + 1);
      if (type !== 'blob') continue; // submodules (commit entries) are not part of the tree we read
      this.files.set(path, { mode, sha, size: size === '-' ? 0 : Number(size) });
      // Register every parent directory.
      let child = path;
      for (;;) {
        const slash = child.lastIndexOf('/');
        const parent = slash < 0 ? '' : child.slice(0, slash);
        const name = slash < 0 ? child : child.slice(slash + 1);
        let set = this.dirs.get(parent);
        const isNew = set === undefined;
        if (!set) this.dirs.set(parent, (set = new Set()));
        set.add(name);
        if (!isNew || parent === '') break;
        child = parent;
      }
    }
  }

  /** Repository-relative path of a virtual absolute path, or undefined outside this tree. */
  private rel(abs: string): string | undefined {
    const norm = nodePath.posix.normalize(abs);
    if (norm === this.root) return '';
    if (!norm.startsWith(this.root + '/')) return undefined;
    return norm.slice(this.root.length + 1).replace(/\/+$/, '');
  }

  private resolveRel(rel: string, hops = 0): string | undefined {
    if (hops > MAX_SYMLINK_HOPS) return undefined;
    const parts = rel === '' ? [] : rel.split('/');
    let cur = '';
    for (let i = 0; i < parts.length; i++) {
      const next = cur === '' ? parts[i] : `${cur}/${parts[i]}`;
      const f = this.files.get(next);
      if (f && f.mode === '120000') {
        let target: string;
        try {
          target = this.blob(f.sha, 4096).toString('utf8');
        } catch {
          return undefined; // a symlink target longer than any path
        }
        if (nodePath.posix.isAbsolute(target)) return undefined; // points out of the tree
        const joined = nodePath.posix.normalize(nodePath.posix.join(cur, target, ...parts.slice(i + 1)));
        if (joined === '..' || joined.startsWith('../')) return undefined;
        return this.resolveRel(joined === '.' ? '' : joined, hops + 1);
      }
      if (!f && !this.dirs.has(next)) return undefined;
      cur = next;
    }
    return cur;
  }

  private blob(sha: string, maxBytes = 1024 * 1024): Buffer {
    let b = this.blobs.get(sha);
    if (!b) {
      b = git(this.cwd, ['cat-file', 'blob', sha], maxBytes);
      this.blobs.set(sha, b);
    }
    return b;
  }

  realpath(abs: string): string | undefined {
    const rel = this.rel(abs);
    if (rel === undefined) return undefined;
    const real = this.resolveRel(rel);
    if (real === undefined) return undefined;
    return real === '' ? this.root : `${this.root}/${real}`;
  }

  kind(abs: string): 'file' | 'dir' | undefined {
    const rel = this.rel(abs);
    if (rel === undefined) return undefined;
    const real = this.resolveRel(rel);
    if (real === undefined) return undefined;
    if (this.dirs.has(real)) return 'dir';
    return this.files.has(real) ? 'file' : undefined;
  }

  private entry(abs: string): Entry {
    const rel = this.rel(abs);
    const real = rel === undefined ? undefined : this.resolveRel(rel);
    const e = real === undefined ? undefined : this.files.get(real);
    if (!e) throw new ReadError('missing', `no such file in ${this.commit.slice(0, 12)}: ${rel ?? abs}`, 'ENOENT');
    return e;
  }

  /** Size of a file's blob as git records it (tests). */
  size(abs: string): number {
    return this.entry(abs).size;
  }

  readFile(abs: string, maxBytes: number): Uint8Array {
    const e = this.entry(abs);
    // git records the blob's size in the tree listing; the read is bounded again by maxBuffer.
    if (e.size > maxBytes) throw new ReadError('too-large', `${abs} is larger than the limit of ${maxBytes} bytes`, String(maxBytes));
    return this.blob(e.sha, maxBytes + 1);
  }

  list(abs: string): string[] {
    const rel = this.rel(abs);
    const real = rel === undefined ? undefined : this.resolveRel(rel);
    const names = real === undefined ? undefined : this.dirs.get(real);
    if (!names) throw new Error(`not a directory in ${this.commit.slice(0, 12)}: ${rel ?? abs}`);
    return [...names].sort();
  }
}

import { existsSync, realpathSync } from 'node:fs';
import * as nodePath from 'node:path';
import { ReadError } from '../util/read-file.js';
import type { FileSystem } from './load.js';
import { nodeFileSystem } from './load.js';

/** Files that mark the top of an mtc project (the review configuration, `rules/mtc.yaml`). */
export const ROOT_MARKERS: readonly string[] = ['rules/mtc.yaml', 'mtc.yaml'];

function real(p: string): string {
  try {
    return realpathSync.native(p);
  } catch {
    return p;
  }
}

function isInside(dir: string, p: string): boolean {
  const rel = nodePath.relative(dir, p);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + nodePath.sep) && !nodePath.isAbsolute(rel));
}

/** The deepest directory that contains every path. */
export function commonAncestor(paths: readonly string[]): string {
  let acc = paths[0]!;
  for (const p of paths.slice(1)) while (!isInside(acc, p)) acc = nodePath.dirname(acc);
  return acc;
}

/**
 * The nearest directory at or above `dir` holding a project marker
 * (`rules/mtc.yaml`, `mtc.yaml`). The `mtc.yaml` of a folder named `rules`
 * is the first marker of its parent, so starting inside `rules/` finds the
 * project, not the folder.
 */
export function nearestMarked(dir: string): string | undefined {
  for (let d = dir; ; d = nodePath.dirname(d)) {
    if (ROOT_MARKERS.some((m) => existsSync(nodePath.join(d, m)))) return nodePath.basename(d) === 'rules' && existsSync(nodePath.join(d, 'mtc.yaml')) ? nodePath.dirname(d) : d;
    if (nodePath.dirname(d) === d) return undefined;
  }
}

/**
 * The project root for rule paths given on the command line (absolute), so
 * that `mtc check /elsewhere/rules/a.mtc` works from any directory:
 *
 * 1. the nearest directory at or above the inputs that holds `rules/mtc.yaml`
 *    (or `mtc.yaml`), the project they belong to;
 * 2. else the current directory, when it contains every input (as before);
 * 3. else the common ancestor of the inputs (a file counts as its directory).
 *
 * `--root` overrides all of this. Includes cannot leave the root.
 */
export function findProjectRoot(inputs: readonly string[], cwd: string): string {
  const dirs = inputs.map((p) => {
    const r = real(p);
    return nodeFileSystem.kind(r) === 'dir' ? r : nodePath.dirname(r);
  });
  if (dirs.length === 0) return real(cwd);
  const common = commonAncestor(dirs);
  const marked = nearestMarked(common);
  if (marked) return marked;
  const here = real(cwd);
  if (dirs.every((d) => isInside(here, d))) return here;
  return common;
}

/**
 * The real file system with one file replaced by text read from standard
 * input (`mtc check -`), at `abs` (`--stdin-filename`, which need not exist):
 * includes and directories around it are read from disk as usual.
 */
export function stdinFileSystem(base: FileSystem, abs: string, bytes: Uint8Array): { fs: FileSystem; path: string } {
  const dir = base.realpath(nodePath.dirname(abs));
  const at = base.realpath(abs) ?? (dir ? nodePath.join(dir, nodePath.basename(abs)) : abs);
  return {
    path: at,
    fs: {
      realpath: (p) => (p === abs || p === at ? at : base.realpath(p)),
      kind: (p) => (p === at ? 'file' : base.kind(p)),
      readFile: (p, maxBytes) => {
        if (p !== at) return base.readFile(p, maxBytes);
        if (bytes.length > maxBytes) throw new ReadError('too-large', `standard input is larger than ${maxBytes} bytes`, String(maxBytes));
        return bytes;
      },
      list: (p) => base.list(p),
    },
  };
}

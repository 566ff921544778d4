/**
 * mtc's output inside the real QEMU trees of ../shared/qemu/ (unpacked,
 * configured and cached by scripts/qemu-trees.mjs): build the patch with the
 * bundled CLI against a tree, `git apply` (or `git am`) it, compile every
 * object of the tree's own build that the patch touches, and run the tree's
 * scripts/checkpatch.pl. A missing tool makes these tests fail with what to
 * install; they never skip.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as trees from '../../scripts/qemu-trees.mjs';
import { runBin, type CliRun } from '../support/cli.js';

export const PATCH = 'qemu/mtc.patch';

export interface BuiltPatch {
  readonly run: CliRun;
  /** The patch file, when the build wrote one. */
  readonly file?: string;
  readonly text?: string;
}

export interface Proof {
  readonly files: readonly string[];
  readonly objects: readonly string[];
  readonly compile: { readonly ok: boolean; readonly output: string };
  readonly checkpatch: { readonly errors: number; readonly warnings: number; readonly output: string };
}

/** Runs fn with the tree prepared, locked, and reset afterwards (whatever fn did to it). */
export function inTree<T>(version: string, fn: (tree: string) => T): T {
  return trees.withTreeLock(version, () => {
    const p = trees.prepareTree(version);
    try {
      return fn(p.tree);
    } finally {
      trees.dropCommits(version);
      trees.resetTree(version);
    }
  });
}

const outs: string[] = [];
export function cleanupOuts(): void {
  for (const d of outs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** `mtc build <rules> --qemu-tree <tree> --out <tmp> [...extra]` with the bundled CLI. */
export function buildPatch(rules: string, tree: string, extra: readonly string[] = []): BuiltPatch {
  const out = mkdtempSync(join(tmpdir(), 'mtc-qemu-tree-'));
  outs.push(out);
  const run = runBin(['build', rules, '--out', out, '--qemu-tree', tree, ...extra]);
  const file = join(out, PATCH);
  return existsSync(file) ? { run, file, text: readFileSync(file, 'utf8') } : { run };
}

/** Applies the patch to the tree, compiles what it touches, runs checkpatch. Call inside inTree(). */
export function prove(version: string, patchFile: string, opts: { am?: boolean } = {}): Proof {
  const files = trees.applyPatch(version, patchFile, opts);
  const objects = trees.objectsFor(version, files);
  const compile = trees.compileObjects(version, objects);
  const checkpatch = trees.checkpatch(version, patchFile, { signoff: opts.am === true });
  return { files, objects, compile, checkpatch };
}

/** The codes of the diagnostics a human-format run printed, in order (`error[MTC7001]` → `error MTC7001`). */
export function codes(run: CliRun): string[] {
  return [...run.stderr.matchAll(/^(error|warning|note)\[(MTC[0-9]{4})\]/gm)].map((m) => `${m[1]} ${m[2]}`);
}

/** The ` --> file:line:col` of the first diagnostic with this code. */
export function locationOf(run: CliRun, code: string): string | undefined {
  const i = run.stderr.search(new RegExp(`\\[${code}\\]`));
  if (i < 0) return undefined;
  return /-->\s+(\S+)/.exec(run.stderr.slice(i))?.[1];
}

export const { treePaths, compileObjects, applyPatch } = trees;

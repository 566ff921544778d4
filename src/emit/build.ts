/**
 * `mtc build`: generate every output in memory, then either compare them with
 * the output directory (`--check`) or write them atomically.
 *
 * Outputs (paths relative to the output directory):
 *   c/<family>.c          C snippets for QEMU (x-mig arrays / tolerance functions)
 *   mtc-build.json        the build document (schema/build.schema.json)
 *   docs/<family>.md      Markdown per machine family
 *   docs/index.html       one self-contained HTML page
 *   qemu/mtc.patch        with --qemu-tree: the patch for that QEMU tree (a mail with --signoff)
 *   .mtc-manifest         the files above: what the build owns and may remove
 *
 * Writing goes through out-dir.ts: confined (no symlinks), serialised (a lock
 * in the directory) and atomic (a journaled transaction).
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Model } from '../resolve/model.js';
import { GENERATED_MARKER, emitFamilyC } from './c.js';
import { unifiedDiff } from './diff.js';
import { docsStream } from './docs.js';
import { writeBuildDocument } from './json.js';
import { planBuild } from './plan.js';
import { COMPAT_SETS_FILE, emitCompatSetsC } from './compat-sets.js';
import { PATCH_FILE, buildTreePatch, type SignOff, type TreeReadFn } from './qemu-tree.js';
import type { QemuContext } from '../qemu/context.js';
import { applyChange, confined, MANIFEST, openOutDir, TXN_DIR, OutDirError, readConfined, recover, type StagedFile } from './out-dir.js';
import { compareOutput, discardStaging, MAX_DIFF_BYTES, openStaging, outputText, stageOutput, type Output } from './out-stage.js';
import { acquireLock, type LockOptions, type OutLock } from './out-lock.js';
import { sanitize } from '../diagnostics/render.js';
import { fromError, manifestText, readManifest } from './manifest.js';
import { collectIfGrown } from '../util/memory.js';

export { MANIFEST };
export { manifestText, parseManifest } from './manifest.js';

/** A file name for a family (families are QEMU machine names, but never trust them with a path). */
export function fileStem(family: string): string {
  const s = family.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[.-]+/, '_');
  return s || '_';
}

export interface GenerateOptions {
  /** The QEMU the build is for: names, scope, and (with `treeRead`) the tree to patch. */
  readonly qemu?: QemuContext;
  /** Reads files of the QEMU tree (`--qemu-tree`): the build then writes qemu/mtc.patch. */
  readonly treeRead?: TreeReadFn;
  /** Makes the patch a `git format-patch`-style mail signed off by this person. */
  readonly signoff?: SignOff;
}

export interface Generated {
  /** Relative path (with `/`) → content; sorted by path; includes the manifest. */
  readonly files: ReadonlyMap<string, string>;
  readonly diagnostics: readonly Diagnostic[];
}

/** Every output of a build, each made when it is written (see out-stage.ts). */
export interface GeneratedStream {
  /** Sorted by path; the manifest last. */
  readonly outputs: readonly Output[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Every output of a build as a stream: the plan is made (and its diagnostics
 * known) now, each file's text only when it is written, one file at a time.
 * Writes nothing.
 */
export function generateStream(model: Model, opts: GenerateOptions = {}): GeneratedStream {
  const { plan, diagnostics } = planBuild(model, opts.qemu);
  const diags: Diagnostic[] = [...diagnostics];
  const outputs: Output[] = [];
  const text = (path: string, make: () => string): Output => ({ path, write: (w) => w(make()) });
  for (const f of plan.families) outputs.push(text(`c/${fileStem(f.family)}.c`, () => emitFamilyC(f)));
  if (plan.compatSets && plan.compatSets.length > 0) {
    const sets = plan.compatSets;
    outputs.push(text(COMPAT_SETS_FILE, () => emitCompatSetsC(sets)));
  }
  outputs.push({ path: 'mtc-build.json', write: (w) => writeBuildDocument(model, plan, w) });
  const docs = docsStream(model, plan);
  for (const family of docs.families) outputs.push(text(`docs/${fileStem(family)}.md`, () => docs.markdown(family)));
  outputs.push({ path: 'docs/index.html', write: (w) => docs.writeHtml(w) });
  if (opts.treeRead && opts.qemu) {
    const r = buildTreePatch(plan, opts.qemu, opts.treeRead, opts.signoff);
    for (const x of r.diagnostics) diags.push(x);
    const patch = r.patch;
    if (patch !== undefined) outputs.push(text(PATCH_FILE, () => patch));
  }
  // Machine names are lower case and their C names are checked for collisions (MTC3004), so two
  // families cannot map to one file name here.
  outputs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest = manifestText(outputs.map((o) => o.path));
  outputs.push(text(MANIFEST, () => manifest));
  return { outputs, diagnostics: diags };
}

/** Every output of a build, in memory (the tests, `mtc diff`). Writes nothing. */
export function generate(model: Model, opts: GenerateOptions = {}): Generated {
  const s = generateStream(model, opts);
  return { files: new Map(s.outputs.map((o) => [o.path, outputText(o)])), diagnostics: s.diagnostics };
}

/** The outputs of a build held in memory, as a stream. */
function streamOf(gen: Generated | GeneratedStream): GeneratedStream {
  if ('outputs' in gen) return gen;
  return { outputs: [...gen.files].map(([path, content]) => ({ path, write: (w: (c: string) => void) => w(content) })), diagnostics: gen.diagnostics };
}

/** Temporary files of the writer of earlier mtc versions: `.NAME.mtc-tmp-PID`. */
const TEMP_FILE = /^\..+\.mtc-tmp-[0-9]+$/;

/**
 * Temporary files an earlier mtc version left when it was killed, in the
 * output directory and its subdirectories (relative paths, sorted). Symlinks
 * are not followed.
 */
export function leftoverTemps(outDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string, depth: number) => {
    if (depth > 8) return;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && !e.name.startsWith('.mtc-')) walk(join(dir, e.name), r, depth + 1);
      else if (e.isFile() && TEMP_FILE.test(e.name)) out.push(r);
    }
  };
  walk(outDir, '', 0);
  return out.sort();
}

/** Terminal-safe text of a file in the output directory (its content is not mtc's input). */
function safeLines(text: string): string {
  return text
    .split('\n')
    .map((l) => sanitize(l))
    .join('\n');
}

export interface StaleFile {
  readonly path: string;
  /** `changed`: differs; `missing`: not on disk; `extra`: owned, no longer produced, or a temporary file a killed build left. */
  readonly state: 'changed' | 'missing' | 'extra';
  /** Short unified diff (disk → expected), for `changed`; terminal-safe. */
  readonly diff?: string;
}

export interface CheckResult {
  readonly stale: StaleFile[];
  /** Problems of the directory itself (symlinks, a bad manifest, an interrupted build restored). */
  readonly diagnostics: Diagnostic[];
}

/**
 * `--check`: what differs between the output directory and a fresh build.
 * Writes no output; it takes the directory's lock and first restores what an
 * interrupted build left (see out-dir.ts), so it never compares a half-done
 * directory.
 */
export function checkOutputDir(outDir: string, generated: Generated | GeneratedStream, maxDiffLines = 40, lock: LockOptions = {}): CheckResult {
  const gen = streamOf(generated);
  const produced = new Set(gen.outputs.map((o) => o.path));
  const diagnostics: Diagnostic[] = [];
  let root: string | undefined;
  try {
    root = openOutDir(outDir, false);
  } catch (e) {
    if (e instanceof OutDirError) return { stale: [], diagnostics: [fromError(e)] };
    throw e;
  }
  if (root === undefined) return { stale: [...produced].sort().map((path) => ({ path, state: 'missing' as const })), diagnostics };
  let held: OutLock | undefined;
  try {
    try {
      held = acquireLock(root, outDir, lock);
    } catch (e) {
      // A read-only output directory (a read-only checkout) can still be checked: nobody can be writing it.
      if (!(e instanceof OutDirError && e.readOnly)) throw e;
    }
    if (held) {
      const recovered = recover(root, outDir);
      if (recovered) diagnostics.push(recoveredDiagnostic(recovered));
    } else if (confined(root, TXN_DIR, outDir).exists)
      diagnostics.push({
        code: 'MTC3026',
        severity: 'warning',
        message: `${join(outDir, TXN_DIR)} is left by an interrupted build, and the directory is read-only: it cannot be restored here`,
        help: 'run `mtc build` where the directory can be written; the comparison below is of the files as they are',
      });
    const stale: StaleFile[] = [];
    for (const output of gen.outputs) {
      const path = output.path;
      let cmp;
      try {
        cmp = compareOutput(root, outDir, output);
      } catch (e) {
        if (!(e instanceof OutDirError)) throw e;
        diagnostics.push(fromError(e));
        continue;
      }
      if (cmp.state === 'missing') stale.push({ path, state: 'missing' });
      else if (cmp.state === 'changed' && !cmp.small) stale.push({ path, state: 'changed', diff: `--- a/${path}\n+++ b/${path}\n(larger than ${MAX_DIFF_BYTES} bytes; not shown)\n` });
      else if (cmp.state === 'changed') {
        const disk = readConfined(root, path, outDir, MAX_DIFF_BYTES).text ?? '';
        const lines = safeLines(unifiedDiff(path, disk, outputText(output))).split('\n');
        const diff = lines.length > maxDiffLines ? [...lines.slice(0, maxDiffLines), `... (${lines.length - maxDiffLines} more lines)`].join('\n') + '\n' : lines.join('\n');
        stale.push({ path, state: 'changed', diff });
      }
    }
    const manifest = readManifest(root, outDir);
    // A symlink found above is not reported a second time from its manifest line.
    for (const d of manifest.diagnostics) if (!diagnostics.some((x) => x.message === d.message)) diagnostics.push(d);
    for (const path of manifest.owned) if (!produced.has(path) && confined(root, path, outDir).exists) stale.push({ path, state: 'extra' });
    for (const path of leftoverTemps(root)) stale.push({ path, state: 'extra' });
    return { stale: stale.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), diagnostics };
  } catch (e) {
    if (e instanceof OutDirError) return { stale: [], diagnostics: [...diagnostics, fromError(e)] };
    throw e;
  } finally {
    held?.release();
  }
}

/** `--check` for callers that only want the stale files (throws when the directory itself has a problem). */
export function checkOutputs(outDir: string, gen: Generated, maxDiffLines = 40): StaleFile[] {
  const r = checkOutputDir(outDir, gen, maxDiffLines);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => `${d.code}: ${d.message}`).join('\n'));
  return r.stale;
}

function recoveredDiagnostic(what: string): Diagnostic {
  return {
    code: 'MTC3026',
    severity: 'warning',
    message: what,
    help: 'an earlier mtc build was killed while changing the outputs; its change was undone, so the directory holds the complete previous build',
  };
}

export interface WriteResult {
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  readonly removed: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

function looksGenerated(text: string): boolean {
  return text.includes(GENERATED_MARKER) || /"generator":\s*\{\s*"name":\s*"mtc"/.test(text);
}

/**
 * Writes the outputs as one transaction (out-dir.ts): under the directory's
 * lock, after restoring what an interrupted build left, every changed file is
 * replaced and every file of the previous manifest the build no longer
 * produces is removed, or nothing changes. Never through a symlink, never a
 * file mtc did not generate (MTC3022).
 */
export function writeOutputs(outDir: string, generated: Generated | GeneratedStream, lock: LockOptions = {}): WriteResult {
  const gen = streamOf(generated);
  const produced = new Set(gen.outputs.map((o) => o.path));
  const diagnostics: Diagnostic[] = [];
  const changed: string[] = [];
  const unchanged: string[] = [];
  const removed: string[] = [];
  const none = () => ({ written: [], unchanged, removed: [], diagnostics });
  let root: string;
  let held: OutLock | undefined;
  try {
    root = openOutDir(outDir, true)!;
    held = acquireLock(root, outDir, lock);
    const recovered = recover(root, outDir);
    if (recovered) diagnostics.push(recoveredDiagnostic(recovered));
    const manifest = readManifest(root, outDir);
    for (const d of manifest.diagnostics) diagnostics.push(d);
    const owned = new Set(manifest.owned);
    // Each output is written to the staging directory while it is compared with the file on disk;
    // only changed ones stay staged. Nothing outside the staging directory changes before applyChange.
    const staging = openStaging(root);
    const staged = new Map<string, StagedFile>();
    try {
      let n = 0;
      for (const output of gen.outputs) {
        const path = output.path;
        const name = `n${n++}`;
        let r;
        try {
          collectIfGrown();
          r = stageOutput(root, outDir, output, join(staging, name));
        } catch (e) {
          if (!(e instanceof OutDirError)) throw e;
          diagnostics.push(fromError(e));
          continue;
        }
        if (!r.changed) {
          unchanged.push(path);
          continue;
        }
        if (r.exists && path !== MANIFEST && !owned.has(path) && !(r.head !== undefined && looksGenerated(r.head)))
          diagnostics.push({
            code: 'MTC3022',
            severity: 'error',
            message: `${join(outDir, path)} exists and was not generated by mtc; not overwriting it`,
            help: 'move the file away or choose another --out directory',
          });
        changed.push(path);
        staged.set(path, { staged: name, sha256: r.sha256 });
      }
    } catch (e) {
      discardStaging(root);
      if (e instanceof OutDirError || !(e as NodeJS.ErrnoException).code) throw e;
      throw new OutDirError('MTC3020', `cannot write the outputs in ${outDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'nothing was changed; check permissions and free space');
    }
    for (const path of [...owned].sort()) if (!produced.has(path) && confined(root, path, outDir).exists) removed.push(path);
    if (diagnostics.some((d) => d.severity === 'error')) {
      discardStaging(root);
      return none();
    }
    if (changed.length > 0 || removed.length > 0) applyChange(root, outDir, { write: staged, remove: removed });
    else discardStaging(root);
    // Temporary files an earlier mtc version left when it was killed.
    for (const path of leftoverTemps(root)) {
      rmSync(join(root, path), { force: true });
      removed.push(path);
    }
    return { written: changed, unchanged, removed, diagnostics };
  } catch (e) {
    if (e instanceof OutDirError) {
      diagnostics.push(fromError(e));
      return none();
    }
    throw e;
  } finally {
    held?.release();
  }
}

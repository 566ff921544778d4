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
import { VERSION } from '../version.js';
import { GENERATED_MARKER, emitFamilyC } from './c.js';
import { unifiedDiff } from './diff.js';
import { emitDocs } from './docs.js';
import { emitJson } from './json.js';
import { planBuild } from './plan.js';
import { COMPAT_SETS_FILE, emitCompatSetsC } from './compat-sets.js';
import { PATCH_FILE, buildTreePatch, type SignOff, type TreeReadFn } from './qemu-tree.js';
import type { QemuContext } from '../qemu/context.js';
import { applyChange, confined, isOwnablePath, MANIFEST, openOutDir, TXN_DIR, OutDirError, readConfined, recover } from './out-dir.js';
import { acquireLock, type LockOptions, type OutLock } from './out-lock.js';
import { sanitize } from '../diagnostics/render.js';
import { SourceFile } from '../diagnostics/source.js';

export { MANIFEST };

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

export function manifestText(paths: readonly string[]): string {
  return `# ${GENERATED_MARKER} ${VERSION}: the files this build owns in this directory.\n` + paths.map((p) => p + '\n').join('');
}

/** The entries of a manifest that name paths mtc may own (see readManifest for the checked form). */
export function parseManifest(text: string): string[] {
  return manifestEntries(text)
    .filter((e) => e.ok)
    .map((e) => e.path);
}

interface ManifestEntry {
  readonly path: string;
  readonly ok: boolean;
  /** Offsets of the line in the manifest text. */
  readonly start: number;
  readonly end: number;
}

function manifestEntries(text: string): ManifestEntry[] {
  const out: ManifestEntry[] = [];
  let offset = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const start = offset + raw.indexOf(line.charAt(0));
    offset += raw.length + 1;
    if (!line || line.startsWith('#')) continue;
    out.push({ path: line, ok: isOwnablePath(line), start, end: start + line.length });
  }
  return out;
}

/** Every output of a build, in memory. Writes nothing. */
export function generate(model: Model, opts: GenerateOptions = {}): Generated {
  const { plan, diagnostics } = planBuild(model, opts.qemu);
  const diags: Diagnostic[] = [...diagnostics];
  const files = new Map<string, string>();
  for (const f of plan.families) files.set(`c/${fileStem(f.family)}.c`, emitFamilyC(f));
  if (plan.compatSets && plan.compatSets.length > 0) files.set(COMPAT_SETS_FILE, emitCompatSetsC(plan.compatSets));
  files.set('mtc-build.json', emitJson(model, plan));
  const docs = emitDocs(model, plan);
  for (const [family, md] of docs.markdown) files.set(`docs/${fileStem(family)}.md`, md);
  files.set('docs/index.html', docs.html);
  if (opts.treeRead && opts.qemu) {
    const r = buildTreePatch(plan, opts.qemu, opts.treeRead, opts.signoff);
    for (const x of r.diagnostics) diags.push(x);
    if (r.patch !== undefined) files.set(PATCH_FILE, r.patch);
  }
  // Machine names are lower case and their C names are checked for collisions (MTC3004), so two
  // families cannot map to one file name here.
  const paths = [...files.keys()].sort();
  const sorted = new Map<string, string>();
  for (const p of paths) sorted.set(p, files.get(p)!);
  sorted.set(MANIFEST, manifestText(paths));
  return { files: sorted, diagnostics: diags };
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

/** Largest manifest read. */
const MAX_MANIFEST_BYTES = 1024 * 1024;

/** Terminal-safe text of a file in the output directory (its content is not mtc's input). */
function safeLines(text: string): string {
  return text
    .split('\n')
    .map((l) => sanitize(l))
    .join('\n');
}

function fromError(e: OutDirError): Diagnostic {
  return { code: e.code, severity: 'error', message: e.message, help: e.help, ...(e.file !== undefined ? { file: e.file } : {}) };
}

/**
 * The manifest of the previous build: the paths it owns. An entry that is not
 * a plain relative path, or that names a directory, is an MTC3025 error at
 * its line (mtc never writes such a manifest).
 */
function readManifest(root: string, shown: string): { owned: string[]; diagnostics: Diagnostic[] } {
  const r = readConfined(root, MANIFEST, shown, MAX_MANIFEST_BYTES);
  const file = join(shown, MANIFEST);
  if (r.tooLarge)
    return { owned: [], diagnostics: [{ code: 'MTC3025', severity: 'error', message: `${file} is larger than ${MAX_MANIFEST_BYTES} bytes; mtc never writes such a manifest`, file, help: 'remove the file; the next build writes a new one (files it listed are then left in place)' }] };
  if (r.text === undefined) return { owned: [], diagnostics: [] };
  const src = new SourceFile(file, r.text);
  const owned: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const bad = (e: ManifestEntry, why: string) =>
    diagnostics.push({
      code: 'MTC3025',
      severity: 'error',
      message: `${file} lists ${why}`,
      file,
      span: src.span(e.start, e.end),
      label: 'not a file mtc writes',
      help: 'mtc only lists plain relative paths of the files it generated; remove the line (or the file, to start afresh)',
    });
  for (const e of manifestEntries(r.text)) {
    if (!e.ok) {
      bad(e, 'a path mtc never writes (absolute, `..`, a hidden name or unusual characters)');
      continue;
    }
    let c;
    try {
      c = confined(root, e.path, shown);
    } catch (x) {
      if (!(x instanceof OutDirError)) throw x;
      diagnostics.push({ ...fromError(x), file, span: src.span(e.start, e.end) });
      continue;
    }
    if (c.isDir) {
      bad(e, `\`${e.path}\`, which is a directory, not a file mtc wrote`);
      continue;
    }
    owned.push(e.path);
  }
  return { owned, diagnostics };
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
export function checkOutputDir(outDir: string, gen: Generated, maxDiffLines = 40, lock: LockOptions = {}): CheckResult {
  const diagnostics: Diagnostic[] = [];
  let root: string | undefined;
  try {
    root = openOutDir(outDir, false);
  } catch (e) {
    if (e instanceof OutDirError) return { stale: [], diagnostics: [fromError(e)] };
    throw e;
  }
  if (root === undefined) return { stale: [...gen.files.keys()].sort().map((path) => ({ path, state: 'missing' as const })), diagnostics };
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
    for (const [path, content] of gen.files) {
      const expectedBytes = Buffer.byteLength(content);
      let disk;
      try {
        disk = readConfined(root, path, outDir, Math.max(2 * expectedBytes, 1024 * 1024));
      } catch (e) {
        if (!(e instanceof OutDirError)) throw e;
        diagnostics.push(fromError(e));
        continue;
      }
      if (disk.tooLarge) stale.push({ path, state: 'changed', diff: `--- a/${path}\n+++ b/${path}\n(the file on disk is much larger than the generated one; not shown)\n` });
      else if (disk.text === undefined) stale.push({ path, state: 'missing' });
      else if (disk.text !== content) {
        const lines = safeLines(unifiedDiff(path, disk.text, content)).split('\n');
        const diff = lines.length > maxDiffLines ? [...lines.slice(0, maxDiffLines), `... (${lines.length - maxDiffLines} more lines)`].join('\n') + '\n' : lines.join('\n');
        stale.push({ path, state: 'changed', diff });
      }
    }
    const manifest = readManifest(root, outDir);
    // A symlink found above is not reported a second time from its manifest line.
    for (const d of manifest.diagnostics) if (!diagnostics.some((x) => x.message === d.message)) diagnostics.push(d);
    for (const path of manifest.owned) if (!gen.files.has(path) && confined(root, path, outDir).exists) stale.push({ path, state: 'extra' });
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
export function writeOutputs(outDir: string, gen: Generated, lock: LockOptions = {}): WriteResult {
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
    for (const [path, content] of gen.files) {
      let disk;
      try {
        disk = readConfined(root, path, outDir, Math.max(Buffer.byteLength(content) + 1, 1024 * 1024));
      } catch (e) {
        if (!(e instanceof OutDirError)) throw e;
        diagnostics.push(fromError(e));
        continue;
      }
      if (disk.text === content) {
        unchanged.push(path);
        continue;
      }
      const exists = disk.text !== undefined || disk.tooLarge;
      if (exists && path !== MANIFEST && !owned.has(path) && !(disk.text !== undefined && looksGenerated(disk.text)))
        diagnostics.push({
          code: 'MTC3022',
          severity: 'error',
          message: `${join(outDir, path)} exists and was not generated by mtc; not overwriting it`,
          help: 'move the file away or choose another --out directory',
        });
      changed.push(path);
    }
    for (const path of [...owned].sort()) if (!gen.files.has(path) && confined(root, path, outDir).exists) removed.push(path);
    if (diagnostics.some((d) => d.severity === 'error')) return none();
    if (changed.length > 0 || removed.length > 0)
      applyChange(root, outDir, { write: new Map(changed.map((p) => [p, gen.files.get(p)!])), remove: removed });
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
